import { DownloadOutlined, FileAddOutlined } from '@ant-design/icons';
import {
  REPORT_KIND_LABELS,
  REPORT_KINDS,
  REPORT_STATUS_LABELS,
  type ReportKind,
} from '@cityleague/domain';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Grid,
  List,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useRef, useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { fetchChildDivisions } from '../endpoints';
import { useMe } from '../queries';
import { downloadReport, fetchReports, isPending, requestReport, type Report } from '../reports';
import { formatTimeToSecond, isoToPickerValue } from '../time';

const reportsKey = ['reports'] as const;
const POLL_MS = 1500;

const PICKERS: Record<ReportKind, 'month' | 'quarter' | 'year'> = {
  monthly: 'month',
  quarterly: 'quarter',
  annual: 'year',
};

/** Returns the quarter (1 to 4) of a picked date. */
function quarterOf(value: Dayjs): number {
  return Math.floor(value.month() / 3) + 1;
}

/**
 * Shows quarters in Chinese: 第1季度 in the picker's cells and 2026年第1季度 in its box. The
 * zh_CN locale of antd 6.6 still writes Q1 and 2026-Q1.
 */
// The cells are sized for "Q1"; four Chinese names fit the panel on one line each.
const QUARTER_CELL_STYLE = { width: 'auto', padding: '0 6px', whiteSpace: 'nowrap' } as const;

const QUARTER_PICKER_TEXT = {
  format: (value: Dayjs) => `${value.year()}年第${quarterOf(value)}季度`,
  cellRender: (current: string | number | Dayjs, info: { type: string; originNode: ReactNode }) =>
    info.type === 'quarter' && typeof current === 'object' ? (
      <div className="ant-picker-cell-inner" style={QUARTER_CELL_STYLE}>
        第{quarterOf(current)}季度
      </div>
    ) : (
      info.originNode
    ),
};

/** Writes a picked date as the period of a report: 2026-03, 2026-Q1 or 2026. */
function periodOf(kind: ReportKind, value: Dayjs): string {
  if (kind === 'monthly') return value.format('YYYY-MM');
  if (kind === 'quarterly') return `${value.year()}-Q${quarterOf(value)}`;
  return String(value.year());
}

/**
 * Tells whether a picked period starts after the current month in Asia/Shanghai; the server
 * rejects such a period (RPT_FUTURE_PERIOD), so the picker disables it.
 */
function isFuturePeriod(kind: ReportKind, value: Dayjs): boolean {
  const now = isoToPickerValue(new Date().toISOString())!;
  const firstMonth =
    kind === 'monthly'
      ? value.month()
      : kind === 'quarterly'
        ? value.month() - (value.month() % 3)
        : 0;
  return value.year() * 12 + firstMonth > now.year() * 12 + now.month();
}

interface RequestValues {
  kind: ReportKind;
  period: Dayjs;
  division: string;
}

