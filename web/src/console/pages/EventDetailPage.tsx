import {
  auditActionLabel,
  EVENT_LEVEL_LABELS,
  REGISTRATION_STATUS_LABELS,
  SECTION_LABELS,
  type PermittedEventAction,
} from '@cityleague/domain';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Popconfirm,
  Row,
  Skeleton,
  Space,
  Timeline,
  type DescriptionsProps,
} from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { ChatGroupCodes } from '../components/ChatGroupCodes';
import { EventDocuments } from '../components/EventDocuments';
import { EventLoadError } from '../components/EventLoadError';
import { EventStateTag } from '../components/EventStateTag';
import { PageTitle } from '../components/PageTitle';
import { ReviewActions, useInvalidateEvent } from '../components/ReviewActions';
import { fetchConsoleEvent, publishEvent, submitEvent } from '../endpoints';
import { eventPlace, reviewerName } from '../format';
import { queryKeys, useDistricts, useMe } from '../queries';
import { formatTime } from '../time';
import type { ConsoleEventDetail, Division, TimelineEntry } from '../types';

const TIMELINE_ACTION_LABELS: Record<string, string> = {
  'event.created': '创建草稿',
  'event.updated': '修改赛事',
  'event.submitted': '提交审核',
  'event.approved': '审核通过',
  'event.returned': '退回修改',
  'event.published': '发布赛事',
  'event.cancelled': '取消赛事',
};

const TIMELINE_COLOURS: Record<string, string> = {
  'event.approved': 'green',
  'event.published': 'green',
  'event.returned': 'red',
  'event.cancelled': 'gray',
};

/** Returns the Chinese note for an audit entry's detail, or null when it has none to show. */
function timelineNote(entry: TimelineEntry): string | null {
  const detail = entry.detail ?? {};
  if (typeof detail.reason === 'string' && detail.reason) return `退回原因：${detail.reason}`;
  if (detail.onSubmit === true) return '无需审核，提交即通过';
  if (typeof detail.fileName === 'string') return detail.fileName;
  if (typeof detail.label === 'string') return `群名称：${detail.label}`;
  return null;
}

function describe(
  event: ConsoleEventDetail,
  districts: readonly Division[] | undefined,
): DescriptionsProps['items'] {
  const registrationWindow = `${formatTime(event.registrationOpensAt)} 至 ${formatTime(
    event.registrationClosesAt,
  )}`;
  return [
    { key: 'name', label: '赛事名称', children: event.name, span: 'filled' },
    { key: 'state', label: '状态', children: <EventStateTag state={event.state} /> },
    { key: 'sport', label: '运动项目', children: event.sportName },
    { key: 'level', label: '赛事级别', children: EVENT_LEVEL_LABELS[event.level] },
    { key: 'section', label: '板块', children: SECTION_LABELS[event.section] },
    { key: 'place', label: '所在区域', children: eventPlace(event) },
    { key: 'venue', label: '比赛场地', children: event.venue },
    {
      key: 'time',
      label: '比赛时间',
      children: `${formatTime(event.startsAt)} 至 ${formatTime(event.endsAt)}`,
    },
    { key: 'registration', label: '报名时间', children: registrationWindow },
    {
      key: 'places',
      label: '名额',
      children: `已报 ${event.registeredCount} / 共 ${event.capacity}（剩余 ${event.placesLeft}）`,
    },
    ...(event.state === 'published'
      ? [
          {
            key: 'registrationStatus',
            label: '报名状态',
            children: REGISTRATION_STATUS_LABELS[event.registrationStatus],
          },
        ]
      : []),
    { key: 'organiser', label: '办赛主体', children: event.organiserName },
    {
      key: 'reviewer',
      label: '审核单位',
      children: reviewerName(event, districts) ?? '无需审核（提交即通过）',
    },
    { key: 'createdAt', label: '创建时间', children: formatTime(event.createdAt) },
    { key: 'updatedAt', label: '最近修改', children: formatTime(event.updatedAt) },
    { key: 'submittedAt', label: '提交时间', children: formatTime(event.submittedAt) },
    { key: 'approvedAt', label: '通过时间', children: formatTime(event.approvedAt) },
    { key: 'publishedAt', label: '发布时间', children: formatTime(event.publishedAt) },
  ];
}

