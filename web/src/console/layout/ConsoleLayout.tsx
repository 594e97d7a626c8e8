import { BellOutlined, LogoutOutlined, MenuOutlined, SafetyOutlined } from '@ant-design/icons';
import { ACCOUNT_TYPE_LABELS, type MenuKey } from '@cityleague/domain';
import { useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, Grid, Layout, Menu, Result, Spin, Tag } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { useUnreadAlerts } from '../alerts';
import { PageLoading } from '../components/PageLoading';
import { signOut } from '../endpoints';
import {
  firstMenuPath,
  homePath,
  LOGIN_PATH,
  MENU_PATHS,
  menuItems,
  menuKeyOfPath,
  PASSWORD_PATH,
  SECURITY_PATH,
} from '../menus';
import { MeContext, useMe, useMeQuery } from '../queries';
import { isSessionLost } from '../session';
import type { Me } from '../types';

const { Header, Sider, Content } = Layout;

/** Loads the signed-in account and frames every console page with the menu and header. */
export function ConsoleLayout() {
  const meQuery = useMeQuery();

  if (meQuery.isPending) {
    return (
      <div className="console-centered">
        <Spin size="large" />
      </div>
    );
  }
  if (meQuery.isError) {
    if (isSessionLost(meQuery.error)) return <Navigate to="/login" replace />;
    return (
      <Result
        status="error"
        title="无法加载账号信息"
        subTitle={consoleErrorMessage(meQuery.error)}
        extra={<Button onClick={() => void meQuery.refetch()}>重试</Button>}
      />
    );
  }

  return (
    <MeContext.Provider value={meQuery.data}>
      <ConsoleFrame me={meQuery.data} />
    </MeContext.Provider>
  );
}

function ConsoleFrame({ me }: { me: Me }) {
  const screens = Grid.useBreakpoint();
  const wide = screens.lg ?? true;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();
  const unreadAlerts = useUnreadAlerts(me);

  // The sign-in page shows the missing second factor step; the server rejects the rest.
  if (me.pendingStep) return <Navigate to={LOGIN_PATH} replace />;
  // The server rejects every other console call until the initial password is replaced.
  if (me.mustChangePassword && location.pathname !== PASSWORD_PATH) {
    return <Navigate to={PASSWORD_PATH} replace />;
  }

  let selected = menuKeyOfPath(location.pathname);
  // An event opened from the review queue keeps the queue highlighted.
  const fromReviews = (location.state as { fromReviews?: boolean } | null)?.fromReviews === true;
  if (selected === 'events' && (fromReviews || !me.menus.includes('events'))) selected = 'reviews';

  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      items={me.mustChangePassword ? [] : menuItems(me, unreadAlerts)}
      onClick={({ key }) => {
        setDrawerOpen(false);
        navigate(MENU_PATHS[key as MenuKey]);
      }}
    />
  );
  const brand = <div className="console-brand">城市业余联赛</div>;

  return (
    <Layout className="console-root">
      {wide ? (
        <Sider width={208} className="console-sider">
          {brand}
          {menu}
        </Sider>
      ) : (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={240}
          closable={false}
          styles={{ body: { padding: 0, background: '#001529' } }}
        >
          {brand}
          {menu}
        </Drawer>
      )}
      <Layout>
        <ConsoleHeader
          me={me}
          wide={wide}
          unreadAlerts={unreadAlerts}
          onOpenMenu={() => setDrawerOpen(true)}
        />
        <Content className="console-content">
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}

function ConsoleHeader(props: {
  me: Me;
  wide: boolean;
  unreadAlerts: number;
  onOpenMenu: () => void;
}) {
  const { me, wide, unreadAlerts } = props;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);

  async function handleSignOut() {
    setSigningOut(true);
    try {
      await signOut();
    } catch {
      // The session may already be gone; leaving the console is the right outcome anyway.
    }
    queryClient.clear();
    navigate('/login', { replace: true });
  }

  return (
    <Header className="console-header">
      {!wide && (
        <Badge dot={unreadAlerts > 0} offset={[-6, 6]}>
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label="打开菜单"
            onClick={props.onOpenMenu}
          />
        </Badge>
      )}
      <div className="console-header-account" data-testid="account-summary">
        {/* Plain spans rather than Typography, whose editing and copying code would otherwise
            be part of every page's first load. */}
        <span className="console-organisation" title={me.user.organisation.name}>
          {me.user.organisation.name}
        </span>
        <Tag color="blue">{ACCOUNT_TYPE_LABELS[me.user.accountType]}</Tag>
        {wide && <span className="console-header-secondary">{me.user.divisionName}</span>}
        {wide && <span className="console-header-secondary">{me.user.displayName}</span>}
      </div>
      {me.menus.includes('alerts') && !me.mustChangePassword && (
        <Badge count={unreadAlerts} size="small" offset={[-4, 4]}>
          <Button
            type="text"
            icon={<BellOutlined />}
            onClick={() => navigate(MENU_PATHS.alerts)}
            aria-label={unreadAlerts > 0 ? `异常预警，${unreadAlerts} 条未读` : '异常预警'}
            data-testid="header-alerts"
          />
        </Badge>
      )}
      <Button
        icon={<SafetyOutlined />}
        onClick={() => navigate(me.mustChangePassword ? PASSWORD_PATH : SECURITY_PATH)}
        aria-label="账号安全"
      >
        {wide ? '账号安全' : null}
      </Button>
      <Button
        icon={<LogoutOutlined />}
        loading={signingOut}
        onClick={() => void handleSignOut()}
        aria-label="退出登录"
      >
        {wide ? '退出登录' : null}
      </Button>
    </Header>
  );
}

/** Sends the console root to the account's first menu. */
export function HomeRedirect() {
  const me = useMe();
  return <Navigate to={homePath(me)} replace />;
}

/** Shows the page only to accounts that have one of the menus it belongs to. */
export function RequireMenu(props: { menus: MenuKey[]; children: ReactNode }) {
  const me = useMe();
  const navigate = useNavigate();
  if (props.menus.some((key) => me.menus.includes(key))) return props.children;
  return (
    <Result
      status="403"
      title="无权访问"
      subTitle="当前账号无权访问此页面"
      extra={
        <Button type="primary" onClick={() => navigate(firstMenuPath(me))}>
          返回首页
        </Button>
      }
    />
  );
}
