import { checkCreditCode, checkMobile } from '@cityleague/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Drawer,
  Form,
  Grid,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Space,
  Table,
  Tag,
  Typography,
  type FormInstance,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { numberRule, parseNumberText } from '../number-rules';
import { noEmojiRule } from '../text-rules';
import { formatTime } from '../time';
import {
  createPartner,
  fetchPartners,
  PARTNER_SCOPE_LABELS,
  PARTNER_SCOPES,
  partnerQueryKey,
  revokeCredential,
  rotateCredential,
  updatePartner,
  type IssuedCredential,
  type NewPartner,
  type Partner,
  type PartnerCredential,
} from './api';

const CREDIT_CODE_PROBLEMS: Record<string, string> = {
  empty: '请填写统一社会信用代码',
  length: '统一社会信用代码应为 18 位',
  character: '含有不允许的字符（不使用 I、O、S、V、Z）',
  prefix: '登记管理部门或机构类别代码不正确',
  region: '行政区划码应为数字',
  check_character: '校验位不正确，请核对',
};

// The server's limits for the request rate and the overlap of a rotated credential.
const MAX_RATE_LIMIT_PER_MINUTE = 100_000;
const DEFAULT_OVERLAP_HOURS = 24;
const MAX_OVERLAP_HOURS = 168;

const rateLimitRule = numberRule({
  label: '每分钟请求上限',
  min: 1,
  max: MAX_RATE_LIMIT_PER_MINUTE,
  unit: '次',
  required: true,
});
const overlapRule = numberRule({
  label: '旧密钥过渡期',
  min: 0,
  max: MAX_OVERLAP_HOURS,
  unit: '小时',
  required: true,
});

const FIELD_OF_CODE: Record<string, keyof NewPartner> = {
  ORG_INVALID_CREDIT_CODE: 'creditCode',
  PTN_NAME_TAKEN: 'name',
};

/** Marks the form field that a rejected request names, if any. */
function markFieldError(error: unknown, form: FormInstance<NewPartner>): void {
  if (!(error instanceof ApiError)) return;
  const names = new Set<keyof NewPartner>();
  const byCode = FIELD_OF_CODE[error.code];
  if (byCode) names.add(byCode);
  for (const fieldError of error.problem.errors ?? []) {
    const field = fieldError.field.replace(/^\/?(body[./])?/, '') as keyof NewPartner;
    if (['name', 'creditCode', 'contactName', 'contactPhone'].includes(field)) names.add(field);
  }
  form.setFields([...names].map((name) => ({ name, errors: [consoleErrorMessage(error)] })));
}

function credentialState(credential: PartnerCredential): { text: string; colour: string } {
  if (credential.expiresAt === null) return { text: '使用中', colour: 'green' };
  if (new Date(credential.expiresAt).getTime() <= Date.now()) {
    return { text: '已失效', colour: 'default' };
  }
  return { text: `过渡期至 ${formatTime(credential.expiresAt)}`, colour: 'orange' };
}

/** Shows a new secret once, with a warning that it cannot be shown again. */
function SecretModal(props: { issued: IssuedCredential | null; onClose: () => void }) {
  const { issued } = props;
  return (
    <Modal
      open={issued !== null}
      title="接入密钥（仅显示一次）"
      onCancel={props.onClose}
      footer={
        <Button type="primary" onClick={props.onClose}>
          我已妥善保存
        </Button>
      }
      maskClosable={false}
    >
      <Alert
        type="warning"
        showIcon
        title="关闭后无法再次查看密钥，请立即通过安全渠道交给合作平台。"
        style={{ marginBottom: 16 }}
      />
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label="平台">{issued?.partner.name}</Descriptions.Item>
        <Descriptions.Item label="密钥 ID">
          <Typography.Text copyable code>
            {issued?.credential.keyId}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="密钥">
          <Typography.Text copyable code style={{ wordBreak: 'break-all' }}>
            {issued?.credential.secret}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </Modal>
  );
}

