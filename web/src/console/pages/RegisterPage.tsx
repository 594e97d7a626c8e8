import { LockOutlined, UserOutlined } from '@ant-design/icons';
import {
  ACCOUNT_TYPE_LABELS,
  checkPassword,
  PASSWORD_RULE_MESSAGES,
  type PasswordRule,
} from '@cityleague/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Grid,
  Input,
  Radio,
  Result,
  Space,
  Spin,
  Tabs,
  Typography,
} from 'antd';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage, ERROR_MESSAGES } from '../../lib/messages';
import { homePath } from '../menus';
import {
  fetchRegistration,
  linkPresetStreet,
  PORTAL_START_PATH,
  submitRegistration,
  type PortalRegistration,
  type SelfRegistrationType,
} from '../portal';
import { queryKeys } from '../queries';
import type { Me } from '../types';

const REGISTRATION_KEY = ['portal-registration'] as const;

function RegisterFrame(props: { children: React.ReactNode }) {
  return (
    <div className="console-login">
      <Card className="console-register-card">
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          单位注册
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          通过一网通办核验的单位身份注册城市业余联赛管理平台账号
        </Typography.Paragraph>
        {props.children}
      </Card>
    </div>
  );
}

function RestartButtons() {
  return (
    <Space wrap style={{ justifyContent: 'center' }}>
      <Button type="primary" href={PORTAL_START_PATH}>
        重新通过一网通办登录
      </Button>
      <Button href="/console/login">返回登录页</Button>
    </Space>
  );
}

/** Shows why the portal log-in failed, from the callback's `?error=CODE`. */
function CallbackError({ code }: { code: string }) {
  return (
    <RegisterFrame>
      <Result
        status="error"
        title="一网通办登录未完成"
        subTitle={ERROR_MESSAGES[code] ?? '一网通办登录失败，请重新登录'}
        extra={<RestartButtons />}
      />
    </RegisterFrame>
  );
}

/**
 * Continues a self-registration after the government portal's log-in: choose the account type
 * and set a local password, or link a preset street account. A request that waits for the
 * operator's approval shows its status; a rejected one shows the reason and may be resubmitted.
 */
export function RegisterPage() {
  const [search] = useSearchParams();
  const error = search.get('error');
  // On a phone the labels go above the values, so that the credit code stays on one line.
  const wide = Grid.useBreakpoint().sm ?? true;
  const registration = useQuery({
    queryKey: REGISTRATION_KEY,
    queryFn: fetchRegistration,
    retry: false,
    enabled: !error,
  });

  if (error) return <CallbackError code={error} />;
  if (registration.isPending) {
    return (
      <div className="console-centered">
        <Spin size="large" />
      </div>
    );
  }
  if (registration.isError) {
    return (
      <RegisterFrame>
        <Result
          status="warning"
          title="无法继续注册"
          subTitle={consoleErrorMessage(registration.error)}
          extra={<RestartButtons />}
        />
      </RegisterFrame>
    );
  }

  const data = registration.data;
  return (
    <RegisterFrame>
      <Descriptions
        column={1}
        size="small"
        bordered
        layout={wide ? 'horizontal' : 'vertical'}
        style={{ marginBottom: 16 }}
      >
        <Descriptions.Item label="单位名称">{data.organisationName}</Descriptions.Item>
        <Descriptions.Item label="统一社会信用代码">{data.creditCode}</Descriptions.Item>
      </Descriptions>
      {data.status === 'pending' ? (
        <Result
          status="info"
          title="注册申请已提交"
          subTitle={`申请注册为${ACCOUNT_TYPE_LABELS[data.accountType as SelfRegistrationType] ?? ''}，等待平台运营审核。审核通过后，可用统一社会信用代码和设置的密码登录，或再次通过一网通办登录。`}
          extra={<Button href="/console/login">返回登录页</Button>}
        />
      ) : (
        <RegistrationTabs registration={data} />
      )}
    </RegisterFrame>
  );
}

function RegistrationTabs({ registration }: { registration: PortalRegistration }) {
  return (
    <>
      {registration.status === 'rejected' && (
        <Alert
          type="error"
          showIcon
          title="上次注册申请未通过审核"
          description={`驳回原因：${registration.rejectReason ?? ''}`}
          style={{ marginBottom: 16 }}
        />
      )}
      <Tabs
        items={[
          {
            key: 'register',
            label: '注册单位账号',
            children: <NewAccountForm registration={registration} />,
          },
          { key: 'street', label: '关联街镇预置账号', children: <StreetLinkForm /> },
        ]}
      />
    </>
  );
}

interface NewAccountValues {
  accountType: SelfRegistrationType;
  password: string;
  confirmPassword: string;
}

