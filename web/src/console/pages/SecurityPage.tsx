import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { api, ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { PageTitle } from '../components/PageTitle';
import { TotpCodeForm, TotpEnrolmentForm } from '../components/TotpForms';
import { removeTotp } from '../endpoints';
import { PASSWORD_PATH } from '../menus';
import { queryKeys, useMe } from '../queries';
import type { Me } from '../types';

const ALERT_PHONE_KEY = ['me', 'phone'] as const;

/** Shows the masked number that the account's alert SMS go to, and sets or removes it. */
function AlertPhoneCard() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ phone: string }>();
  const phone = useQuery({
    queryKey: ALERT_PHONE_KEY,
    queryFn: () => api<{ phoneMasked: string | null }>('/api/me/phone'),
  });
  const save = useMutation({
    mutationFn: (value: string | null) =>
      api<{ phoneMasked: string | null }>('/api/me/phone', {
        method: 'PUT',
        body: { phone: value },
      }),
    onSuccess: (result) => {
      queryClient.setQueryData(ALERT_PHONE_KEY, result);
      form.resetFields();
      void message.success(result.phoneMasked ? '预警短信手机号已保存' : '预警短信手机号已删除');
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') {
        form.setFields([{ name: 'phone', errors: ['请输入有效的 11 位大陆手机号'] }]);
        return;
      }
      void message.error(consoleErrorMessage(error));
    },
  });
  const current = phone.data?.phoneMasked ?? null;
  return (
    <Card title="预警短信" className="console-security-card" style={{ marginTop: 16 }}>
      <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
        <Descriptions.Item label="接收手机号">
          {phone.isPending ? '…' : (current ?? <Tag>未设置</Tag>)}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary">
        本账号负责范围内出现异常预警时，平台向该手机号发送一条短信提醒，每条预警只发送一次。
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => save.mutate(values.phone.trim())}
        requiredMark={false}
      >
        <Form.Item
          name="phone"
          label={current ? '更换手机号' : '手机号'}
          rules={[{ required: true, whitespace: true, message: '请输入手机号' }]}
        >
          <Input inputMode="tel" autoComplete="tel" maxLength={20} placeholder="11 位手机号" />
        </Form.Item>
        <Space wrap>
          <Button
            type="primary"
            htmlType="submit"
            loading={save.isPending && save.variables !== null}
          >
            保存
          </Button>
          {current && (
            <Button
              danger
              onClick={() => save.mutate(null)}
              loading={save.isPending && save.variables === null}
            >
              删除手机号
            </Button>
          )}
        </Space>
      </Form>
    </Card>
  );
}

/**
 * 账号安全: the password, two-factor sign-in and alert SMS number of the signed-in account. Accounts whose type
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
      {me.menus.includes('alerts') && <AlertPhoneCard />}
    </>
  );
}
