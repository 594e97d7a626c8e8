import { EVENT_LEVEL_LABELS, SECTION_LABELS, type RegistrationStatus } from '@cityleague/domain';
import { Button, ErrorBlock, ProgressBar, Skeleton } from 'antd-mobile';
import type { ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ERROR_MESSAGES, isNotFound } from '../../lib/messages';
import { addressLine, placesLeftText } from '../event-text';
import { PageNavBar } from '../components/PageNavBar';
import { QueryError } from '../components/QueryError';
import { RegistrationStatusTag } from '../components/RegistrationStatusTag';
import { TeamGroupsPanel } from '../components/TeamGroupsPanel';
import type { PublicEvent } from '../events-api';
import { formatDateTime, formatRange } from '../format';
import { useEvent } from '../queries';
import { useEventGroups } from '../teams-api';
import { useDocumentTitle } from '../use-document-title';

/** Text of the disabled button when registration is not possible. */
export const CLOSED_BUTTON_TEXT: Record<Exclude<RegistrationStatus, 'open'>, string> = {
  not_open: '报名未开始',
  closed: '报名已截止',
  full: '名额已满',
};

export function EventDetailPage() {
  const { id = '' } = useParams();
  const event = useEvent(id);
  useDocumentTitle(event.data?.name ?? '赛事详情');

  return (
    <div className="page">
      <PageNavBar title="赛事详情" />
      {event.isPending && <DetailSkeleton />}
      {event.isError && <EventLoadError error={event.error} onRetry={() => void event.refetch()} />}
      {event.isSuccess && <EventDetail event={event.data} />}
    </div>
  );
}

/**
 * Shows "not found" for a missing event or a malformed id in the address, and a retryable
 * error for anything else.
 */
export function EventLoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const navigate = useNavigate();
  if (isNotFound(error, ['EVT_NOT_FOUND'])) {
    return (
      <ErrorBlock status="empty" title="找不到该赛事" description={ERROR_MESSAGES.EVT_NOT_FOUND}>
        <Button color="primary" size="large" onClick={() => navigate('/')}>
          返回首页
        </Button>
      </ErrorBlock>
    );
  }
  return <QueryError error={error} onRetry={onRetry} />;
}

function EventDetail({ event }: { event: PublicEvent }) {
  const navigate = useNavigate();
  const groups = useEventGroups(event.id);
  const status = event.registrationStatus;
  // An event whose groups all take teams has no individual registration to offer.
  const onlyTeams =
    (groups.data ?? []).length > 0 &&
    (groups.data ?? []).every((group) => group.entryType === 'team');
  const percentTaken =
    event.capacity > 0 ? Math.min(100, (event.registeredCount / event.capacity) * 100) : 100;

  return (
    <>
      <main className="page-body">
        <section className="detail-hero">
          <div className="event-card-badges">
            <span className="badge badge-sport">{event.sportName}</span>
            <span className="badge">{SECTION_LABELS[event.section]}</span>
            <span className="badge">{EVENT_LEVEL_LABELS[event.level]}</span>
          </div>
          <h1 className="detail-name">{event.name}</h1>
          <div className="detail-status">
            <RegistrationStatusTag status={status} />
            {heroPlacesText(event) && (
              <span className={status === 'open' ? 'detail-places' : 'detail-places none'}>
                {heroPlacesText(event)}
              </span>
            )}
          </div>
        </section>

        <section className="panel" aria-labelledby="event-facts-title">
          <h2 className="panel-title" id="event-facts-title">
            赛事信息
          </h2>
          <dl className="facts">
            <Fact label="比赛时间">{formatRange(event.startsAt, event.endsAt)}</Fact>
            <Fact label="比赛地点">{addressLine(event)}</Fact>
            <Fact label="运动项目">{event.sportName}</Fact>
            <Fact label="赛事板块">{SECTION_LABELS[event.section]}</Fact>
            <Fact label="赛事级别">{EVENT_LEVEL_LABELS[event.level]}</Fact>
            <Fact label="主办单位">{event.organiserName}</Fact>
          </dl>
        </section>

        <section className="panel" aria-labelledby="event-registration-title">
          <h2 className="panel-title" id="event-registration-title">
            报名信息
          </h2>
          <dl className="facts">
            <Fact label="报名开始">{formatDateTime(event.registrationOpensAt)}</Fact>
            <Fact label="报名截止">{formatDateTime(event.registrationClosesAt)}</Fact>
            <Fact label="报名名额">
              {status === 'open' || status === 'full' ? (
                <>
                  剩余 <strong>{Math.max(0, event.placesLeft)}</strong> 个 / 共 {event.capacity} 个
                </>
              ) : (
                `共 ${event.capacity} 个，已报名 ${event.registeredCount} 人`
              )}
            </Fact>
          </dl>
          <ProgressBar
            className="places-progress"
            percent={percentTaken}
            aria-label={`已报名 ${event.registeredCount} 人，共 ${event.capacity} 个名额`}
          />
        </section>

        <TeamGroupsPanel eventId={event.id} groups={groups.data ?? []} open={status === 'open'} />
      </main>

      <footer className="bottom-bar">
        <p className="bottom-bar-hint">{bottomHint(event)}</p>
        {status === 'open' ? (
          <Button
            block
            color="primary"
            size="large"
            shape="rounded"
            onClick={() => navigate(`/events/${event.id}/${onlyTeams ? 'team' : 'register'}`)}
          >
            {onlyTeams ? '组队报名' : '立即报名'}
          </Button>
        ) : (
          <Button block size="large" shape="rounded" disabled>
            {CLOSED_BUTTON_TEXT[status]}
          </Button>
        )}
      </footer>
    </>
  );
}

/**
 * Returns the line beside the status tag: the places left, or when registration opens. A
 * closed event gets none, because its tag and the bottom bar already show that.
 */
function heroPlacesText(event: PublicEvent): string | null {
  if (event.registrationStatus === 'closed') return null;
  if (event.registrationStatus === 'not_open') {
    return `${formatDateTime(event.registrationOpensAt)} 开始报名`;
  }
  return placesLeftText(event);
}

/** Returns why registration is or is not possible now, with the time that matters. */
export function bottomHint(event: PublicEvent): string {
  switch (event.registrationStatus) {
    case 'open':
      return `报名截止：${formatDateTime(event.registrationClosesAt)}`;
    case 'not_open':
      return `${formatDateTime(event.registrationOpensAt)} 开始报名`;
    case 'closed':
      return `报名已于 ${formatDateTime(event.registrationClosesAt)} 截止`;
    case 'full':
      return '名额已报满，欢迎关注其他赛事';
  }
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function DetailSkeleton() {
  return (
    <main className="page-body" aria-busy="true" aria-label="正在加载赛事">
      <section className="panel">
        <Skeleton.Title animated />
        <Skeleton.Paragraph lineCount={6} animated />
      </section>
    </main>
  );
}
