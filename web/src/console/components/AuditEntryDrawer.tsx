import { auditActionLabel, auditEntityTypeLabel, AUDIT_OUTCOMES } from '@cityleague/domain';
import { Descriptions, Drawer, Grid, Table, Typography } from 'antd';
import { actorName } from '../audit-text';
import { formatTime } from '../time';
import type { AuditEntry } from '../types';

/** Shows a JSON value on one line; strings without quotes, a missing value as a dash. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Chinese names of the fields that audit entries record changes of. */
const FIELD_LABELS: Record<string, string> = {
  name: '赛事名称',
  sport: '运动项目',
  level: '级别',
  section: '板块',
  divisionCode: '所在区域',
  venue: '比赛场地',
  startsAt: '开始时间',
  endsAt: '结束时间',
  capacity: '名额',
  registrationOpensAt: '报名开始',
  registrationClosesAt: '报名截止',
};

function ChangesTable(props: { changes: NonNullable<AuditEntry['changes']> }) {
  const rows = Object.entries(props.changes).map(([field, change]) => ({ field, ...change }));
  return (
    <Table
      size="small"
      rowKey="field"
      pagination={false}
      dataSource={rows}
      columns={[
        {
          title: '字段',
          dataIndex: 'field',
          key: 'field',
          width: 110,
          render: (field: string) => FIELD_LABELS[field] ?? field,
        },
        { title: '变更前', dataIndex: 'before', key: 'before', render: formatValue },
        { title: '变更后', dataIndex: 'after', key: 'after', render: formatValue },
      ]}
    />
  );
}

/** Shows every field of one audit entry, its changes and its chain hashes in a drawer. */
export function AuditEntryDrawer(props: { entry: AuditEntry | undefined; onClose: () => void }) {
  const { entry } = props;
  const compact = Grid.useBreakpoint().md === false;
  return (
    <Drawer
      open={entry !== undefined}
      onClose={props.onClose}
      title={entry ? auditActionLabel(entry.action) : ''}
      size={compact ? '100%' : 640}
      destroyOnHidden
    >
      {entry && (
        <>
          <Descriptions
            column={1}
            size="small"
            bordered
            styles={{ label: { width: 84, whiteSpace: 'nowrap' } }}
          >
            <Descriptions.Item label="序号">{entry.seq}</Descriptions.Item>
            <Descriptions.Item label="时间">{formatTime(entry.at)}</Descriptions.Item>
            <Descriptions.Item label="操作">
              {auditActionLabel(entry.action)}
              <Typography.Text type="secondary"> {entry.action}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="结果">{AUDIT_OUTCOMES[entry.outcome]}</Descriptions.Item>
            <Descriptions.Item label="用户">{actorName(entry)}</Descriptions.Item>
            <Descriptions.Item label="单位">{entry.organisation?.name ?? '-'}</Descriptions.Item>
            <Descriptions.Item label="IP 地址">{entry.ip ?? '-'}</Descriptions.Item>
            <Descriptions.Item label="浏览器">{entry.userAgent ?? '-'}</Descriptions.Item>
            <Descriptions.Item label="对象">
              {auditEntityTypeLabel(entry.entityType)}
              <Typography.Text copyable className="console-code">
                {' '}
                {entry.entityId}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          {entry.changes && Object.keys(entry.changes).length > 0 && (
            <>
              <Typography.Title level={5} style={{ marginTop: 24 }}>
                变更前后
              </Typography.Title>
              <ChangesTable changes={entry.changes} />
            </>
          )}
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            详情
          </Typography.Title>
          <pre className="console-audit-json">{JSON.stringify(entry.detail, null, 2)}</pre>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            防篡改校验
          </Typography.Title>
          <Descriptions column={1} size="small">
            <Descriptions.Item label="本条哈希">
              <Typography.Text className="console-code console-hash">{entry.hash}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="上条哈希">
              <Typography.Text className="console-code console-hash">
                {entry.prevHash}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Drawer>
  );
}