function useSignedIn() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (me: Me) => {
    queryClient.clear();
    queryClient.setQueryData(queryKeys.me, me);
    navigate(homePath(me), { replace: true });
  };
}

function NewAccountForm({ registration }: { registration: PortalRegistration }) {
  const queryClient = useQueryClient();
  const signedIn = useSignedIn();
  const [form] = Form.useForm<NewAccountValues>();
  const accountType = Form.useWatch('accountType', form);
  const submit = useMutation({
    mutationFn: (values: NewAccountValues) =>
      submitRegistration(values.accountType, values.password),
    onSuccess: (result) => {
      if (result.status === 'active') signedIn(result.me);
      else void queryClient.invalidateQueries({ queryKey: REGISTRATION_KEY });
    },
  });
  const district = registration.district;

  return (
    <Form<NewAccountValues>
      name="register"
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ accountType: 'contractor' }}
      onFinish={(values) => submit.mutate(values)}
      onValuesChange={() => submit.reset()}
    >
      <Form.Item name="accountType" label="账号类型">
        <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
          <Radio value="contractor">中标单位（注册后立即可用）</Radio>
          <Radio value="district_bureau" disabled={!district}>
            区体育局
            {district ? `（${district.name}，需平台审核）` : '（信用代码登记地不是上海市的区）'}
          </Radio>
          <Radio value="community_association">市社区体育协会（需平台审核）</Radio>
        </Radio.Group>
      </Form.Item>
      {accountType === 'contractor' && (
        <Typography.Paragraph type="secondary">
          中标单位只能在其中标合同范围内填报赛事。
        </Typography.Paragraph>
      )}
      <Form.Item label="登录账号" htmlFor="register-username">
        <Input
          id="register-username"
          prefix={<UserOutlined />}
          value={registration.creditCode}
          disabled
        />
      </Form.Item>
      <Form.Item
        name="password"
        label="设置密码"
        extra="至少 10 位，包含小写字母、大写字母、数字、符号中的至少 3 类，且不含账号名"
        rules={[
          { required: true, message: '请设置密码' },
          {
            validator: async (_rule, value: string | undefined) => {
              if (!value) return;
              const failed = checkPassword(value, { username: registration.creditCode });
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
        label="确认密码"
        dependencies={['password']}
        rules={[
          { required: true, message: '请再次输入密码' },
          ({ getFieldValue }) => ({
            validator: async (_rule, value: string | undefined) => {
              if (value && value !== getFieldValue('password')) {
                throw new Error('两次输入的密码不一致');
              }
            },
          }),
        ]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
      </Form.Item>
      {submit.isError && <ErrorAlert error={submit.error} />}
      <Button type="primary" htmlType="submit" block size="large" loading={submit.isPending}>
        {accountType === 'contractor' ? '注册并登录' : '提交注册申请'}
      </Button>
    </Form>
  );
}

interface StreetLinkValues {
  username: string;
  password: string;
}

function StreetLinkForm() {
  const signedIn = useSignedIn();
  const link = useMutation({
    mutationFn: (values: StreetLinkValues) =>
      linkPresetStreet(values.username.trim(), values.password),
    onSuccess: signedIn,
  });
  return (
    <Form<StreetLinkValues>
      name="street-link"
      layout="vertical"
      requiredMark={false}
      onFinish={(values) => link.mutate(values)}
      onValuesChange={() => link.reset()}
    >
      <Typography.Paragraph type="secondary">
        街镇请输入平台下发的预置账号（SAGYWTB 开头）及其当前密码，关联后可通过一网通办直接登录。
      </Typography.Paragraph>
      <Form.Item
        name="username"
        label="预置账号"
        rules={[
          { required: true, whitespace: true, message: '请输入预置账号' },
          { pattern: /^\s*sagywtb\d{3,}\s*$/i, message: '预置账号为 SAGYWTB 加编号' },
        ]}
      >
        <Input prefix={<UserOutlined />} autoComplete="username" placeholder="SAGYWTB001" />
      </Form.Item>
      <Form.Item
        name="password"
        label="当前密码"
        rules={[{ required: true, message: '请输入密码' }]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
      </Form.Item>
      {link.isError && <ErrorAlert error={link.error} />}
      <Button type="primary" htmlType="submit" block size="large" loading={link.isPending}>
        关联并登录
      </Button>
    </Form>
  );
}

function ErrorAlert({ error }: { error: unknown }) {
  const rules =
    error instanceof ApiError && error.code === 'ACC_WEAK_PASSWORD'
      ? (error.problem.errors ?? [])
          .map((fieldError) => PASSWORD_RULE_MESSAGES[fieldError.code as PasswordRule])
          .filter((message): message is string => message !== undefined)
      : [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={consoleErrorMessage(error)}
      description={rules.length > 0 ? rules.join('；') : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}