function timelineItems(entries: TimelineEntry[]) {
  return [...entries]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((entry, index) => ({
      key: `${entry.at}-${index}`,
      color: TIMELINE_COLOURS[entry.action] ?? 'blue',
      content: (
        <>
          <div className="console-timeline-time">{formatTime(entry.at)}</div>
          <div>
            <strong>
              {TIMELINE_ACTION_LABELS[entry.action] ?? auditActionLabel(entry.action)}
            </strong>
            {entry.actorName ? ` · ${entry.actorName}` : ''}
          </div>
          {timelineNote(entry) && (
            <div style={{ color: 'rgba(0, 0, 0, 0.55)' }}>{timelineNote(entry)}</div>
          )}
        </>
      ),
    }));
}

/** Shows one event with its history and the actions its state and the account allow. */
export function EventDetailPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();

  const eventQuery = useQuery({
    queryKey: queryKeys.consoleEvent(id),
    queryFn: () => fetchConsoleEvent(id),
  });
  const event = eventQuery.data;
  const districts = useDistricts();

  const submit = useMutation({
    mutationFn: () => submitEvent(id),
    onSuccess: async (updated) => {
      message.success(updated.state === 'approved' ? '已提交，审核已自动通过' : '已提交审核');
      await invalidateEvent(id);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const publish = useMutation({
    mutationFn: () => publishEvent(id),
    onSuccess: async () => {
      message.success('赛事已发布');
      await invalidateEvent(id);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  if (eventQuery.isPending) return <Skeleton active />;
  if (eventQuery.isError || !event) {
    return <EventLoadError error={eventQuery.error} onRetry={() => void eventQuery.refetch()} />;
  }

  // The server lists what this account may do with the event; each action is one button.
  const may = (action: PermittedEventAction) => event.actions.includes(action);
  const actions = (
    <Space wrap>
      {may('submit') && (
        <>
          <Button onClick={() => navigate(`/events/${id}/edit`)}>编辑</Button>
          <Popconfirm
            title="确认提交审核？"
            description="提交后在审核完成前不能修改。"
            okText="确认提交"
            cancelText="取消"
            onConfirm={() => submit.mutateAsync().catch(() => undefined)}
          >
            <Button type="primary" loading={submit.isPending}>
              提交审核
            </Button>
          </Popconfirm>
        </>
      )}
      {may('publish') && (
        <Popconfirm
          title="确认发布赛事？"
          description="发布后市民即可看到赛事，并在报名时间内报名。"
          okText="确认发布"
          cancelText="取消"
          onConfirm={() => publish.mutateAsync().catch(() => undefined)}
        >
          <Button type="primary" loading={publish.isPending}>
            发布
          </Button>
        </Popconfirm>
      )}
      {may('approve') && <ReviewActions event={event} />}
      {may('registrations') && (
        <Button onClick={() => navigate(`/events/${id}/registrations`)}>报名名单</Button>
      )}
      {event.organisationId === me.user.organisation.id && (
        <Button onClick={() => navigate(`/events/${id}/poster`)}>主KV海报</Button>
      )}
      {may('check_in') && me.menus.includes('check_in') && (
        <Button onClick={() => navigate(`/check-in?event=${encodeURIComponent(id)}`)}>
          现场签到
        </Button>
      )}
    </Space>
  );

  return (
    <>
      <PageTitle title={event.name} extra={actions} />
      {event.state === 'returned' && (
        <Alert
          type="warning"
          showIcon
          title="审核退回"
          description={event.returnReason ?? '审核单位未填写原因'}
          style={{ marginBottom: 16 }}
          data-testid="return-reason"
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title="赛事信息">
            <Descriptions
              items={describe(event, districts.data)}
              column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 3 }}
              size="small"
              bordered
              styles={{ label: { whiteSpace: 'nowrap' } }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title="办理记录">
            {event.timeline.length > 0 ? (
              <Timeline items={timelineItems(event.timeline)} />
            ) : (
              <span style={{ color: 'rgba(0, 0, 0, 0.45)' }}>暂无记录</span>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <EventDocuments eventId={id} />
        </Col>
        <Col xs={24} xl={8}>
          <ChatGroupCodes eventId={id} />
        </Col>
      </Row>
    </>
  );
}
