import { LockOutlined } from '@ant-design/icons';
import { PASSWORD_RULE_MESSAGES, checkPassword, type PasswordRule } from '@cityleague/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input } from 'antd';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { changePassword } from '../endpoints';
import { firstMenuPath } from '../menus';
import { queryKeys, useMe } from '../queries';

interface ChangePasswordValues {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/** Returns the Chinese messages of the rules that the server reported as failed. */
function serverRuleMessages(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.code !== 'ACC_WEAK_PASSWORD') return [];
  return (error.problem.errors ?? [])
    .map((fieldError) => PASSWORD_RULE_MESSAGES[fieldError.code as PasswordRule])
    .filter((message): message is string => message !== undefined);
}

/**
 * Changes the signed-in user's password, checking the policy in the browser first. The server
 * ends every session of the user and sets a new cookie for this browser. A user with an
 * initial password is kept on this page until the change succeeds.
 */
export function ChangePasswordPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<ChangePasswordValues>();

  const change = useMutation({
    mutationFn: (values: ChangePasswordValues) =>
      changePassword(values.currentPassword, values.newPassword),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.me, updated);
      void message.success('密码已修改，其他设备上的登录已退出');
      navigate(firstMenuPath(updated), { replace: true });
    },
  });

  const ruleMessages = serverRuleMessages(change.error);

  return (
    <>
      <PageTitle title="修改密码" />
      <Card className="console-password-card">
        {me.mustChangePassword && (
          <Alert
            type="warning"
            showIcon
            title="首次登录请先修改初始密码，修改后才能使用管理平台"
            style={{ marginBottom: 16 }}
          />
        )}
        <Form<ChangePasswordValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => change.mutate(values)}
          onValuesChange={() => change.reset()}
        >
          {/* A hidden username field lets password managers store the new password. */}
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={me.user.username}
            readOnly
            hidden
          />
          <Form.Item
            name="currentPassword"
            label="当前密码"
            rules={[{ required: true, message: '请输入当前密码' }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label="新密码"
            extra="至少 10 位，包含小写字母、大写字母、数字、符号中的至少 3 类，不含账号名，且不能与最近 5 次用过的密码相同"
            rules={[
              { required: true, message: '请输入新密码' },
              {
                validator: async (_rule, value: string | undefined) => {
                  if (!value) return;
                  const failed = checkPassword(value, { username: me.user.username });
                  if (failed.length > 0) {
                    throw new Error(failed.map((rule) => PASSWORD_RULE_MESSAGES[rule]).join('；'));
                  }
                },
              },
            ]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirmPassword"
            label="确认新密码"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: async (_rule, value: string | undefined) => {
                  if (value && value !== getFieldValue('newPassword')) {
                    throw new Error('两次输入的新密码不一致');
                  }
                },
              }),
            ]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
          </Form.Item>
          {change.isError && (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={consoleErrorMessage(change.error)}
              description={
                ruleMessages.length > 0 ? (
                  <ul className="console-password-rules">
                    {ruleMessages.map((text) => (
                      <li key={text}>{text}</li>
                    ))}
                  </ul>
                ) : undefined
              }
              style={{ marginBottom: 16 }}
            />
          )}
          <Button type="primary" htmlType="submit" loading={change.isPending} block>
            确认修改
          </Button>
        </Form>
      </Card>
    </>
  );
}
