import {
  EVENT_LEVEL_LABELS,
  publicResultsPath,
  SECTION_LABELS,
  type RegistrationStatus,
} from '@cityleague/domain';
import { Button, Dialog, ErrorBlock, ProgressBar, Skeleton, Toast } from 'antd-mobile';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ERROR_MESSAGES, errorMessage, isNotFound } from '../../lib/messages';
import { useQuery } from '@tanstack/react-query';
import { fetchCitizenEntries, useCitizen, type CitizenEntry } from '../citizen-api';
import {
  addressLine,
  extraAddress,
  feeText,
  hasEnded,
  mapSearchUrl,
  placesLeftText,
} from '../event-text';
import { QrCode } from '../components/QrCode';
import { newIdempotencyKey } from '../idempotency-key';
import { registerWithOneClick, useOneClick } from '../registration-form-api';
import { SAFETY_NOTICE } from '../registration-rules';
import { rememberTicket } from '../ticket-store';
import { PageNavBar } from '../components/PageNavBar';
import { QueryError } from '../components/QueryError';
import { RegistrationStatusTag } from '../components/RegistrationStatusTag';
import { TeamGroupsPanel } from '../components/TeamGroupsPanel';
import type { EventGroup, PublicEvent, PublicEventDetail } from '../events-api';
import { formatDateTime, formatRange, teamSizeText } from '../format';
import { useEvent, useGroups } from '../queries';
import { useEventGroups } from '../teams-api';
import { useDocumentTitle } from '../use-document-title';
import {
  hasFreeIndividualPlaces,
  nextQueuePlaceText,
  showsGroupName,
  waitingListGroups,
  waitingListRuleText,
} from '../waiting-list';

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

