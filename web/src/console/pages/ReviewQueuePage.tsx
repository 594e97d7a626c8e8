import { EVENT_LEVEL_LABELS, SECTION_LABELS } from '@cityleague/domain';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Table, Tag, type TableColumnsType } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { ReviewActions } from '../components/ReviewActions';
import { fetchReviews } from '../endpoints';
import { eventPlace } from '../format';
import { queryKeys } from '../queries';
import { daysSince, formatTime } from '../time';
import type { ConsoleEvent } from '../types';

// Filings that wait this many whole days or more are highlighted.
const WAITING_WARN_DAYS = 3;
const WAITING_ALERT_DAYS = 7;

function WaitingDays({ submittedAt }: { submittedAt: string | null }) {
  const days = daysSince(submittedAt);
  if (days === 0) return <Tag>不足 1 天</Tag>;
  let colour = 'default';
  if (days >= WAITING_ALERT_DAYS) colour = 'red';
  else if (days >= WAITING_WARN_DAYS) colour = 'orange';
  return <Tag color={colour}>{days} 天</Tag>;
}

const columns: TableColumnsType<ConsoleEvent> = [
  {
    title: '赛事名称',
    dataIndex: 'name',
    key: 'name',
    width: 220,
    render: (name: string, event) => (
      <Link
        to={`/events/${event.id}`}
        state={{ fromReviews: true }}
        onClick={(e) => e.stopPropagation()}
      >
        {name}
      </Link>
    ),
  },
  {
    title: '级别 / 板块 / 项目',
    key: 'kind',
    width: 150,
    render: (_: unknown, event) => (
      <>
        {EVENT_LEVEL_LABELS[event.level]} · {SECTION_LABELS[event.section]}
        <br />
        {event.sportName}
      </>
    ),
  },
  { title: '区 / 街镇', key: 'place', width: 140, render: (_: unknown, e) => eventPlace(e) },
  { title: '办赛主体', dataIndex: 'organiserName', key: 'organiser', width: 150, ellipsis: true },
  {
    title: '开始时间',
    dataIndex: 'startsAt',
    key: 'startsAt',
    width: 140,
    render: (startsAt: string) => formatTime(startsAt),
  },
  {
    // The submission time shows on hover; the column itself shows how long the filing waits.
    title: '已等待',
    key: 'waiting',
    width: 90,
    sorter: (a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''),
    defaultSortOrder: 'ascend',
    render: (_: unknown, event) => (
      <span title={`提交于 ${formatTime(event.submittedAt)}`}>
        <WaitingDays submittedAt={event.submittedAt} />
      </span>
    ),
  },
  {
    title: '操作',
    key: 'actions',
    width: 140,
    fixed: 'end',
    render: (_: unknown, event) => <ReviewActions event={event} size="small" />,
  },
];

/** Filings waiting for this account's review, the longest-waiting first. */
export function ReviewQueuePage() {
  const navigate = useNavigate();
  const reviews = useQuery({ queryKey: queryKeys.reviews, queryFn: fetchReviews });

  return (
    <>
      <PageTitle title="审核队列" />
      <Card>
        {reviews.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(reviews.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<ConsoleEvent>
          rowKey="id"
          columns={columns}
          dataSource={reviews.data?.items ?? []}
          loading={reviews.isPending}
          pagination={false}
          scroll={{ x: 1030 }}
          rowClassName="console-clickable-row"
          onRow={(event) => ({
            onClick: () => navigate(`/events/${event.id}`, { state: { fromReviews: true } }),
          })}
          locale={{ emptyText: '没有待审核的赛事' }}
        />
      </Card>
    </>
  );
}
