import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import {
  ACCOUNT_TYPE_LABELS,
  ACCOUNT_TYPES,
  isPlatformAccountType,
  type AccountType,
} from '@cityleague/domain';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Dropdown,
  Form,
  Grid,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import {
  createManagedAccount,
  fetchManagedAccounts,
  resetManagedPassword,
  runAccountAction,
  type AccountFilters,
  type NewManagedAccount,
} from '../endpoints';
import { useChildDivisions, useDistricts } from '../queries';
import { noEmojiRule } from '../text-rules';
import type { ManagedAccount } from '../types';

const CITY_CODE = '3101';
const BUSINESS_TYPES = ACCOUNT_TYPES.filter((type) => !isPlatformAccountType(type));
const accountsKey = ['operator-accounts'] as const;

type Action = 'password-reset' | 'unlock' | 'totp-reset' | 'disable' | 'enable';

const ACTION_LABELS: Record<Action, string> = {
  'password-reset': '重置密码',
  unlock: '解除锁定',
  'totp-reset': '重置两步验证',
  disable: '停用账号',
  enable: '启用账号',
};

const ACTION_CONFIRMS: Record<Action, string> = {
  'password-reset': '将生成新的初始密码并退出该账号的所有登录，用户下次登录须修改密码。',
  unlock: '将解除该账号因多次登录失败造成的锁定。',
  'totp-reset':
    '将解除该账号绑定的身份验证器并退出其所有登录；必须使用两步验证的账号下次登录时重新绑定。',
  disable: '停用后该账号无法登录，已有登录立即退出。',
  enable: '启用后该账号可以重新登录。',
};

function statusTags(account: ManagedAccount) {
  return (
    <Space size={[4, 4]} wrap>
      {account.disabled && <Tag color="red">已停用</Tag>}
      {account.locked && <Tag color="orange">已锁定</Tag>}
      {account.mustChangePassword && <Tag color="gold">待改初始密码</Tag>}
      {account.totpEnrolled ? <Tag color="green">两步验证</Tag> : null}
      {!account.disabled && !account.locked && !account.mustChangePassword && (
        <Tag color="blue">正常</Tag>
      )}
    </Space>
  );
}

function actionsOf(account: ManagedAccount): Action[] {
  const actions: Action[] = ['password-reset'];
  if (account.locked) actions.push('unlock');
  if (account.totpEnrolled) actions.push('totp-reset');
  actions.push(account.disabled ? 'enable' : 'disable');
  return actions;
}

/** Shows an initial password once, with a copy button, in a modal that must be closed. */
function showInitialPassword(
  modal: ReturnType<typeof App.useApp>['modal'],
  username: string,
  password: string,
) {
  modal.success({
    title: '初始密码（仅显示一次）',
    content: (
      <>
        <Typography.Paragraph>
          账号 <b>{username}</b> 的初始密码如下，请通过安全渠道交给用户，用户首次登录须修改密码。
        </Typography.Paragraph>
        <Typography.Text code copyable data-testid="initial-password">
          {password}
        </Typography.Text>
      </>
    ),
    okText: '我已记下',
  });
}

/** Downloads the preset street accounts workbook that the server returns for the POST. */
async function downloadPresetWorkbook(): Promise<{ created: number; skipped: number }> {
  const response = await fetch('/api/operator/preset-street-accounts', {
    method: 'POST',
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string };
    throw new ApiError({ status: response.status, code: problem.code ?? 'UNKNOWN' });
  }
  const created = Number(response.headers.get('x-created-count') ?? 0);
  const skipped = Number(response.headers.get('x-skipped-count') ?? 0);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = '街镇预置账号.xlsx';
  link.click();
  URL.revokeObjectURL(url);
  return { created, skipped };
}