function EventDetail({ event }: { event: PublicEventDetail }) {
  const navigate = useNavigate();
  const groups = useEventGroups(event.id);
  const status = event.registrationStatus;
  // An event whose groups all take teams has no individual registration to offer.
  const onlyTeams =
    (groups.data ?? []).length > 0 &&
    (groups.data ?? []).every((group) => group.entryType === 'team');
  // The phone's clock only picks the bottom bar's text; the server decides registration.
  const ended = Date.parse(event.endsAt) < Date.now();
  const ownEntry = useOwnLiveEntry(event.id);
  const allGroups = useGroups(event.id).data ?? [];
  // The waiting list is offered once no individual group has a place left.
  const waitingGroups = hasFreeIndividualPlaces(allGroups)
    ? []
    : waitingListGroups(event, allGroups);
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
            <RegistrationStatusTag status={status} ended={ended} />
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
            <Fact label="比赛地点">
              {addressLine(event)}
              {extraAddress(event) && <span className="fact-extra">{extraAddress(event)}</span>}
              {/* On a line of its own, so that it never runs on from the venue text. */}
              <div>
                <a
                  className="map-link"
                  href={mapSearchUrl(event)}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  在地图中查看
                </a>
              </div>
            </Fact>
            <Fact label="运动项目">{event.sportName}</Fact>
            <Fact label="赛事板块">{SECTION_LABELS[event.section]}</Fact>
            <Fact label="赛事级别">{EVENT_LEVEL_LABELS[event.level]}</Fact>
            <Fact label="主办单位">{event.host ?? event.organiserName}</Fact>
            {event.organiser && <Fact label="承办单位">{event.organiser}</Fact>}
            {event.coOrganisers.length > 0 && (
              <Fact label="协办单位">{event.coOrganisers.join('、')}</Fact>
            )}
            <Fact label="报名费用">{feeText(event.feeCents)}</Fact>
          </dl>
        </section>

        {/* The poster follows the facts, so that the time and place show on the first screen. */}
        <Poster event={event} />

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
          {/* antd-mobile's bar is a plain div, so the role and label sit on a wrapper. */}
          <div
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(percentTaken)}
            aria-label={`已报名 ${event.registeredCount} 人，共 ${event.capacity} 个名额`}
          >
            <ProgressBar className="places-progress" percent={percentTaken} />
          </div>
        </section>

        {!ended && waitingGroups.length > 0 && <WaitingListPanel groups={waitingGroups} />}
        <GroupsPanel
          eventId={event.id}
          waitingGroups={ended ? [] : waitingGroups}
          closed={ended || status === 'closed'}
        />
        <TeamGroupsPanel eventId={event.id} groups={groups.data ?? []} open={status === 'open'} />

        {event.description && (
          <section className="panel" aria-labelledby="event-description-title">
            <h2 className="panel-title" id="event-description-title">
              赛事介绍
            </h2>
            <p className="long-text">{event.description}</p>
          </section>
        )}

        {event.rules && (
          <section className="panel" aria-labelledby="event-rules-title">
            <h2 className="panel-title" id="event-rules-title">
              竞赛规程
            </h2>
            <p className="long-text">{event.rules}</p>
          </section>
        )}

        <section className="panel" aria-labelledby="event-safety-title">
          <h2 className="panel-title" id="event-safety-title">
            安全须知
          </h2>
          <p className="long-text">{SAFETY_NOTICE}。报名时需阅读并同意。</p>
        </section>

        <SharePanel event={event} />

        {/* The public event carries no results flag; results come after the event ends. */}
        {ended && (
          <Link className="panel panel-link" to={publicResultsPath(event.id)}>
            成绩查询
            <span aria-hidden="true">›</span>
          </Link>
        )}
      </main>

      <footer className="bottom-bar">
        <p className="bottom-bar-hint">
          {ended
            ? `比赛已于 ${formatDateTime(event.endsAt)} 结束`
            : waitingGroups.length > 0
              ? '名额已满，可加入候补'
              : bottomHint(event)}
        </p>
        {ended ? (
          <Button
            block
            color="primary"
            size="large"
            shape="rounded"
            onClick={() => navigate(publicResultsPath(event.id))}
          >
            查看成绩
          </Button>
        ) : ownEntry ? (
          <OwnEntryNotice entry={ownEntry} />
        ) : waitingGroups.length === 1 ? (
          <RegisterButtons event={event} waitingGroup={waitingGroups[0]} />
        ) : waitingGroups.length > 1 ? (
          <Button
            block
            color="primary"
            size="large"
            shape="rounded"
            onClick={() =>
              document.getElementById('event-groups-title')?.scrollIntoView({ block: 'start' })
            }
          >
            选择组别加入候补
          </Button>
        ) : status === 'open' ? (
          onlyTeams ? (
            <Button
              block
              color="primary"
              size="large"
              shape="rounded"
              onClick={() => navigate(`/events/${event.id}/team`)}
            >
              组队报名
            </Button>
          ) : (
            <RegisterButtons event={event} />
          )
        ) : (
          <Button block size="large" shape="rounded" disabled>
            {CLOSED_BUTTON_TEXT[status]}
          </Button>
        )}
      </footer>
    </>
  );
}

/** Statuses of an entry that has or awaits a place, with the text the event page shows. */
const LIVE_ENTRY_TEXT: Record<string, string> = {
  active: '已报名',
  waiting: '已报名 · 候补中',
  offered: '已报名 · 候补转正待确认',
};

/**
 * Returns the signed-in citizen's live entry (active, waiting or offered) for the event, or
 * undefined when there is none or nobody is signed in. The list is fetched again on every
 * visit, so an entry made a moment ago shows at once.
 */
function useOwnLiveEntry(eventId: string): CitizenEntry | undefined {
  const citizen = useCitizen();
  const entries = useQuery({
    queryKey: ['citizen', 'registrations'],
    queryFn: fetchCitizenEntries,
    enabled: Boolean(citizen.data),
    staleTime: 0,
  });
  if (!citizen.data) return undefined;
  return entries.data?.find(
    (entry) => entry.eventId === eventId && entry.status in LIVE_ENTRY_TEXT,
  );
}

