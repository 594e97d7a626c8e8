import { EVENT_LEVEL_LABELS, SECTION_LABELS } from '@cityleague/domain';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Grid,
  Popconfirm,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { consoleCodeMessage, consoleErrorMessage } from '../../lib/messages';
import { ChangeDiffTable } from '../components/ChangeDiffTable';
import { PageTitle } from '../components/PageTitle';
import { ChangeDecisionActions } from '../components/PendingChangePanel';
import { ReviewActions, useInvalidateEvent } from '../components/ReviewActions';
import { ReviewQueueCard } from '../components/ReviewQueueCard';
import {
  filterFromSearch,
  filterToSearch,
  ReviewQueueFilters,
} from '../components/ReviewQueueFilters';
import { changedFields, QueueTags, queueKind, WaitingDays } from '../components/ReviewQueueParts';
import { eventPlace } from '../format';
import { queryKeys } from '../queries';
import { pendingSteps, pendingStepsNotice } from '../review-text';
import { batchApprove, fetchReviewQueue, type BatchResult, type ReviewFilter } from '../reviews';
import { formatTime } from '../time';
import type { ConsoleEvent } from '../types';

/** The outcome of the last batch approval, with the names the items had when it ran. */
interface BatchOutcome {
  results: BatchResult[];
  names: Record<string, string>;
}

/** Tells whether an item may join a batch: filings only, because changes are decided one by one. */
const batchable = (event: ConsoleEvent) =>
  queueKind(event) === 'filing' && event.actions.includes('approve');

/**
 * Explains each failure of a batch in Chinese. An item still waiting for review steps names
 * the steps it lacks, which the bare error code cannot.
 */
function failureMessages(
  outcome: BatchOutcome | null,
  items: readonly ConsoleEvent[],
): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const result of outcome?.results ?? []) {
    if (result.ok) continue;
    const event = items.find((item) => item.id === result.id);
    const steps = event ? pendingStepsNotice(event) : null;
    messages[result.id] =
      result.code === 'EVT_REVIEW_STEPS_PENDING' && steps
        ? steps
        : consoleCodeMessage(result.code ?? 'UNKNOWN');
  }
  return messages;
}

function BatchResults(props: {
  outcome: BatchOutcome;
  failures: Record<string, string>;
  onClose: () => void;
}) {
  const { results, names } = props.outcome;
  const passed = results.filter((result) => result.ok);
  const failed = results.filter((result) => !result.ok);
  return (
    <Alert
      type={failed.length === 0 ? 'success' : 'warning'}
      showIcon
      closable={{ onClose: props.onClose }}
      style={{ marginBottom: 16 }}
      data-testid="batch-results"
      title={`批量通过完成：通过 ${passed.length} 项，未通过 ${failed.length} 项`}
      description={
        <ul className="console-batch-results">
          {failed.map((result) => (
            <li key={result.id} data-testid="batch-failure">
              <Link to={`/events/${result.id}`} state={{ fromReviews: true }}>
                {names[result.id] ?? result.id}
              </Link>
              ：未通过，{props.failures[result.id]}
            </li>
          ))}
          {passed.map((result) => (
            <li key={result.id} className="console-batch-passed">
              {names[result.id] ?? result.id}：已通过
            </li>
          ))}
        </ul>
      }
    />
  );
}

