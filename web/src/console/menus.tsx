import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  ControlOutlined,
  FileTextOutlined,
  FileProtectOutlined,
  SolutionOutlined,
  FormOutlined,
  MonitorOutlined,
  MessageOutlined,
  SafetyCertificateOutlined,
  ScanOutlined,
  TeamOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import type { MenuKey } from '@cityleague/domain';
import { Badge } from 'antd';
import type { ReactNode } from 'react';
import type { Me } from './types';

export const MENU_PATHS: Record<MenuKey, string> = {
  dashboard: '/dashboard',
  events: '/events',
  filing: '/events/new',
  reviews: '/reviews',
  check_in: '/check-in',
  accounts: '/accounts',
  contracts: '/contracts',
  partners: '/partners',
  pre_reviews: '/pre-reviews',
  audit: '/audit',
  partner_oversight: '/partner-oversight',
  outbox: '/outbox',
  reports: '/reports',
  alerts: '/alerts',
  alert_rules: '/alert-rules',
};

const MENU_ICONS: Record<MenuKey, ReactNode> = {
  dashboard: <BarChartOutlined />,
  events: <UnorderedListOutlined />,
  filing: <FormOutlined />,
  reviews: <AuditOutlined />,
  check_in: <ScanOutlined />,
  accounts: <TeamOutlined />,
  contracts: <FileProtectOutlined />,
  partners: <ApiOutlined />,
  pre_reviews: <SolutionOutlined />,
  audit: <SafetyCertificateOutlined />,
  partner_oversight: <MonitorOutlined />,
  outbox: <MessageOutlined />,
  reports: <FileTextOutlined />,
  alerts: <AlertOutlined />,
  alert_rules: <ControlOutlined />,
};

/**
 * Returns the Chinese menu label. Organisers that only file see their own events, so the
 * event list reads 我的赛事 for them; reviewers and city administrators see a wider list.
 */
export function menuLabel(key: MenuKey, me: Me): string {
  switch (key) {
    case 'dashboard':
      return '数据看板';
    case 'events':
      return me.menus.includes('filing') && !me.menus.includes('reviews') ? '我的赛事' : '赛事列表';
    case 'filing':
      return '赛事填报';
    case 'reviews':
      return '审核队列';
    case 'check_in':
      return '现场签到';
    case 'accounts':
      return '账号管理';
    case 'contracts':
      return '中标合同';
    case 'partners':
      return '合作平台';
    case 'pre_reviews':
      return '协会预审';
    case 'audit':
      return '审计日志';
    case 'partner_oversight':
      return '合作平台监管';
    case 'outbox':
      return '短信发送';
    case 'reports':
      return '统计报表';
    case 'alerts':
      return '异常预警';
    case 'alert_rules':
      return '预警规则';
  }
}

/** Builds the side menu items. The 异常预警 item shows the unread alert count. */
export function menuItems(me: Me, unreadAlerts = 0) {
  return me.menus.map((key) => {
    const label = menuLabel(key, me);
    if (key !== 'alerts' || unreadAlerts === 0) return { key, icon: MENU_ICONS[key], label };
    return {
      key,
      icon: MENU_ICONS[key],
      label: (
        <span className="console-menu-badged">
          {label}
          <Badge count={unreadAlerts} size="small" aria-label={`${unreadAlerts} 条未读预警`} />
        </span>
      ),
    };
  });
}

/** Returns the path of the first menu, where the console opens after sign-in. */
export function firstMenuPath(me: Me): string {
  const first = me.menus[0];
  return first ? MENU_PATHS[first] : '/dashboard';
}

/** Path of the password change page, where a user with an initial password is kept. */
export const PASSWORD_PATH = '/password';

/** Path of the account security page, where a user sets up or removes TOTP. */
export const SECURITY_PATH = '/security';

/** Path of the sign-in page, which also shows the one-time code and enrolment steps. */
export const LOGIN_PATH = '/login';

/**
 * Returns where the console opens for this account: the sign-in page while the second factor
 * is missing, then the password page while the password is an initial one, then the first menu.
 */
export function homePath(me: Me): string {
  if (me.pendingStep) return LOGIN_PATH;
  return me.mustChangePassword ? PASSWORD_PATH : firstMenuPath(me);
}

/** Returns the menu that a console path belongs to, for highlighting it in the side menu. */
export function menuKeyOfPath(pathname: string): MenuKey | undefined {
  if (pathname.startsWith('/events/new')) return 'filing';
  if (pathname.startsWith('/events')) return 'events';
  if (pathname.startsWith('/reviews')) return 'reviews';
  if (pathname.startsWith('/check-in')) return 'check_in';
  if (pathname.startsWith('/dashboard')) return 'dashboard';
  if (pathname.startsWith('/accounts')) return 'accounts';
  if (pathname.startsWith('/contracts')) return 'contracts';
  if (pathname.startsWith('/partners')) return 'partners';
  if (pathname.startsWith('/partner-oversight')) return 'partner_oversight';
  if (pathname.startsWith('/pre-reviews')) return 'pre_reviews';
  if (pathname.startsWith('/audit')) return 'audit';
  if (pathname.startsWith('/outbox')) return 'outbox';
  if (pathname.startsWith('/reports')) return 'reports';
  if (pathname.startsWith('/alerts')) return 'alerts';
  if (pathname.startsWith('/alert-rules')) return 'alert_rules';
  return undefined;
}
