import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { PageTitle } from '../components/PageTitle';
import { TotpCodeForm, TotpEnrolmentForm } from '../components/TotpForms';
import { removeTotp } from '../endpoints';
import { PASSWORD_PATH } from '../menus';
import { queryKeys, useMe } from '../queries';
import type { Me } from '../types';

/**
 * 账号安全: the password and two-factor sign-in of the signed-in account. Accounts whose type
 * does not require TOTP may set it up and remove it here; the others only see its state.
 */
export function SecurityPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [mode, setMode] = useState<'view' | 'enrol' | 'remove'>('view');

  function done(updated: Me, text: string) {
    queryClient.setQueryData(queryKeys.me, updated);
    setMode('view');
    void message.success(text);
  }

  let action;
  if (mode === 'enrol') {
    action = <TotpEnrolmentForm onDone={(updated) => done(updated, '两步验证已开启')} />;
  } else if (mode === 'remove') {
    action = (
      <TotpCodeForm
        submit={removeTotp}
        onDone={(updated) => done(updated, '两步验证已关闭')}
        buttonText="确认关闭"
        danger
      />
    );
  } else if (!me.totp.enrolled) {
    action = (
      <Button type="primary" onClick={() => setMode('enrol')}>
        开启两步验证
      </Button>
    );
  } else if (!me.totp.required) {
    action = (
      <Button danger onClick={() => setMode('remove')}>
        关闭两步验证
      </Button>
    );
  }

  return (
    <>
      <PageTitle title="账号安全" />
      <Card title="两步验证" className="console-security-card">
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
          <Descriptions.Item label="状态">
            {me.totp.enrolled ? <Tag color="green">已开启</Tag> : <Tag>未开启</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="要求">
            {me.totp.required ? '该类账号必须使用两步验证' : '可选'}
          </Descriptions.Item>
        </Descriptions>
        <Typography.Paragraph type="secondary">
          开启后，登录时除密码外还需输入身份验证器应用上的 6 位动态验证码，每个验证码只能使用一次。
          {me.totp.required && '更换或丢失手机时，请联系平台运营重置两步验证。'}
        </Typography.Paragraph>
        {action}
        {mode !== 'view' && (
          <Button type="link" block onClick={() => setMode('view')} style={{ marginTop: 8 }}>
            取消
          </Button>
        )}
      </Card>
      <Card title="登录密码" className="console-security-card" style={{ marginTop: 16 }}>
        <Button onClick={() => navigate(PASSWORD_PATH)}>修改密码</Button>
      </Card>
    </>
  );
}