/** Shows that the citizen has registered, in place of the register buttons, with the ticket link. */
function OwnEntryNotice({ entry }: { entry: CitizenEntry }) {
  const ticketPath = entry.code ? `/tickets/${encodeURIComponent(entry.code)}` : '/tickets';
  return (
    <div className="own-entry" role="status">
      <p className="own-entry-status">
        {LIVE_ENTRY_TEXT[entry.status]}
        {entry.showGroupName && `（${entry.groupName}）`}
        {entry.queuePosition !== null && ` · 候补第 ${entry.queuePosition} 位`}
      </p>
      <Link className="own-entry-link" to={ticketPath}>
        查看报名凭证
      </Link>
    </div>
  );
}

/**
 * The registration buttons: one-click registration when the signed-in citizen's profile fills
 * the event's form, and the form itself. With `waitingGroup` both join that group's waiting list.
 */
function RegisterButtons({
  event,
  waitingGroup,
}: {
  event: PublicEvent;
  waitingGroup?: EventGroup;
}) {
  const navigate = useNavigate();
  const citizen = useCitizen();
  const oneClick = useOneClick(event.id, Boolean(citizen.data));
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [sending, setSending] = useState(false);
  const openForm = () => navigate(registerPath(event.id, waitingGroup));
  const action = waitingGroup ? '加入候补' : '报名';

  const confirmOneClick = async () => {
    const notice = oneClick.data?.safetyNotice ?? null;
    const accepted = await Dialog.confirm({
      title: `一键${action}`,
      content: (
        <div className="one-click-confirm">
          {waitingGroup && (
            <p>
              名额已满，您将排在<strong>{nextQueuePlaceText(waitingGroup)}</strong>。
              {waitingListRuleText(waitingGroup)}
            </p>
          )}
          <p>
            将使用您个人资料中的姓名、手机号码{citizen.data?.idNumberMasked ? '和身份证号' : ''}
            {action}。
          </p>
          <p className="one-click-notice">{notice?.body ?? SAFETY_NOTICE}</p>
        </div>
      ),
      confirmText: `同意并${action}`,
      cancelText: '取消',
    });
    if (!accepted) return;
    setSending(true);
    try {
      const registration = await registerWithOneClick(
        event.id,
        notice?.version,
        idempotencyKey,
        waitingGroup?.id,
      );
      rememberTicket(registration);
      navigate(`/tickets/${encodeURIComponent(registration.code)}`, {
        state: { registration },
      });
    } catch (error) {
      Toast.show({ content: errorMessage(error) });
    } finally {
      setSending(false);
    }
  };

  if (!oneClick.data?.available) {
    return (
      <Button block color="primary" size="large" shape="rounded" onClick={openForm}>
        {waitingGroup ? '加入候补' : '立即报名'}
      </Button>
    );
  }
  return (
    <div className="register-buttons">
      <Button
        block
        color="primary"
        size="large"
        shape="rounded"
        loading={sending}
        onClick={() => void confirmOneClick()}
      >
        一键{action}
      </Button>
      <Button block size="large" shape="rounded" fill="outline" onClick={openForm}>
        {waitingGroup ? '填写报名表加入候补' : '填写报名表'}
      </Button>
    </div>
  );
}

/** Returns the path of the registration form, for one group when the event has several. */
export function registerPath(eventId: string, group?: Pick<EventGroup, 'id'>): string {
  const path = `/events/${encodeURIComponent(eventId)}/register`;
  return group ? `${path}?group=${encodeURIComponent(group.id)}` : path;
}

