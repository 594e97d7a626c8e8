import { ACCOUNT_TYPE_LABELS } from '@cityleague/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Segmented,
  Space,
  Table,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import {
  approveRegistrationRequest,
  fetchRegistrationRequests,
  rejectRegistrationRequest,
  type RegistrationRequest,
} from '../portal';
import { formatTime } from '../time';

type Status = RegistrationRequest['status'];

const STATUS_OPTIONS: { value: Status; label: string }[] = [
  { value: 'pending', label: '待审核' },
  { value: 'approved', label: '已通过' },
  { value: 'rejected', label: '已驳回' },
];

const requestsKey = (status: Status) => ['registration-requests', status] as const;

/**
 * Lists the self-registrations of district bureaux and the community sports association for
 * the operator, who approves them (the account is created) or rejects them with a reason.
 */
export function RegistrationRequestsPage() {
  const [status, setStatus] = useState<Status>('pending');
  const [rejecting, setRejecting] = useState<RegistrationRequest | null>(null);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const requests = useQuery({
    queryKey: requestsKey(status),
    queryFn: () => fetchRegistrationRequests(status),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['registration-requests'] });

  const approve = useMutation({
    mutationFn: (request: RegistrationRequest) => approveRegistrationRequest(request.id),
    onSuccess: () => {
      void message.success('已通过，账号已开通');
      void refresh();
    },
    onError: (error) => void message.error(consoleErrorMessage(error)),
  });

  const columns: TableColumnsType<RegistrationRequest> = [
    { title: '单位名称', dataIndex: 'organisationName', key: 'name', width: 220 },
    { title: '统一社会信用代码', dataIndex: 'creditCode', key: 'creditCode', width: 190 },
    {
      title: '账号类型',
      key: 'type',
      width: 130,
      render: (_: unknown, request) =>
        request.accountType ? ACCOUNT_TYPE_LABELS[request.accountType] : '',
    },
    { title: '所属区域', dataIndex: 'divisionName', key: 'division', width: 110 },
    {
      title: status === 'pending' ? '提交时间' : '处理时间',
      key: 'time',
      width: 150,
      render: (_: unknown, request) =>
        formatTime(status === 'pending' ? request.submittedAt : request.decidedAt),
    },
  ];
  if (status === 'rejected') {
    columns.push({ title: '驳回原因', dataIndex: 'rejectReason', key: 'reason', width: 200 });
  }
  if (status === 'pending') {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_: unknown, request) => (
        <Space>
          <Popconfirm
            title="通过该注册申请？"
            description="通过后立即开通账号"
            okText="通过"
            cancelText="取消"
            onConfirm={() => approve.mutateAsync(request)}
          >
            <Button type="primary" size="small">
              通过
            </Button>
          </Popconfirm>
          <Button danger size="small" onClick={() => setRejecting(request)}>
            驳回
          </Button>
        </Space>
      ),
    });
  }

  return (
    <>
      <PageTitle title="注册申请" />
      <Card>
        <Segmented<Status>
          options={STATUS_OPTIONS}
          value={status}
          onChange={setStatus}
          style={{ marginBottom: 16 }}
        />
        {requests.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(requests.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<RegistrationRequest>
          rowKey="id"
          columns={columns}
          dataSource={requests.data ?? []}
          loading={requests.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: '暂无注册申请' }}
        />
      </Card>
      <RejectDialog
        request={rejecting}
        onClose={() => setRejecting(null)}
        onRejected={() => {
          setRejecting(null);
          void message.success('已驳回');
          void refresh();
        }}
      />
    </>
  );
}

function RejectDialog(props: {
  request: RegistrationRequest | null;
  onClose: () => void;
  onRejected: () => void;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const reject = useMutation({
    mutationFn: (reason: string) => rejectRegistrationRequest(props.request?.id ?? '', reason),
    onSuccess: () => {
      form.resetFields();
      props.onRejected();
    },
  });
  return (
    <Modal
      open={props.request !== null}
      title={`驳回注册申请：${props.request?.organisationName ?? ''}`}
      okText="驳回"
      okButtonProps={{ danger: true, loading: reject.isPending }}
      cancelText="取消"
      onCancel={props.onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(values) => reject.mutate(values.reason)}>
        <Form.Item
          name="reason"
          label="驳回原因（申请单位可见）"
          rules={[{ required: true, whitespace: true, message: '请填写驳回原因' }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
      {reject.isError && <Alert type="error" showIcon title={consoleErrorMessage(reject.error)} />}
    </Modal>
  );
}