function RequestForm() {
  const me = useMe();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<RequestValues>();
  const kind = Form.useWatch('kind', form) ?? 'monthly';
  const children = useQuery({
    queryKey: ['divisions', 'children', me.user.divisionCode],
    queryFn: () => fetchChildDivisions(me.user.divisionCode),
    staleTime: Infinity,
  });
  const divisions = [
    { value: me.user.divisionCode, label: `${me.user.divisionName}（全部）` },
    ...(children.data ?? []).map((division) => ({ value: division.code, label: division.name })),
  ];
  const sending = useRef(false);
  const request = useMutation({
    mutationFn: (values: RequestValues) =>
      requestReport({
        kind: values.kind,
        period: periodOf(values.kind, values.period),
        division: values.division === me.user.divisionCode ? undefined : values.division,
      }),
    onSuccess: async (report) => {
      if (report.reused) message.info(`${report.title}已在生成中，未重复申请`);
      else message.success(`已开始生成${report.title}`);
      await queryClient.invalidateQueries({ queryKey: reportsKey });
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  return (
    <Form
      form={form}
      layout="inline"
      className="console-report-form"
      initialValues={{
        kind: 'monthly',
        period: dayjs().subtract(1, 'month'),
        division: me.user.divisionCode,
      }}
      onFinish={(values) => {
        // Enter in the period picker and a click can both submit before the mutation's state
        // renders, so a ref keeps it to one request at a time.
        if (sending.current) return;
        sending.current = true;
        request.mutate(values, {
          onSettled: () => {
            sending.current = false;
          },
        });
      }}
    >
      <Form.Item name="kind" label="报表类型">
        <Select
          style={{ width: 120 }}
          options={REPORT_KINDS.map((value) => ({ value, label: REPORT_KIND_LABELS[value] }))}
        />
      </Form.Item>
      <Form.Item
        name="period"
        label="统计期间"
        rules={[{ required: true, message: '请选择统计期间' }]}
      >
        <DatePicker
          picker={PICKERS[kind]}
          allowClear={false}
          disabledDate={(value) => isFuturePeriod(kind, value)}
          style={{ width: 160 }}
          {...(kind === 'quarterly' ? QUARTER_PICKER_TEXT : {})}
        />
      </Form.Item>
      <Form.Item name="division" label="范围">
        <Select
          style={{ width: 200 }}
          options={divisions}
          loading={children.isLoading}
          showSearch
          optionFilterProp="label"
        />
      </Form.Item>
      <Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          icon={<FileAddOutlined />}
          loading={request.isPending}
          disabled={request.isPending}
        >
          生成报表
        </Button>
      </Form.Item>
    </Form>
  );
}

function StatusCell(props: { report: Report }) {
  const { report } = props;
  if (report.status === 'done') return <Tag color="success">{REPORT_STATUS_LABELS.done}</Tag>;
  if (report.status === 'failed') {
    return (
      <Typography.Text type="danger" title={report.error ?? undefined}>
        {REPORT_STATUS_LABELS.failed}
      </Typography.Text>
    );
  }
  return (
    <Progress
      percent={report.progress}
      size="small"
      status="active"
      aria-label={`${REPORT_STATUS_LABELS[report.status]} ${report.progress}%`}
    />
  );
}

function DownloadButtons(props: { report: Report }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<'xlsx' | 'pdf' | null>(null);
  if (props.report.status !== 'done') return null;
  const download = async (format: 'xlsx' | 'pdf') => {
    setBusy(format);
    try {
      await downloadReport(props.report, format);
    } catch (error) {
      message.error(consoleErrorMessage(error));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Space size="small">
      <Button
        size="small"
        icon={<DownloadOutlined />}
        loading={busy === 'xlsx'}
        onClick={() => void download('xlsx')}
      >
        Excel
      </Button>
      <Button
        size="small"
        icon={<DownloadOutlined />}
        loading={busy === 'pdf'}
        onClick={() => void download('pdf')}
      >
        PDF
      </Button>
    </Space>
  );
}

const columns: TableColumnsType<Report> = [
  { title: '报表', key: 'title', render: (_, report) => report.title },
  {
    title: '状态',
    key: 'status',
    width: 180,
    render: (_, report) => <StatusCell report={report} />,
  },
  { title: '申请人', dataIndex: 'requestedBy', key: 'requestedBy', width: 140 },
  {
    title: '申请时间',
    dataIndex: 'createdAt',
    key: 'createdAt',
    width: 180,
    render: (value: string) => formatTimeToSecond(value),
  },
  {
    title: '下载',
    key: 'download',
    width: 190,
    render: (_, report) => <DownloadButtons report={report} />,
  },
];

/**
 * 统计报表: requests monthly, quarterly and annual reports of the user's scope or a division
 * in it, and lists the organisation's archive. The list polls while a report is generated.
 */
export function ReportsPage() {
  const compact = Grid.useBreakpoint().md === false;
  const reports = useInfiniteQuery({
    queryKey: reportsKey,
    queryFn: ({ pageParam }) => fetchReports(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: (query) =>
      (query.state.data?.pages ?? []).some((page) => page.items.some(isPending)) ? POLL_MS : false,
  });
  const items = reports.data?.pages.flatMap((page) => page.items) ?? [];
  const more = reports.hasNextPage ? (
    <Button
      className="console-report-more"
      loading={reports.isFetchingNextPage}
      onClick={() => void reports.fetchNextPage()}
    >
      加载更多
    </Button>
  ) : null;

  return (
    <>
      <PageTitle title="统计报表" />
      <Card className="console-report-request" title="生成报表">
        <RequestForm />
        <Typography.Paragraph type="secondary" className="console-report-hint">
          报表按赛事开始时间归入统计期间，赛事数、报名和签到的口径与数据看板一致；生成后可下载 Excel
          和 PDF（含图表）。
        </Typography.Paragraph>
        <Typography.Paragraph
          type="secondary"
          className="console-report-hint"
          data-testid="report-period-hint"
        >
          统计期间只能选本月、本季度、本年度或更早的期间；尚未开始的期间（如下个月、明年）不能生成报表，在选择框中显示为灰色。明年赛事的审核和报名情况可在数据看板中选择明年查看。
        </Typography.Paragraph>
      </Card>
      <Card title="报表档案" className="console-report-archive">
        {reports.isError ? (
          <Alert type="error" showIcon message={consoleErrorMessage(reports.error)} />
        ) : compact ? (
          <List
            loading={reports.isLoading}
            dataSource={items}
            locale={{ emptyText: '暂无报表' }}
            renderItem={(report) => (
              <List.Item key={report.id} data-report-id={report.id}>
                <div className="console-report-item">
                  <Typography.Text strong>{report.title}</Typography.Text>
                  <Typography.Text type="secondary">
                    {report.requestedBy} · {formatTimeToSecond(report.createdAt)}
                  </Typography.Text>
                  <StatusCell report={report} />
                  <DownloadButtons report={report} />
                </div>
              </List.Item>
            )}
          />
        ) : (
          <Table
            rowKey="id"
            loading={reports.isLoading}
            columns={columns}
            dataSource={items}
            pagination={false}
            locale={{ emptyText: '暂无报表' }}
            onRow={(report) => ({ 'data-report-id': report.id }) as object}
          />
        )}
        {more}
      </Card>
    </>
  );
}
