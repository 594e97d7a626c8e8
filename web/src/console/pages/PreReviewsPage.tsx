import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Grid,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { SportSelect } from '../components/SportSelect';
import { fetchPreReviews, removePreReview, setPreReview, type PreReview } from '../pre-reviews';
import { formatTime } from '../time';

const preReviewsKey = ['operator-pre-reviews'] as const;
const FEDERATION_MAX_LENGTH = 100;

const federationRules = [
  { required: true, whitespace: true, message: '请填写协会名称' },
  { min: 2, message: '协会名称至少 2 个字' },
  { max: FEDERATION_MAX_LENGTH, message: `协会名称不能超过 ${FEDERATION_MAX_LENGTH} 字` },
];

/** Adds a sport to the list, or renames the federation of a listed one. */
function usePreReviewMutations() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const refresh = () => queryClient.invalidateQueries({ queryKey: preReviewsKey });
  const save = useMutation({
    mutationFn: (input: { sport: string; federation: string }) =>
      setPreReview(input.sport, input.federation),
    onSuccess: refresh,
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const remove = useMutation({
    mutationFn: (item: PreReview) => removePreReview(item.sport),
    onSuccess: async (_, item) => {
      message.success(`${item.sportName}不再需要协会预审`);
      await refresh();
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  return { save, remove };
}

function AddPreReviewForm(props: { listed: string[] }) {
  const [form] = Form.useForm<{ sport: string; federation: string }>();
  const { message } = App.useApp();
  const { save } = usePreReviewMutations();

  async function handleAdd() {
    const values = await form.validateFields();
    await save.mutateAsync({ sport: values.sport, federation: values.federation.trim() });
    message.success('已添加');
    form.resetFields();
  }

  return (
    <Form
      form={form}
      layout="vertical"
      className="console-pre-review-form"
      onFinish={() => void handleAdd().catch(() => undefined)}
    >
      <Form.Item
        name="sport"
        label="运动项目"
        rules={[{ required: true, message: '请选择运动项目' }]}
      >
        <SportSelect exclude={props.listed} />
      </Form.Item>
      <Form.Item name="federation" label="预审协会" rules={federationRules}>
        <Input placeholder="如：上海市篮球协会" maxLength={FEDERATION_MAX_LENGTH} />
      </Form.Item>
      <Form.Item label=" " colon={false}>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={save.isPending}>
          添加
        </Button>
      </Form.Item>
    </Form>
  );
}

function EditFederationModal(props: { item: PreReview; onClose: () => void }) {
  const [form] = Form.useForm<{ federation: string }>();
  const { message } = App.useApp();
  const { save } = usePreReviewMutations();

  async function handleOk() {
    const { federation } = await form.validateFields();
    await save.mutateAsync({ sport: props.item.sport, federation: federation.trim() });
    message.success('已保存');
    props.onClose();
  }

  return (
    <Modal
      open
      title={`修改预审协会：${props.item.sportName}`}
      okText="保存"
      cancelText="取消"
      okButtonProps={{ loading: save.isPending }}
      onOk={() => void handleOk().catch(() => undefined)}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ federation: props.item.federation }}>
        <Form.Item name="federation" label="预审协会" rules={federationRules}>
          <Input maxLength={FEDERATION_MAX_LENGTH} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 协会预审: the operator lists the sports whose filings its national federation pre-reviews
 * before the reviewer may approve them. A change applies to filings submitted after it.
 */
export function PreReviewsPage() {
  const compact = Grid.useBreakpoint().md === false;
  const [editing, setEditing] = useState<PreReview | null>(null);
  const list = useQuery({ queryKey: preReviewsKey, queryFn: fetchPreReviews });
  const { remove } = usePreReviewMutations();
  const items = list.data?.items ?? [];

  const actions = (item: PreReview) => (
    <Space size="small">
      <Button size="small" onClick={() => setEditing(item)}>
        修改
      </Button>
      <Popconfirm
        title={`${item.sportName}不再需要协会预审？`}
        description="已提交、仍在审核中的赛事保留预审环节。"
        okText="确认移除"
        cancelText="取消"
        okButtonProps={{ danger: true }}
        onConfirm={() => remove.mutateAsync(item).catch(() => undefined)}
      >
        <Button size="small" danger>
          移除
        </Button>
      </Popconfirm>
    </Space>
  );

  const columns: TableColumnsType<PreReview> = compact
    ? [
        {
          title: '项目与协会',
          key: 'sport',
          render: (_: unknown, item) => (
            <>
              <div className="console-compact-name">{item.sportName}</div>
              <Typography.Text
                type="secondary"
                className="console-compact-meta console-break-anywhere"
              >
                {item.federation}
              </Typography.Text>
            </>
          ),
        },
        { title: '操作', key: 'actions', width: 136, render: (_: unknown, item) => actions(item) },
      ]
    : [
        // A federation name may be one long run without spaces, so its column wraps anywhere
        // and the other columns keep a minimum width instead of being squeezed by it.
        { title: '运动项目', dataIndex: 'sportName', key: 'sport', width: 160, minWidth: 120 },
        {
          title: '预审协会',
          dataIndex: 'federation',
          key: 'federation',
          className: 'console-break-anywhere',
        },
        {
          title: '设置时间',
          dataIndex: 'updatedAt',
          key: 'updatedAt',
          width: 170,
          minWidth: 150,
          render: (at: string) => formatTime(at),
        },
        {
          title: '设置人',
          dataIndex: 'updatedByName',
          key: 'updatedBy',
          width: 140,
          minWidth: 100,
          render: (name: string | null) => name ?? '-',
        },
        {
          title: '操作',
          key: 'actions',
          width: 150,
          minWidth: 150,
          render: (_: unknown, item) => actions(item),
        },
      ];

  return (
    <>
      <PageTitle title="协会预审" />
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">
          {'下列运动项目的赛事提交审核后，须由审核单位先记录单项体育协会的预审意见，才能审核通过。' +
            '修改只影响之后提交的赛事。'}
        </Typography.Paragraph>
        <AddPreReviewForm listed={items.map((item) => item.sport)} />
      </Card>
      <Card title={`需要预审的项目（${items.length}）`}>
        {list.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(list.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<PreReview>
          rowKey="sport"
          columns={columns}
          dataSource={items}
          loading={list.isPending}
          pagination={false}
          locale={{ emptyText: '还没有需要协会预审的项目' }}
        />
      </Card>
      {editing && <EditFederationModal item={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
