import { Grid, Table, Tag, type TableColumnsType } from 'antd';
import { fieldLabel, formOrder, isReviewedChange } from '../review-text';
import { FilingValue } from './FilingValue';

interface DiffRow {
  field: string;
  before: unknown;
  after: unknown;
}

/** Lists changed filing fields with their values before and after, labelled as on the form. */
export function ChangeDiffTable(props: {
  fields: readonly string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** Marks the fields whose change needs the reviewer's approval. */
  markReviewed?: boolean;
}) {
  const compact = Grid.useBreakpoint().md === false;
  const fields = [...props.fields].sort((a, b) => formOrder(a) - formOrder(b));
  const rows: DiffRow[] = fields.map((field) => ({
    field,
    before: props.before[field],
    after: props.after[field],
  }));

  const columns: TableColumnsType<DiffRow> = [
    {
      title: '项目',
      dataIndex: 'field',
      key: 'field',
      width: compact ? 88 : 140,
      render: (field: string, row) => (
        <>
          <div>{fieldLabel(field)}</div>
          {props.markReviewed && isReviewedChange(field, row.before, row.after) && (
            <Tag color="orange" style={{ marginTop: 4 }}>
              需审核
            </Tag>
          )}
        </>
      ),
    },
    {
      title: '变更前',
      key: 'before',
      render: (_: unknown, row) => (
        <span className="console-diff-before">
          <FilingValue field={row.field} value={row.before} />
        </span>
      ),
    },
    {
      title: '变更后',
      key: 'after',
      render: (_: unknown, row) => (
        <span className="console-diff-after">
          <FilingValue field={row.field} value={row.after} />
        </span>
      ),
    },
  ];

  return (
    <Table<DiffRow>
      rowKey="field"
      size="small"
      bordered
      columns={columns}
      dataSource={rows}
      pagination={false}
      tableLayout="fixed"
      data-testid="change-diff"
    />
  );
}
