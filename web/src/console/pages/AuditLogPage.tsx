import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  AUDIT_ACTIONS,
  AUDIT_ENTITY_TYPES,
  AUDIT_OUTCOMES,
  auditActionLabel,
  auditEntityTypeLabel,
} from '@cityleague/domain';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Grid,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { downloadFile } from '../download';
import { consoleErrorMessage } from '../../lib/messages';
import { actorName } from '../audit-text';
import { AuditEntryDrawer } from '../components/AuditEntryDrawer';
import { PageTitle } from '../components/PageTitle';
import { auditExportPath, fetchAuditEntries } from '../endpoints';
import { queryKeys } from '../queries';
import { formatTime, pickerValueToIso } from '../time';
import type { AuditEntry, AuditFilter } from '../types';

interface FilterForm {
  username?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  ip?: string;
  outcome?: AuditFilter['outcome'];
}

const ACTION_OPTIONS = Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({
  value,
  label: `${label}（${value}）`,
}));
const ENTITY_TYPE_OPTIONS = Object.entries(AUDIT_ENTITY_TYPES).map(([value, label]) => ({
  value,
  label,
}));
const OUTCOME_OPTIONS = Object.entries(AUDIT_OUTCOMES).map(([value, label]) => ({
  value,
  label,
}));

/** Turns the form into API filters: trimmed text, and the time range as instants. */
function toFilter(values: FilterForm): AuditFilter {
  const text = (value: string | undefined) => value?.trim() || undefined;
  const [from, to] = values.range ?? [];
  return {
    username: text(values.username),
    action: values.action,
    entityType: values.entityType,
    entityId: text(values.entityId),
    ip: text(values.ip),
    outcome: values.outcome,
    from: from ? pickerValueToIso(from.startOf('minute')) : undefined,
    to: to ? pickerValueToIso(to.endOf('minute')) : undefined,
  };
}

function OutcomeTag(props: { outcome: AuditEntry['outcome'] }) {
  return props.outcome === 'success' ? (
    <Tag color="success">{AUDIT_OUTCOMES.success}</Tag>
  ) : (
    <Tag color="error">{AUDIT_OUTCOMES.failure}</Tag>
  );
}

const columns: TableColumnsType<AuditEntry> = [
  { title: '时间', dataIndex: 'at', key: 'at', width: 150, render: (at: string) => formatTime(at) },
  {
    title: '操作',
    dataIndex: 'action',
    key: 'action',
    width: 130,
    render: (action: string) => auditActionLabel(action),
  },
  {
    title: '用户',
    key: 'actor',
    width: 180,
    ellipsis: true,
    render: (_: unknown, entry) => actorName(entry),
  },
  {
    title: '单位',
    key: 'organisation',
    ellipsis: true,
    render: (_: unknown, entry) => entry.organisation?.name ?? '-',
  },
  { title: 'IP', dataIndex: 'ip', key: 'ip', width: 130, render: (ip: string | null) => ip ?? '-' },
  {
    title: '对象',
    key: 'entity',
    width: 190,
    ellipsis: true,
    render: (_: unknown, entry) => `${auditEntityTypeLabel(entry.entityType)} ${entry.entityId}`,
  },
  {
    title: '结果',
    dataIndex: 'outcome',
    key: 'outcome',
    width: 80,
    render: (outcome: AuditEntry['outcome']) => <OutcomeTag outcome={outcome} />,
  },
];

// On phones: the action with time and user under it, and the outcome.
const compactColumns: TableColumnsType<AuditEntry> = [
  {
    title: '操作',
    key: 'action',
    render: (_: unknown, entry) => (
      <>
        <div className="console-compact-name">{auditActionLabel(entry.action)}</div>
        <Typography.Text type="secondary" className="console-compact-meta">
          {formatTime(entry.at)} · {actorName(entry)}
        </Typography.Text>
      </>
    ),
  },
  {
    title: '结果',
    dataIndex: 'outcome',
    key: 'outcome',
    width: 72,
    render: (outcome: AuditEntry['outcome']) => <OutcomeTag outcome={outcome} />,
  },
];

