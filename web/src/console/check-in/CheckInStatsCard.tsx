import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Progress, Row, Statistic, Table } from 'antd';
import { consoleErrorMessage } from '../../lib/messages';
import { fetchCheckInStats } from '../endpoints';
import { formatTime } from '../time';

/** How often the figures refresh while the page is open. */
const REFRESH_MS = 10_000;

/** Live check-in figures of one event: in all, per group and per gate. */
export function CheckInStatsCard({ eventId, pending }: { eventId: string; pending: number }) {
  const stats = useQuery({
    queryKey: ['check-in-stats', eventId],
    queryFn: () => fetchCheckInStats(eventId),
    refetchInterval: REFRESH_MS,
  });
  const data = stats.data;

  return (
    <Card
      title="签到统计"
      extra={data?.lastScanAt ? `最近扫码 ${formatTime(data.lastScanAt)}` : undefined}
      data-testid="check-in-stats"
    >
      {stats.isError && (
        <Alert
          type="warning"
          showIcon
          title={`统计暂不可用：${consoleErrorMessage(stats.error)}`}
          style={{ marginBottom: 12 }}
        />
      )}
      <Row gutter={[12, 12]}>
        <Col span={8}>
          <Statistic
            title="已签到"
            value={data?.checkedIn ?? '-'}
            suffix={`/ ${data?.total ?? '-'}`}
          />
        </Col>
        <Col span={8}>
          <Statistic
            title="签到率"
            value={data ? Math.round(data.rate * 1000) / 10 : '-'}
            suffix="%"
          />
        </Col>
        <Col span={8}>
          <Statistic title="现场报名" value={data?.onSite ?? '-'} />
        </Col>
        <Col span={8}>
          <Statistic title="待同步" value={pending} />
        </Col>
        <Col span={8}>
          <Statistic title="冲突" value={data?.conflicts ?? '-'} />
        </Col>
        <Col span={8}>
          <Statistic title="拒绝扫码" value={data?.rejectedScans ?? '-'} />
        </Col>
      </Row>
      {data && (
        <>
          <Table
            size="small"
            style={{ marginTop: 16 }}
            rowKey="groupId"
            pagination={false}
            dataSource={data.byGroup}
            columns={[
              { title: '组别', dataIndex: 'name' },
              {
                title: '签到',
                render: (_, group) => `${group.checkedIn} / ${group.total}`,
                width: 90,
              },
              {
                title: '签到率',
                render: (_, group) => (
                  <Progress percent={Math.round(group.rate * 100)} size="small" />
                ),
              },
            ]}
          />
          <Table
            size="small"
            style={{ marginTop: 12 }}
            rowKey="gate"
            pagination={false}
            locale={{ emptyText: '还没有签到' }}
            dataSource={data.byGate}
            columns={[
              { title: '入口', dataIndex: 'gate' },
              { title: '签到人数', dataIndex: 'checkedIn', width: 90 },
            ]}
          />
        </>
      )}
    </Card>
  );
}
