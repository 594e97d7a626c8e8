import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Divider, Form, Input, Spin, Typography } from 'antd';
import { Navigate, useNavigate } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { fetchMe, signIn } from '../endpoints';
import { homePath } from '../menus';
import { fetchPortalStatus, PORTAL_START_PATH } from '../portal';
import { queryKeys } from '../queries';

interface SignInValues {
  username: string;
  password: string;
}

/**
 * Signs an official in. An account that is already signed in goes to its first menu, or to the
 * password change page while it still has an initial password.
 */
export function LoginPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  // Asks the server afresh, because a cached account may belong to a session that has just
  // expired, and trusting it would send the official back into the console and here again.
  const me = useQuery({
    queryKey: queryKeys.me,
    queryFn: fetchMe,
    refetchOnMount: 'always',
    retry: false,
  });
  const signedIn = me.isSuccess && me.isFetchedAfterMount;
  const portal = useQuery({
    queryKey: ['portal-status'],
    queryFn: fetchPortalStatus,
    staleTime: Infinity,
  });

  const session = useMutation({
    mutationFn: (values: SignInValues) => signIn(values.username.trim(), values.password),
    onSuccess: (me) => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, me);
      navigate(homePath(me), { replace: true });
    },
  });

  if (signedIn) return <Navigate to={homePath(me.data)} replace />;
  if (!me.isFetchedAfterMount && me.isFetching) {
    return (
      <div className="console-centered">
        <Spin size="large" />
      </div>
    );
  }

  return (
    <div className="console-login">
      <Card className="console-login-card">
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          城市业余联赛管理平台
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          赛事填报、审核与现场签到
        </Typography.Paragraph>
        <Form<SignInValues>
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => session.mutate(values)}
          onValuesChange={() => session.reset()}
        >
          <Form.Item
            name="username"
            label="账号"
            rules={[{ required: true, whitespace: true, message: '请输入账号' }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            name="password"
            label="密码"
            rules={[{ required: true, message: '请输入密码' }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              size="large"
            />
          </Form.Item>
          {session.isError && (
            <Alert
              type="error"
              showIcon
              title={consoleErrorMessage(session.error)}
              style={{ marginBottom: 16 }}
              role="alert"
            />
          )}
          <Button type="primary" htmlType="submit" block size="large" loading={session.isPending}>
            登录
          </Button>
        </Form>
        {portal.data?.enabled && (
          <>
            <Divider plain>或</Divider>
            <Button block size="large" href={PORTAL_START_PATH}>
              通过一网通办登录/注册
            </Button>
            <Typography.Paragraph type="secondary" className="console-portal-hint">
              区体育局、中标单位、市社区体育协会可用单位身份注册；街镇可关联预置账号
            </Typography.Paragraph>
          </>
        )}
      </Card>
    </div>
  );
}