function columns(failures: Record<string, string>): TableColumnsType<ConsoleEvent> {
  return [
    {
      title: '赛事名称',
      key: 'name',
      render: (_: unknown, event) => (
        <>
          <Link
            to={`/events/${event.id}`}
            state={{ fromReviews: true }}
            onClick={(e) => e.stopPropagation()}
          >
            {event.name}
          </Link>
          <div className="console-queue-row-tags">
            <QueueTags event={event} />
            {queueKind(event) === 'change' && (
              <span data-testid="changed-fields">{changedFields(event)}</span>
            )}
          </div>
          {failures[event.id] && (
            <Tag color="red" className="console-wrap-tag">
              未通过：{failures[event.id]}
            </Tag>
          )}
        </>
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
    {
      title: '地区 / 办赛主体',
      key: 'place',
      width: 160,
      render: (_: unknown, event) => (
        <>
          <div>{eventPlace(event)}</div>
          <Typography.Text type="secondary" className="console-compact-meta">
            {event.organiserName}
          </Typography.Text>
        </>
      ),
    },
    {
      title: '开始时间',
      dataIndex: 'startsAt',
      key: 'startsAt',
      width: 110,
      render: (startsAt: string) => formatTime(startsAt),
    },
    {
      title: '等待天数',
      key: 'waiting',
      width: 110,
      sorter: (a, b) => (a.daysWaiting ?? 0) - (b.daysWaiting ?? 0),
      render: (_: unknown, event) => <WaitingDays days={event.daysWaiting} />,
    },
    {
      title: '操作',
      key: 'actions',
      width: 170,
      fixed: 'end',
      render: (_: unknown, event) => {
        const change = event.pendingChange;
        if (queueKind(event) === 'filing') return <ReviewActions event={event} size="small" />;
        if (change && event.actions.includes('review_change')) {
          return <ChangeDecisionActions event={event} change={change} size="small" />;
        }
        return null;
      },
    },
  ];
}

/** Shows the change of a queue row, unfolded under it: the reason and each field before and after. */
function ChangeRow({ event }: { event: ConsoleEvent }) {
  const change = event.pendingChange;
  if (!change) return null;
  return (
    <div className="console-queue-change">
      <p className="console-hint" style={{ marginTop: 0 }}>
        变更原因：{change.reason}
      </p>
      <ChangeDiffTable fields={change.fields} before={change.before} after={change.after} />
    </div>
  );
}

/**
 * 审核队列: filings and changes waiting for this account, the longest-waiting first, with
 * filters kept in the address, and approval of several filings at once.
 */
export function ReviewQueuePage() {
  const navigate = useNavigate();
  const { message } = App.useApp();
  const compact = Grid.useBreakpoint().md === false;
  const invalidateEvent = useInvalidateEvent();
  const [searchParams, setSearchParams] = useSearchParams();
  const filter = filterFromSearch(searchParams);
  const [selected, setSelected] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<BatchOutcome | null>(null);

  const reviews = useQuery({
    queryKey: [...queryKeys.reviews, filter],
    queryFn: () => fetchReviewQueue(filter),
  });
  const items = reviews.data?.items ?? [];
  const selectedItems = items.filter((event) => selected.includes(event.id));
  const withPendingSteps = selectedItems.filter((event) => pendingSteps(event).length > 0).length;

  const failures = failureMessages(outcome, items);

  const batch = useMutation({
    mutationFn: (ids: string[]) => batchApprove(ids),
    onSuccess: async ({ results }, ids) => {
      const names = Object.fromEntries(
        items.filter((event) => ids.includes(event.id)).map((event) => [event.id, event.name]),
      );
      setOutcome({ results, names });
      // Failed items stay selected, so that they can be sent again once fixed.
      setSelected(results.filter((result) => !result.ok).map((result) => result.id));
      await Promise.all(ids.map((id) => invalidateEvent(id)));
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  function changeFilter(next: ReviewFilter) {
    setSearchParams(filterToSearch(next), { replace: true });
    setSelected([]);
  }

  const toggle = (id: string, on: boolean) =>
    setSelected((current) => (on ? [...current, id] : current.filter((other) => other !== id)));
  const selectableIds = items.filter(batchable).map((event) => event.id);

  const batchBar = (
    <Space wrap className="console-batch-bar">
      {compact && (
        <Checkbox
          checked={selectableIds.length > 0 && selected.length === selectableIds.length}
          indeterminate={selected.length > 0 && selected.length < selectableIds.length}
          disabled={selectableIds.length === 0}
          onChange={(e) => setSelected(e.target.checked ? selectableIds : [])}
        >
          全选新填报
        </Checkbox>
      )}
      <span>已选 {selected.length} 项</span>
      <Popconfirm
        title={`确认通过选中的 ${selected.length} 项赛事？`}
        description={
          withPendingSteps > 0
            ? `其中 ${withPendingSteps} 项尚未记录审核环节，不会通过。`
            : '通过后办赛主体即可发布赛事。'
        }
        okText="确认通过"
        cancelText="取消"
        disabled={selected.length === 0}
        onConfirm={() => batch.mutateAsync(selected).catch(() => undefined)}
      >
        <Button type="primary" disabled={selected.length === 0} loading={batch.isPending}>
          批量通过
        </Button>
      </Popconfirm>
      {selected.length > 0 && <Button onClick={() => setSelected([])}>清除选择</Button>}
    </Space>
  );

  let list: ReactNode;
  if (compact) {
    list = (
      <Spin spinning={reviews.isPending}>
        {items.length === 0 && !reviews.isPending ? (
          <Empty description="没有待审核的赛事" />
        ) : (
          <div className="console-queue-cards">
            {items.map((event) => (
              <ReviewQueueCard
                key={event.id}
                event={event}
                selectable={batchable(event)}
                selected={selected.includes(event.id)}
                onSelect={(on) => toggle(event.id, on)}
                failure={
                  failures[event.id] && (
                    <Tag color="red" className="console-wrap-tag">
                      未通过：{failures[event.id]}
                    </Tag>
                  )
                }
              />
            ))}
          </div>
        )}
      </Spin>
    );
  } else {
    list = (
      <Table<ConsoleEvent>
        rowKey="id"
        columns={columns(failures)}
        dataSource={items}
        loading={reviews.isPending}
        pagination={false}
        scroll={{ x: 1040 }}
        rowClassName="console-clickable-row"
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(String)),
          getCheckboxProps: (event) => ({
            disabled: !batchable(event),
            'aria-label': `选择 ${event.name}`,
          }),
        }}
        expandable={{
          rowExpandable: (event) => queueKind(event) === 'change',
          expandedRowRender: (event) => <ChangeRow event={event} />,
        }}
        onRow={(event) => ({
          onClick: (click) => {
            // Ticking a row or unfolding its change stays on the queue.
            const target = click.target as HTMLElement;
            if (target.closest('.ant-table-selection-column, .ant-table-row-expand-icon-cell')) {
              return;
            }
            navigate(`/events/${event.id}`, { state: { fromReviews: true } });
          },
        })}
        locale={{ emptyText: '没有待审核的赛事' }}
      />
    );
  }

  return (
    <>
      <PageTitle title="审核队列" />
      <Card>
        <ReviewQueueFilters filter={filter} onChange={changeFilter} />
        {outcome && (
          <BatchResults outcome={outcome} failures={failures} onClose={() => setOutcome(null)} />
        )}
        {reviews.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(reviews.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        {batchBar}
        {list}
      </Card>
    </>
  );
}