/** Shows the form that registers a partner platform. */
function NewPartnerModal(props: {
  open: boolean;
  onClose: () => void;
  onIssued: (issued: IssuedCredential) => void;
}) {
  const [form] = Form.useForm<NewPartner>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const create = useMutation({
    mutationFn: createPartner,
    onSuccess: async (issued) => {
      await queryClient.invalidateQueries({ queryKey: partnerQueryKey });
      form.resetFields();
      props.onIssued(issued);
    },
    onError: (error) => {
      markFieldError(error, form);
      message.error(consoleErrorMessage(error));
    },
  });

  return (
    <Modal
      open={props.open}
      title="新增合作平台"
      okText="保存并生成密钥"
      cancelText="取消"
      confirmLoading={create.isPending}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<NewPartner>
        form={form}
        layout="vertical"
        initialValues={{ scopes: ['events:read'], rateLimitPerMinute: 600 }}
        onFinish={(values) => create.mutate({ ...values, name: values.name.trim() })}
      >
        <Form.Item
          name="name"
          label="平台名称"
          rules={[
            {
              required: true,
              whitespace: true,
              min: 2,
              max: 100,
              message: '请填写 2–100 字的平台名称',
            },
            noEmojiRule,
          ]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="creditCode"
          label="运营单位统一社会信用代码"
          required
          rules={[
            {
              validator: async (_rule, value: string | undefined) => {
                const result = checkCreditCode(value ?? '');
                if (result.ok) return;
                const where = result.position ? `第 ${result.position} 位：` : '';
                throw new Error(where + (CREDIT_CODE_PROBLEMS[result.reason] ?? '格式不正确'));
              },
            },
          ]}
        >
          <Input maxLength={30} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item
              name="contactName"
              label="联系人"
              rules={[{ required: true, whitespace: true, max: 50, message: '请填写联系人' }]}
            >
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="contactPhone"
              label="联系电话"
              required
              rules={[
                {
                  validator: async (_rule, value: string | undefined) => {
                    if (!checkMobile(value ?? '').ok) throw new Error('请填写正确的手机号码');
                  },
                },
              ]}
            >
              <Input maxLength={20} inputMode="tel" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="scopes"
          label="接口权限"
          rules={[{ required: true, type: 'array', min: 1, message: '至少选择一项权限' }]}
        >
          <Checkbox.Group
            options={PARTNER_SCOPES.map((scope) => ({
              value: scope,
              label: PARTNER_SCOPE_LABELS[scope],
            }))}
          />
        </Form.Item>
        <Form.Item name="rateLimitPerMinute" label="每分钟请求上限" rules={[rateLimitRule]}>
          <InputNumber parser={parseNumberText} style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface PartnerEdit {
  scopes: Partner['scopes'];
  rateLimitPerMinute: number;
  status: Partner['status'];
}

/** Shows the details, settings and credentials of one partner. */
function PartnerDrawer(props: {
  partner: Partner | undefined;
  onClose: () => void;
  onIssued: (issued: IssuedCredential) => void;
}) {
  const { partner } = props;
  const [form] = Form.useForm<PartnerEdit>();
  const screens = Grid.useBreakpoint();
  const [overlapForm] = Form.useForm<{ overlapHours: number | null }>();
  const overlapHours = Form.useWatch('overlapHours', overlapForm);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const refresh = () => queryClient.invalidateQueries({ queryKey: partnerQueryKey });

  const save = useMutation({
    mutationFn: (values: PartnerEdit) => updatePartner(partner!.id, values),
    onSuccess: async () => {
      message.success('已保存');
      await refresh();
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const rotate = useMutation({
    mutationFn: (hours: number) => rotateCredential(partner!.id, hours),
    onSuccess: async (issued) => {
      await refresh();
      props.onIssued(issued);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => revokeCredential(partner!.id, keyId),
    onSuccess: async () => {
      message.success('密钥已停用');
      await refresh();
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  const credentialColumns: TableColumnsType<PartnerCredential> = [
    {
      title: '密钥 ID',
      dataIndex: 'keyId',
      key: 'keyId',
      render: (id: string) => <code>{id}</code>,
    },
    {
      title: '状态',
      key: 'state',
      render: (_: unknown, credential) => {
        const state = credentialState(credential);
        return <Tag color={state.colour}>{state.text}</Tag>;
      },
    },
    // Phones leave the time out, so 停用 fits on screen without scrolling the table.
    {
      title: '生成时间',
      dataIndex: 'createdAt',
      key: 'createdAt',
      render: formatTime,
      responsive: ['md'],
    },
    {
      title: '操作',
      key: 'actions',
      render: (_: unknown, credential) =>
        credentialState(credential).text === '已失效' ? null : (
          <Popconfirm
            title="立即停用此密钥？"
            description="停用后使用该密钥的请求将被拒绝。"
            okText="停用"
            cancelText="取消"
            onConfirm={() => revoke.mutateAsync(credential.keyId).catch(() => undefined)}
          >
            <Button size="small" danger>
              停用
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Drawer
      open={partner !== undefined}
      onClose={props.onClose}
      title={partner?.name}
      size={screens.md === false ? '100%' : 'large'}
      destroyOnHidden
      extra={partner && <Link to={`/partners/${partner.id}`}>回调日志与对账</Link>}
    >
      {partner && (
        <>
          <Descriptions column={1} size="small" style={{ marginBottom: 24 }}>
            <Descriptions.Item label="联系人">
              {partner.contactName} {partner.contactPhoneMasked}
            </Descriptions.Item>
            <Descriptions.Item label="接入时间">{formatTime(partner.createdAt)}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>接入设置</Typography.Title>
          <Form<PartnerEdit>
            form={form}
            layout="vertical"
            initialValues={{
              scopes: partner.scopes,
              rateLimitPerMinute: partner.rateLimitPerMinute,
              status: partner.status,
            }}
            onFinish={(values) => save.mutate(values)}
          >
            <Form.Item
              name="scopes"
              label="接口权限"
              rules={[{ required: true, type: 'array', min: 1, message: '至少选择一项权限' }]}
            >
              <Checkbox.Group
                options={PARTNER_SCOPES.map((scope) => ({
                  value: scope,
                  label: PARTNER_SCOPE_LABELS[scope],
                }))}
              />
            </Form.Item>
            <Form.Item name="rateLimitPerMinute" label="每分钟请求上限" rules={[rateLimitRule]}>
              <InputNumber parser={parseNumberText} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="status" label="接入状态">
              <Radio.Group
                options={[
                  { value: 'active', label: '正常' },
                  { value: 'suspended', label: '暂停' },
                ]}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              保存设置
            </Button>
          </Form>
          <Typography.Title level={5} style={{ marginTop: 32 }}>
            接入密钥
          </Typography.Title>
          <Table<PartnerCredential>
            rowKey="keyId"
            size="small"
            columns={credentialColumns}
            dataSource={partner.credentials}
            pagination={false}
            scroll={screens.md === false ? undefined : { x: 480 }}
          />
          <Form
            form={overlapForm}
            layout="inline"
            initialValues={{ overlapHours: DEFAULT_OVERLAP_HOURS }}
            style={{ marginTop: 16, rowGap: 8 }}
          >
            <Form.Item name="overlapHours" label="旧密钥过渡期" rules={[overlapRule]}>
              <InputNumber parser={parseNumberText} suffix="小时" style={{ width: 140 }} />
            </Form.Item>
            <Form.Item>
              <Popconfirm
                title="生成新密钥？"
                description={
                  typeof overlapHours === 'number' && overlapHours > 0
                    ? `现有密钥将在 ${overlapHours} 小时后失效。`
                    : '现有密钥将立即失效。'
                }
                okText="生成"
                cancelText="取消"
                onConfirm={() =>
                  overlapForm
                    .validateFields()
                    .then(({ overlapHours: hours }) => rotate.mutateAsync(hours ?? 0))
                    .catch(() => undefined)
                }
              >
                <Button loading={rotate.isPending}>轮换密钥</Button>
              </Popconfirm>
            </Form.Item>
          </Form>
        </>
      )}
    </Drawer>
  );
}

/** Shows the operator's registry of partner platforms that sync through the open API. */
export function PartnersPage() {
  const partners = useQuery({ queryKey: partnerQueryKey, queryFn: fetchPartners });
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedCredential | null>(null);
  const [selectedId, setSelectedId] = useState<string>();
  const selected = partners.data?.items.find((partner) => partner.id === selectedId);

  const columns: TableColumnsType<Partner> = [
    { title: '平台名称', dataIndex: 'name', key: 'name', width: 200 },
    {
      title: '接口权限',
      dataIndex: 'scopes',
      key: 'scopes',
      width: 260,
      render: (scopes: Partner['scopes']) => (
        <Space size={[0, 4]} wrap>
          {scopes.map((scope) => (
            <Tag key={scope}>{PARTNER_SCOPE_LABELS[scope]}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: '每分钟上限',
      dataIndex: 'rateLimitPerMinute',
      key: 'rate',
      width: 110,
      align: 'right',
    },
    {
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: 80,
      render: (status: Partner['status']) =>
        status === 'active' ? <Tag color="green">正常</Tag> : <Tag color="red">暂停</Tag>,
    },
    {
      title: '有效密钥',
      key: 'credentials',
      width: 90,
      align: 'right',
      render: (_: unknown, partner) =>
        partner.credentials.filter((c) => credentialState(c).text !== '已失效').length,
    },
    {
      title: '联系人',
      key: 'contact',
      width: 160,
      render: (_: unknown, p) => `${p.contactName} ${p.contactPhoneMasked}`,
    },
  ];

  return (
    <>
      <PageTitle
        title="合作平台"
        extra={
          <Space>
            <Link to="/partner-oversight">监管总览</Link>
            <Button type="primary" onClick={() => setCreating(true)}>
              新增合作平台
            </Button>
          </Space>
        }
      />
      <Card>
        {partners.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(partners.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<Partner>
          rowKey="id"
          columns={columns}
          dataSource={partners.data?.items ?? []}
          loading={partners.isPending}
          pagination={false}
          scroll={{ x: 900 }}
          rowClassName="console-clickable-row"
          onRow={(partner) => ({ onClick: () => setSelectedId(partner.id) })}
          locale={{ emptyText: '还没有接入的合作平台' }}
        />
      </Card>
      <NewPartnerModal
        open={creating}
        onClose={() => setCreating(false)}
        onIssued={(result) => {
          setCreating(false);
          setIssued(result);
        }}
      />
      <PartnerDrawer
        key={selected?.id}
        partner={selected}
        onClose={() => setSelectedId(undefined)}
        onIssued={setIssued}
      />
      <SecretModal issued={issued} onClose={() => setIssued(null)} />
    </>
  );
}
