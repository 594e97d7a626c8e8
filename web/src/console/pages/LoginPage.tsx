import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Divider, Form, Input, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { TotpCodeForm, TotpEnrolmentForm } from '../components/TotpForms';
import { fetchMe, signIn, signOut, verifyTotp } from '../endpoints';
import { homePath } from '../menus';
import { fetchPortalStatus, PORTAL_START_PATH } from '../portal';
import { queryKeys } from '../queries';
import type { Me } from '../types';

interface SignInValues {
  username: string;
  password: string;
}

/**
 * Signs an official in. After the password, an account with TOTP enters the one-time code
 * here, and an account type that requires TOTP but has none enrols here first. A complete
 * session goes to its first menu, or to the password change page while the password is an
 * initial one.
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
  // The account after a step on this page; it waits here while a step is still missing.
  const [stepped, setStepped] = useState<Me>();
  const current = stepped ?? (me.isSuccess && me.isFetchedAfterMount ? me.data : undefined);
  const portal = useQuery({
    queryKey: ['portal-status'],
    queryFn: fetchPortalStatus,
    staleTime: Infinity,
  });

  function enter(updated: Me) {
    if (updated.pendingStep) {
      setStepped(updated);
      return;
    }
    queryClient.clear();
    queryClient.setQueryData(queryKeys.me, updated);
    navigate(homePath(updated), { replace: true });
  }

  async function restart() {
    try {
      await signOut();
    } catch {
      // The waiting session may already be gone; the form is what the user needs either way.
    }
    setStepped(undefined);
    queryClient.removeQueries({ queryKey: queryKeys.me });
    await me.refetch();
  }

  if (current && !current.pendingStep) return <Navigate to={homePath(current)} replace />;
  if (!me.isFetchedAfterMount && me.isFetching) {
    return (
      <div className="console-centered">
        <Spin size="large" />
      </div>
    );
  }

  let body;
  if (current?.pendingStep === 'totp') {
    body = (
      <>
        <Typography.Paragraph>
          账号 <b>{current.user.username}</b> 已开启两步验证，请输入身份验证器上的 6 位动态验证码。
        </Typography.Paragraph>
        <TotpCodeForm submit={verifyTotp} onDone={enter} buttonText="验 证" />
      </>
    );
  } else if (current?.pendingStep === 'totp_enrolment') {
    body = (
      <>
        <Alert
          type="info"
          showIcon
          title="该类账号必须开启两步验证，请先绑定身份验证器"
          style={{ marginBottom: 16 }}
        />
        <TotpEnrolmentForm onDone={enter} />
      </>
    );
  } else {
    body = <PasswordForm onSignedIn={enter} />;
  }

  return (
    <div className="console-login">
      <Card className="console-login-card">
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          城市业余联赛管理平台
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {current?.pendingStep ? '两步验证' : '赛事填报、审核与现场签到'}
        </Typography.Paragraph>
        {body}
        {current?.pendingStep && (
          <Button type="link" block onClick={() => void restart()} style={{ marginTop: 8 }}>
            返回，使用其他账号登录
          </Button>
        )}
        {!current?.pendingStep && portal.data?.enabled && (
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

function PasswordForm(props: { onSignedIn: (me: Me) => void }) {
  const session = useMutation({
    mutationFn: (values: SignInValues) => signIn(values.username.trim(), values.password),
    onSuccess: props.onSignedIn,
  });
  return (
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
      <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
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
  );
}
