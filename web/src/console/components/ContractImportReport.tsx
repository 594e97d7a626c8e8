import {
  Alert,
  Button,
  Col,
  Grid,
  Row,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import type { ContractImport, ContractRowError } from '../types';

const ROW_STATUS: Record<
  ContractImport['rows'][number]['status'],
  { label: string; color: string }
> = {
  new: { label: '新增', color: 'green' },
  changed: { label: '变更', color: 'orange' },
  unchanged: { label: '无变化', color: 'default' },
};

const FIELD_LABELS: Record<string, string> = {
  organisationName: '单位名称',
  level: '赛事级别',
  districtCode: '所属区',
  section: '板块',
  sport: '项目',
  contactName: '联系人',
  contactPhone: '联系电话',
};

const errorColumns: TableColumnsType<ContractRowError> = [
  { title: '行号', dataIndex: 'row', key: 'row', width: 72 },
  { title: '列', dataIndex: 'column', key: 'column', width: 150 },
  { title: '原因', dataIndex: 'reason', key: 'reason' },
];

const outcomeColumns: TableColumnsType<ContractImport['rows'][number]> = [
  { title: '行号', dataIndex: 'row', key: 'row', width: 72 },
  { title: '单位名称', dataIndex: 'organisationName', key: 'organisationName', ellipsis: true },
  { title: '中标赛事名称', dataIndex: 'eventName', key: 'eventName', ellipsis: true },
  {
    title: '结果',
    key: 'status',
    width: 200,
    render: (_: unknown, row) => (
      <>
        <Tag color={ROW_STATUS[row.status].color}>{ROW_STATUS[row.status].label}</Tag>
        {row.changedFields.map((field) => FIELD_LABELS[field] ?? field).join('、')}
      </>
    ),
  },
];

// Phones get one column per table: the row and column, with the reason or result below.
const compactErrorColumns: TableColumnsType<ContractRowError> = [
  {
    title: '问题',
    key: 'problem',
    render: (_: unknown, error) => (
      <>
        <div className="console-compact-name">
          第 {error.row} 行 · {error.column}
        </div>
        <Typography.Text type="secondary">{error.reason}</Typography.Text>
      </>
    ),
  },
];

const compactOutcomeColumns: TableColumnsType<ContractImport['rows'][number]> = [
  {
    title: '合同',
    key: 'contract',
    render: (_: unknown, row) => (
      <>
        <div className="console-compact-name">
          <Tag color={ROW_STATUS[row.status].color}>{ROW_STATUS[row.status].label}</Tag>
          {row.eventName}
        </div>
        <Typography.Text type="secondary" className="console-compact-meta">
          第 {row.row} 行 · {row.organisationName}
          {row.changedFields.length > 0 &&
            ` · 变更：${row.changedFields.map((field) => FIELD_LABELS[field] ?? field).join('、')}`}
        </Typography.Text>
      </>
    ),
  },
];

/** Renders a dry run's counts, its problems row by row, and the confirm button. */
export function ContractImportReport(props: {
  report: ContractImport;
  committing: boolean;
  onCommit: () => void;
}) {
  const { report } = props;
  const compact = Grid.useBreakpoint().md === false;
  const { summary } = report;
  const committed = report.status === 'committed';
  const writes = summary.new + summary.changed;
  return (
    <div style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">
        {report.fileName} · {report.year} 年度 · {committed ? '已导入' : '预检结果，尚未导入'}
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {(
          [
            ['数据行', summary.rows],
            ['新增', summary.new],
            ['变更', summary.changed],
            ['无变化', summary.unchanged],
            ['错误行', summary.invalid],
          ] as const
        ).map(([title, value]) => (
          <Col key={title} xs={8} md={4}>
            <Statistic
              title={title}
              value={value}
              styles={
                title === '错误行' && value > 0 ? { content: { color: '#cf1322' } } : undefined
              }
            />
          </Col>
        ))}
      </Row>
      {report.errors.length > 0 ? (
        <>
          <Alert
            type="error"
            showIcon
            title={`文件中有 ${summary.invalid} 行错误，请按下表修改后重新上传`}
            style={{ margin: '16px 0' }}
          />
          <Table<ContractRowError>
            rowKey={(error) => `${error.row}-${error.column}-${error.code}`}
            columns={compact ? compactErrorColumns : errorColumns}
            dataSource={report.errors}
            size="small"
            pagination={report.errors.length > 20 ? { pageSize: 20 } : false}
          />
        </>
      ) : (
        <Alert
          type={committed ? 'success' : 'info'}
          showIcon
          title={
            committed
              ? `导入完成：新增 ${summary.new} 份，变更 ${summary.changed} 份`
              : writes === 0
                ? '所有合同与已导入的一致，确认后不会有任何变化'
                : `确认后将新增 ${summary.new} 份、变更 ${summary.changed} 份合同`
          }
          style={{ margin: '16px 0' }}
        />
      )}
      {report.rows.length > 0 && (
        <Table
          rowKey="row"
          columns={compact ? compactOutcomeColumns : outcomeColumns}
          dataSource={report.rows}
          size="small"
          style={{ marginTop: 16 }}
          pagination={report.rows.length > 20 ? { pageSize: 20 } : false}
        />
      )}
      {!committed && (
        <div className="console-form-actions" style={{ marginTop: 16 }}>
          <Button
            type="primary"
            disabled={report.errors.length > 0}
            loading={props.committing}
            onClick={props.onCommit}
          >
            确认导入
          </Button>
        </div>
      )}
    </div>
  );
}
