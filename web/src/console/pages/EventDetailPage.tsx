import { ACCOUNT_TYPE_LABELS } from '@cityleague/domain';
import { useQuery } from '@tanstack/react-query';
import { Alert, Col, Row, Skeleton } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { ChatGroupCodes } from '../components/ChatGroupCodes';
import { EventActions } from '../components/EventActions';
import { EventDocuments } from '../components/EventDocuments';
import { EventFilingDetails } from '../components/EventFilingDetails';
import { EventLoadError } from '../components/EventLoadError';
import { EventShareCard } from '../components/EventShareCard';
import { EventTimeline } from '../components/EventTimeline';
import { PageTitle } from '../components/PageTitle';
import { PendingChangePanel } from '../components/PendingChangePanel';
import { RegistrationFormCard } from '../components/RegistrationFormCard';
import { ReviewStepsPanel } from '../components/ReviewStepsPanel';
import { fetchConsoleEvent } from '../endpoints';
import { queryKeys, useMe } from '../queries';
import type { ConsoleEvent, Me } from '../types';

/**
 * Explains why an account has no buttons on an event: 本区赛事，只读 for a district bureau
 * reading its district's event, and so on. Returns null when the account may act.
 */
function readOnlyNotice(me: Me, event: ConsoleEvent): string | null {
  if (event.actions.length > 0) return null;
  const type = me.user.accountType;
  if (type === 'district_bureau' && event.districtCode === me.user.divisionCode) {
    return '本区赛事，只读';
  }
  if (type === 'sports_bureau') return '全市赛事，只读';
  if (event.state === 'submitted') return '该赛事由其他单位审核，只读';
  return `${ACCOUNT_TYPE_LABELS[type]}可查看该赛事，只读`;
}

/** Shows one event with its review, its changes, its history and what the account may do. */
export function EventDetailPage() {
  const { id = '' } = useParams();
  const me = useMe();

  const eventQuery = useQuery({
    queryKey: queryKeys.consoleEvent(id),
    queryFn: () => fetchConsoleEvent(id),
  });
  const event = eventQuery.data;

  if (eventQuery.isPending) return <Skeleton active />;
  if (eventQuery.isError || !event) {
    return <EventLoadError error={eventQuery.error} onRetry={() => void eventQuery.refetch()} />;
  }

  const notice = readOnlyNotice(me, event);
  const shareable = event.state === 'approved' || event.state === 'published';
  const showSteps = event.reviewSteps.length > 0 && event.state !== 'draft';

  return (
    <>
      <PageTitle title={event.name} extra={<EventActions event={event} />} />
      {notice && (
        <Alert
          type="info"
          showIcon
          title={notice}
          style={{ marginBottom: 16 }}
          data-testid="read-only-notice"
        />
      )}
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
      {event.state === 'cancelled' && (
        <Alert
          type="error"
          showIcon
          title="赛事已取消"
          description={event.cancelReason ?? undefined}
          style={{ marginBottom: 16 }}
          data-testid="cancel-reason"
        />
      )}
      {event.copiedFrom && event.state === 'draft' && (
        <Alert
          type="info"
          showIcon
          title={
            <>
              本草稿复制自<Link to={`/events/${event.copiedFrom}`}>另一赛事</Link>
              ，请核对比赛时间和报名时间。
            </>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <div className="console-stack">
            {showSteps && <ReviewStepsPanel event={event} />}
            <PendingChangePanel event={event} />
            <EventFilingDetails event={event} />
            <EventDocuments eventId={id} />
          </div>
        </Col>
        <Col xs={24} xl={8}>
          <div className="console-stack">
            {shareable && <EventShareCard event={event} />}
            {event.state !== 'cancelled' && <RegistrationFormCard eventId={id} />}
            <ChatGroupCodes eventId={id} />
            <EventTimeline entries={event.timeline} />
          </div>
        </Col>
      </Row>
    </>
  );
}