/** Downloads the Excel export of the filtered entries; throws ApiError when it is rejected. */
function downloadExport(filter: AuditFilter): Promise<void> {
  return downloadFile(auditExportPath(filter), 'audit-log.xlsx');
}

/**
 * Renders the security officer's audit log, newest first and 50 entries at a time, with
 * filters by user, action, object, time, IP and outcome. A row opens the entry's drawer.
 */
export function AuditLogPage() {
  const { message } = App.useApp();
  const [form] = Form.useForm<FilterForm>();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [selected, setSelected] = useState<AuditEntry | undefined>();
  const [exporting, setExporting] = useState(false);
  const compact = Grid.useBreakpoint().md === false;
  // Phones show the first two filters until the user asks for the rest.
  const [expanded, setExpanded] = useState(false);
  const hideMore = compact && !expanded;

  const entries = useInfiniteQuery({
    queryKey: [...queryKeys.auditEntries, filter],
    queryFn: ({ pageParam }) => fetchAuditEntries(filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = entries.data?.pages.flatMap((page) => page.items) ?? [];

  const exportEntries = async () => {
    setExporting(true);
    try {
      await downloadExport(filter);
      void message.success('已导出符合条件的审计日志');
    } catch (error) {
      void message.error(consoleErrorMessage(error));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageTitle
        title="审计日志"
        extra={
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportEntries}>
            导出 Excel
          </Button>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Form<FilterForm>
          form={form}
          layout="vertical"
          className="console-filter-form"
          onFinish={(values) => setFilter(toFilter(values))}
        >
          <Form.Item label="用户名" name="username">
            <Input allowClear placeholder="操作人或登录时填写的用户名" maxLength={64} />
          </Form.Item>
          <Form.Item label="操作" name="action">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={ACTION_OPTIONS}
              placeholder="全部操作"
            />
          </Form.Item>
          <Form.Item label="对象类型" name="entityType" hidden={hideMore}>
            <Select allowClear options={ENTITY_TYPE_OPTIONS} placeholder="全部类型" />
          </Form.Item>
          <Form.Item label="对象编号" name="entityId" hidden={hideMore}>
            <Input allowClear maxLength={128} />
          </Form.Item>
          <Form.Item label="时间范围" name="range" hidden={hideMore}>
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              style={{ width: '100%' }}
            />
          </Form.Item>
          <Form.Item label="IP 地址" name="ip" hidden={hideMore}>
            <Input allowClear placeholder="完整地址或开头部分" maxLength={64} />
          </Form.Item>
          <Form.Item label="结果" name="outcome" hidden={hideMore}>
            <Select allowClear options={OUTCOME_OPTIONS} placeholder="全部" />
          </Form.Item>
          <Form.Item label=" " className="console-filter-actions">
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                查询
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilter({});
                }}
              >
                重置
              </Button>
              {compact && (
                <Button type="link" onClick={() => setExpanded(!expanded)}>
                  {expanded ? '收起筛选' : '更多筛选'}
                </Button>
              )}
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        {entries.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(entries.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<AuditEntry>
          rowKey="id"
          columns={compact ? compactColumns : columns}
          dataSource={rows}
          loading={entries.isPending}
          pagination={false}
          scroll={compact ? undefined : { x: 1000 }}
          rowClassName="console-clickable-row"
          onRow={(entry) => ({ onClick: () => setSelected(entry) })}
          locale={{ emptyText: '没有符合条件的审计日志' }}
        />
        {entries.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button
              loading={entries.isFetchingNextPage}
              onClick={() => void entries.fetchNextPage()}
            >
              加载更多
            </Button>
          </div>
        )}
      </Card>
      <AuditEntryDrawer entry={selected} onClose={() => setSelected(undefined)} />
    </>
  );
}