/** Explains the waiting list of the full groups: the place a new entry takes and what follows. */
function WaitingListPanel({ groups }: { groups: EventGroup[] }) {
  const named = groups.length > 1;
  return (
    <section className="panel waiting-list-panel" aria-labelledby="event-waiting-title">
      <h2 className="panel-title" id="event-waiting-title">
        候补报名
      </h2>
      <p className="long-text">名额已满，可加入候补。候补期间可随时在「我的报名」中退出候补。</p>
      <ul className="waiting-list-rules">
        {groups.map((group) => (
          <li key={group.id}>
            {named && <strong>{group.name}：</strong>}
            现在加入将排在<strong>{nextQueuePlaceText(group)}</strong>。{waitingListRuleText(group)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Returns the line beside the status tag: the places left, or when registration opens. A
 * closed event gets none, because its tag and the bottom bar already show that.
 */
function heroPlacesText(event: PublicEvent): string | null {
  if (event.registrationStatus === 'closed' || hasEnded(event)) return null;
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

/** Widths in px at which the server renders event posters, for the image's srcset. */
const POSTER_WIDTHS = [360, 720, 1080];

/**
 * Shows the event's poster (主KV), which the server draws from the event's details. The poster
 * keeps 9:16 inside a frame of at most 58% of the screen's height, and a tap opens it
 * full screen at 720 px wide. The browser picks the width for its pixel density and keeps the PNG
 * for ten minutes. A poster that fails to load, such as one whose name the poster font cannot
 * draw, gives way to the banner.
 */
function Poster({ event }: { event: PublicEvent }) {
  const [failed, setFailed] = useState(false);
  const [enlarged, setEnlarged] = useState(false);
  if (failed) return <Banner event={event} />;
  const source = (width: number) =>
    `/api/events/${encodeURIComponent(event.id)}/poster.png?width=${width}`;
  const description = `${event.name}海报：${formatRange(event.startsAt, event.endsAt)}，${event.venue}`;
  return (
    <>
      <button
        type="button"
        className="poster-frame"
        aria-label={`查看海报大图：${description}`}
        onClick={() => setEnlarged(true)}
      >
        <img
          className="poster-image"
          src={source(720)}
          srcSet={POSTER_WIDTHS.map((width) => `${source(width)} ${width}w`).join(', ')}
          sizes="(max-width: 599px) min(32.6vh, 282px), min(31.5vh, 270px)"
          width={720}
          height={1280}
          loading="eager"
          decoding="async"
          alt={description}
          onError={() => setFailed(true)}
        />
      </button>
      <p className="poster-hint">点击海报查看大图</p>
      {enlarged && (
        <PosterViewer
          source={source(720)}
          description={description}
          onClose={() => setEnlarged(false)}
        />
      )}
    </>
  );
}

/**
 * Shows the poster full screen over the page, as a modal dialog that the close button, a tap
 * on the dark backdrop or the Escape key closes. The dialog takes the focus while open.
 */
function PosterViewer(props: { source: string; description: string; onClose: () => void }) {
  const { onClose } = props;
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeButton.current?.focus();
    const closeOnEscape = (keyEvent: KeyboardEvent) => {
      if (keyEvent.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', closeOnEscape);
    return () => document.removeEventListener('keydown', closeOnEscape);
  }, [onClose]);
  return createPortal(
    <div
      className="poster-viewer"
      role="dialog"
      aria-modal="true"
      aria-label="海报大图"
      onClick={(clickEvent) => {
        if (clickEvent.target === clickEvent.currentTarget) onClose();
      }}
    >
      <button ref={closeButton} type="button" className="poster-viewer-close" onClick={onClose}>
        关闭
      </button>
      <img className="poster-viewer-image" src={props.source} alt={props.description} />
    </div>,
    document.body,
  );
}

/** Draws a banner with the event's section, sport, date and district, in the section's colour. */
function Banner({ event }: { event: PublicEvent }) {
  return (
    // The name is the page heading right below, so the banner shows the sport and date instead.
    <div className={`poster poster-${event.section}`} aria-hidden="true">
      <span className="poster-sport">{SECTION_LABELS[event.section]}</span>
      <span className="poster-name">{event.sportName}</span>
      <span className="poster-date">
        {formatRange(event.startsAt, event.endsAt)} · {event.districtName}
      </span>
    </div>
  );
}

const GENDER_TEXT: Record<string, string> = { male: '限男性', female: '限女性' };

/** Describes a group's entry rules in one line, e.g. "个人 · 18–60 岁 · 限女性". */
function groupRules(group: {
  entryType: string;
  minAge: number | null;
  maxAge: number | null;
  gender: string;
  teamMin: number | null;
  teamMax: number | null;
}): string {
  const parts: string[] = [];
  if (group.entryType === 'team') {
    const size = teamSizeText(group.teamMin, group.teamMax);
    parts.push(size ? `团体 · ${size}` : '团体');
  } else {
    parts.push('个人');
  }
  if (group.minAge !== null && group.maxAge !== null)
    parts.push(`${group.minAge}–${group.maxAge} 岁`);
  else if (group.minAge !== null) parts.push(`${group.minAge} 岁以上`);
  else if (group.maxAge !== null) parts.push(`${group.maxAge} 岁以下`);
  if (GENDER_TEXT[group.gender]) parts.push(GENDER_TEXT[group.gender]!);
  return parts.join(' · ');
}

/**
 * Lists the groups with their rules and places. The name of an event's only, default group is a
 * placeholder, so it is left out. A full group with a waiting list gets its own button when
 * several can be joined. `closed` is set once registration has closed or the event is over.
 */
function GroupsPanel({
  eventId,
  waitingGroups,
  closed,
}: {
  eventId: string;
  waitingGroups: EventGroup[];
  closed: boolean;
}) {
  const navigate = useNavigate();
  const groups = useGroups(eventId);
  if (!groups.isSuccess || groups.data.length === 0) return null;
  const named = showsGroupName(groups.data);
  const joinable = new Set(waitingGroups.length > 1 ? waitingGroups.map((group) => group.id) : []);
  return (
    <section className="panel" aria-labelledby="event-groups-title">
      <h2 className="panel-title" id="event-groups-title">
        组别与名额
      </h2>
      <ul className="group-list">
        {groups.data.map((group) => (
          <li key={group.id} className="group-item">
            <div className="group-main">
              {named && <span className="group-name">{group.name}</span>}
              <span className="group-rules">
                {groupRules(group)} · {feeText(group.feeCents)}
              </span>
            </div>
            <GroupPlaces group={group} closed={closed} />
            {joinable.has(group.id) && (
              <Button
                className="group-waiting-button"
                size="small"
                color="primary"
                fill="outline"
                aria-label={`加入${group.name}候补`}
                onClick={() => navigate(registerPath(eventId, group))}
              >
                加入候补
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Shows a group's places out of its capacity: the places left, in the colour that invites to
 * register, or 已满. Once registration has closed, no place can be taken, so a group that is
 * not full shows its places taken in grey instead.
 */
function GroupPlaces({ group, closed }: { group: EventGroup; closed: boolean }) {
  const full = group.placesLeft <= 0;
  let text = `剩余 ${group.placesLeft}`;
  if (full) text = '已满';
  else if (closed) text = `已报名 ${group.capacity - group.placesLeft}`;
  return (
    <span className={full || closed ? 'group-places none' : 'group-places'}>
      {text}
      <span className="group-capacity"> / {group.capacity}</span>
    </span>
  );
}

/** Shows the event's link with a copy or share button and its QR code. */
function SharePanel({ event }: { event: PublicEvent }) {
  const link = `${window.location.origin}/events/${event.id}`;
  const [showQr, setShowQr] = useState(false);

  const share = async () => {
    if (navigator.share) {
      try {
        await navigator.share({ title: event.name, url: link });
        return;
      } catch {
        // The citizen closed the share sheet; copying below still helps.
      }
    }
    try {
      await navigator.clipboard.writeText(link);
      Toast.show({ content: '链接已复制' });
    } catch {
      Toast.show({ content: '请长按链接复制' });
    }
  };

  return (
    <section className="panel" aria-labelledby="event-share-title">
      <h2 className="panel-title" id="event-share-title">
        分享赛事
      </h2>
      <p className="share-link">{link}</p>
      <div className="share-actions">
        <Button size="middle" color="primary" fill="outline" onClick={() => void share()}>
          分享链接
        </Button>
        <Button size="middle" fill="outline" onClick={() => setShowQr((shown) => !shown)}>
          {showQr ? '收起二维码' : '赛事二维码'}
        </Button>
      </div>
      {showQr && (
        <div className="share-qr">
          <QrCode text={link} label={`${event.name} 的赛事二维码`} size={200} />
          <p className="ticket-hint">扫码打开赛事页面</p>
        </div>
      )}
    </section>
  );
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