/** 账号管理: the operator lists, creates and maintains the league's accounts. */
export function AccountsPage() {
  const { modal, message } = App.useApp();
  const queryClient = useQueryClient();
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;
  const [filters, setFilters] = useState<AccountFilters>({});
  const [creating, setCreating] = useState(false);
  const districts = useDistricts();

  const accounts = useInfiniteQuery({
    queryKey: [...accountsKey, filters],
    queryFn: ({ pageParam }) => fetchManagedAccounts(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = accounts.data?.pages.flatMap((page) => page.items) ?? [];

  const action = useMutation({
    mutationFn: async ({ account, kind }: { account: ManagedAccount; kind: Action }) => {
      if (kind === 'password-reset')
        return (await resetManagedPassword(account.id)).initialPassword;
      await runAccountAction(account.id, kind);
      return undefined;
    },
    onSuccess: (password, { account, kind }) => {
      void queryClient.invalidateQueries({ queryKey: accountsKey });
      if (password) showInitialPassword(modal, account.username, password);
      else void message.success(`${ACTION_LABELS[kind]}：已完成`);
    },
    onError: (error) => void message.error(consoleErrorMessage(error)),
  });

  const preset = useMutation({
    mutationFn: downloadPresetWorkbook,
    onSuccess: ({ created, skipped }) => {
      void queryClient.invalidateQueries({ queryKey: accountsKey });
      void message.success(`已新建 ${created} 个街镇账号，${skipped} 个街镇已有账号`);
    },
    onError: (error) => void message.error(consoleErrorMessage(error)),
  });

  function confirmAction(account: ManagedAccount, kind: Action) {
    modal.confirm({
      title: `${ACTION_LABELS[kind]}：${account.username}`,
      content: ACTION_CONFIRMS[kind],
      okText: '确定',
      cancelText: '取消',
      okButtonProps: { danger: kind === 'disable' },
      onOk: () => action.mutateAsync({ account, kind }).catch(() => undefined),
    });
  }

  function confirmPreset() {
    modal.confirm({
      title: '生成街镇预置账号',
      content:
        '将为还没有账号的每个街镇新建账号（SAGYWTB001 起编号），并下载含初始密码的 Excel 文件。初始密码只在此文件中出现一次，请妥善保管。',
      okText: '生成并下载',
      cancelText: '取消',
      onOk: () => preset.mutateAsync().catch(() => undefined),
    });
  }

  const columns: ColumnsType<ManagedAccount> = [
    {
      title: '账号',
      dataIndex: 'username',
      render: (username: string, account) => (
        <>
          <div>{username}</div>
          {compact && (
            <Typography.Text type="secondary">
              {ACCOUNT_TYPE_LABELS[account.accountType]} · {account.divisionName}
            </Typography.Text>
          )}
        </>
      ),
    },
    ...(compact
      ? []
      : [
          { title: '单位', dataIndex: 'organisationName', ellipsis: true },
          {
            title: '类型',
            dataIndex: 'accountType',
            width: 120,
            render: (type: AccountType) => ACCOUNT_TYPE_LABELS[type],
          },
          { title: '行政区划', dataIndex: 'divisionName', width: 160 },
        ]),
    { title: '状态', key: 'status', render: (_value, account) => statusTags(account) },
    {
      title: '操作',
      key: 'actions',
      width: 112,
      render: (_value, account) =>
        isPlatformAccountType(account.accountType) ? (
          <Typography.Text type="secondary">命令行管理</Typography.Text>
        ) : (
          <Dropdown
            trigger={['click']}
            menu={{
              items: actionsOf(account).map((kind) => ({
                key: kind,
                label: ACTION_LABELS[kind],
                danger: kind === 'disable',
              })),
              onClick: ({ key }) => confirmAction(account, key as Action),
            }}
          >
            <Button size="small" aria-label={`操作 ${account.username}`}>
              操作
            </Button>
          </Dropdown>
        ),
    },
  ];

  return (
    <>
      <PageTitle
        title="账号管理"
        extra={
          <Space wrap>
            <Button icon={<DownloadOutlined />} loading={preset.isPending} onClick={confirmPreset}>
              生成街镇预置账号
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新建账号
            </Button>
          </Space>
        }
      />
      <Card>
        <div className="console-accounts-filters">
          <Select
            allowClear
            placeholder="账号类型"
            aria-label="账号类型"
            style={{ width: 160 }}
            value={filters.type}
            onChange={(type?: string) => setFilters({ ...filters, type })}
            options={ACCOUNT_TYPES.map((type) => ({
              value: type,
              label: ACCOUNT_TYPE_LABELS[type],
            }))}
          />
          <Select
            allowClear
            placeholder="所在区"
            aria-label="所在区"
            style={{ width: 160 }}
            value={filters.division}
            onChange={(division?: string) => setFilters({ ...filters, division })}
            options={(districts.data ?? []).map((district) => ({
              value: district.code,
              label: district.name,
            }))}
          />
          <Input.Search
            allowClear
            placeholder="搜索账号名"
            aria-label="搜索账号名"
            style={{ width: 220 }}
            onSearch={(q) => setFilters({ ...filters, q: q.trim() || undefined })}
          />
        </div>
        {accounts.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(accounts.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<ManagedAccount>
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={accounts.isPending}
          pagination={false}
          scroll={compact ? undefined : { x: 900 }}
          locale={{ emptyText: '没有符合条件的账号' }}
        />
        {accounts.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button
              loading={accounts.isFetchingNextPage}
              onClick={() => void accounts.fetchNextPage()}
            >
              加载更多
            </Button>
          </div>
        )}
      </Card>
      <CreateAccountModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(username, password) => {
          setCreating(false);
          void queryClient.invalidateQueries({ queryKey: accountsKey });
          showInitialPassword(modal, username, password);
        }}
      />
    </>
  );
}

interface CreateValues {
  username: string;
  accountType: AccountType;
  district?: string;
  street?: string;
  organisationName: string;
  creditCode?: string;
}

/** Returns the division the new account is scoped to: the city, a district or a street. */
function divisionOf(values: CreateValues): string | undefined {
  if (values.accountType === 'district_bureau') return values.district;
  if (values.accountType === 'street') return values.street;
  return CITY_CODE;
}

function CreateAccountModal(props: {
  open: boolean;
  onClose: () => void;
  onCreated: (username: string, password: string) => void;
}) {
  const [form] = Form.useForm<CreateValues>();
  const accountType = Form.useWatch('accountType', form);
  const district = Form.useWatch('district', form);
  const districts = useDistricts();
  const streets = useChildDivisions(accountType === 'street' ? district : undefined);

  const create = useMutation({
    mutationFn: (values: CreateValues) => {
      const account: NewManagedAccount = {
        username: values.username.trim(),
        accountType: values.accountType,
        divisionCode: divisionOf(values) ?? '',
        organisationName: values.organisationName.trim(),
        creditCode: values.creditCode?.trim() || undefined,
      };
      return createManagedAccount(account);
    },
    onSuccess: (created, values) => {
      form.resetFields();
      props.onCreated(values.username.trim(), created.initialPassword);
    },
  });

  const needsDistrict = accountType === 'district_bureau' || accountType === 'street';

  return (
    <Modal
      open={props.open}
      title="新建账号"
      okText="创建"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        平台运营和安全审计员账号只能在服务器上用 account:create 命令创建。
      </Typography.Paragraph>
      <Form<CreateValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => create.mutate(values)}
        onValuesChange={() => create.reset()}
      >
        <Form.Item
          name="username"
          label="账号名"
          extra="3 至 64 位字母、数字、点、下划线或连字符，以字母或数字开头"
          rules={[
            { required: true, message: '请输入账号名' },
            { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, message: '账号名格式不正确' },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="accountType"
          label="账号类型"
          rules={[{ required: true, message: '请选择账号类型' }]}
        >
          <Select
            options={BUSINESS_TYPES.map((type) => ({
              value: type,
              label: ACCOUNT_TYPE_LABELS[type],
            }))}
          />
        </Form.Item>
        {needsDistrict && (
          <Form.Item
            name="district"
            label="所在区"
            rules={[{ required: true, message: '请选择区' }]}
          >
            <Select
              options={(districts.data ?? []).map((item) => ({
                value: item.code,
                label: item.name,
              }))}
            />
          </Form.Item>
        )}
        {accountType === 'street' && (
          <Form.Item name="street" label="街镇" rules={[{ required: true, message: '请选择街镇' }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={streets.isFetching}
              options={(streets.data ?? []).map((item) => ({ value: item.code, label: item.name }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="organisationName"
          label="单位名称"
          rules={[
            { required: true, whitespace: true, min: 2, message: '请输入单位名称' },
            noEmojiRule,
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="creditCode" label="统一社会信用代码（选填）">
          <Input maxLength={18} />
        </Form.Item>
        {create.isError && (
          <Alert type="error" showIcon role="alert" title={consoleErrorMessage(create.error)} />
        )}
      </Form>
    </Modal>
  );
}
