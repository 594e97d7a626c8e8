import { Button, ErrorBlock, Result, Skeleton } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { isNotFound } from '../../lib/messages';
import { fetchCitizenEntries, useCitizen } from '../citizen-api';
import { EntryActions } from '../components/EntryActions';
import { OfflineNotice } from '../components/OfflineNotice';
import { PageNavBar } from '../components/PageNavBar';
import { QueryError } from '../components/QueryError';
import { addressLine } from '../event-text';
import { QrCode } from '../components/QrCode';
import type { PublicEvent, Ticket } from '../events-api';
import { formatDateTime, formatRange } from '../format';
import { useTicket } from '../queries';
import { findTicket, rememberTicketDetails, type StoredTicket } from '../ticket-store';
import { useDocumentTitle } from '../use-document-title';
import type { TicketLocationState } from './RegisterPage';

function isTicketState(state: unknown): state is TicketLocationState {
  if (typeof state !== 'object' || state === null) return false;
  const registration = (state as { registration?: unknown }).registration;
  return typeof registration === 'object' && registration !== null;
}

/**
 * Ticket fields the page shows. Before GET /api/tickets/:code returns, only the fields of
 * the registration response or of the copy on this device are known.
 */
interface TicketView {
  code: string;
  eventId: string;
  eventName: string;
  phoneMasked: string;
  createdAt: string;
  event?: PublicEvent;
  /** Time and place remembered on this device, shown when `event` has not loaded. */
  startsAt?: string;
  endsAt?: string;
  place?: string;
  nameMasked?: string;
  status?: Ticket['status'];
  checkedInAt?: string | null;
  queuePosition?: number | null;
  offerHours?: number | null;
  eventCancelled?: boolean;
  eventCancelReason?: string | null;
}

function viewOfTicket(ticket: Ticket): TicketView {
  return {
    code: ticket.code,
    eventId: ticket.event.id,
    eventName: ticket.event.name,
    phoneMasked: ticket.phoneMasked,
    createdAt: ticket.createdAt,
    event: ticket.event,
    nameMasked: ticket.nameMasked,
    status: ticket.status,
    checkedInAt: ticket.checkedInAt,
    queuePosition: ticket.queuePosition,
    offerHours: ticket.offerHours,
    eventCancelled: ticket.eventCancelled,
    eventCancelReason: ticket.eventCancelReason,
  };
}

/**
 * Shows the ticket of one registration as the server has it now. Right after registering,
 * the router state carries the server's response, which is shown until the ticket loads.
 * A failed load falls back to that response or to the copy remembered on this device.
 */
export function TicketPage() {
  const { code = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  useDocumentTitle('报名凭证');
  const ticket = useTicket(code);
  const citizen = useCitizen();
  const entries = useQuery({
    queryKey: ['citizen', 'registrations'],
    queryFn: fetchCitizenEntries,
    enabled: Boolean(citizen.data),
  });
  const ownEntry = entries.data?.find((entry) => entry.code === code);

  const state = isTicketState(location.state) ? location.state.registration : undefined;
  const fresh = state?.code === code ? state : undefined;
  const stored: StoredTicket | undefined = findTicket(code);
  const known: TicketView | undefined = fresh ? { ...stored, ...fresh } : stored;

  useEffect(() => {
    if (ticket.data) rememberTicketDetails(ticket.data);
  }, [ticket.data]);

  let content: ReactNode;
  if (ticket.isSuccess) {
    content = (
      <>
        {ticket.data.offlineCopy && <OfflineNotice onRetry={() => void ticket.refetch()} />}
        <TicketCard view={viewOfTicket(ticket.data)} fresh={Boolean(fresh)} />
      </>
    );
  } else if (ticket.isError && isNotFound(ticket.error, ['REG_TICKET_NOT_FOUND'])) {
    content = <TicketNotFound code={code} />;
  } else if (known) {
    content = (
      <>
        {ticket.isError &&
          (navigator.onLine ? (
            <div className="form-alert" role="alert">
              报名状态加载失败，以下为本机保存的报名信息。
              <Button size="small" fill="none" onClick={() => void ticket.refetch()}>
                重新加载
              </Button>
            </div>
          ) : (
            <OfflineNotice onRetry={() => void ticket.refetch()} />
          ))}
        <TicketCard view={known} fresh={Boolean(fresh)} />
      </>
    );
  } else if (ticket.isError) {
    content = <QueryError error={ticket.error} onRetry={() => void ticket.refetch()} />;
  } else {
    content = (
      <section className="panel" aria-busy="true" aria-label="正在加载报名凭证">
        <Skeleton.Title animated />
        <Skeleton.Paragraph lineCount={5} animated />
      </section>
    );
  }

  return (
    <div className="page">
      <PageNavBar title="报名凭证" />
      <main className="page-body">
        {content}
        {ownEntry && <EntryActions entry={ownEntry} standalone />}
        <div className="ticket-actions">
          {/* A cancelled event has no public page to go to. */}
          {(ticket.data ?? known) && !(ticket.data?.eventCancelled ?? known?.eventCancelled) && (
            <Button
              block
              size="large"
              shape="rounded"
              onClick={() => navigate(`/events/${ticket.data?.event.id ?? known?.eventId}`)}
            >
              查看赛事详情
            </Button>
          )}
          <Button block size="large" shape="rounded" onClick={() => navigate('/tickets')}>
            我的报名
          </Button>
          <Button
            block
            size="large"
            shape="rounded"
            color="primary"
            fill="outline"
            onClick={() => navigate('/')}
          >
            返回首页
          </Button>
        </div>
      </main>
    </div>
  );
}

/**
 * Returns the ticket's headline. Right after registering it is 报名成功, unless the entry only
 * joined the waiting list: a waiting entrant must never read that they have a place.
 */
function ticketTitle(view: TicketView, fresh: boolean): string {
  if (view.eventCancelled) return '赛事已取消';
  if (view.status === 'cancelled') return '报名已取消';
  if (view.status === 'waiting') return '已进入候补名单';
  if (view.status === 'offered') return '候补名额待确认';
  if (fresh) return '报名成功';
  return view.checkedInAt ? '已签到' : '已报名';
}

function TicketCard({ view, fresh }: { view: TicketView; fresh: boolean }) {
  const cancelled = view.status === 'cancelled';
  const waiting = view.status === 'waiting' || view.status === 'offered';
  return (
    <section className="panel ticket">
      <Result
        status={cancelled ? 'warning' : waiting ? 'waiting' : 'success'}
        title={ticketTitle(view, fresh)}
        description={view.eventName}
      />
      {view.status === 'waiting' && (
        <p className="page-note" role="status">
          {view.queuePosition ? <strong>候补第 {view.queuePosition} 位。</strong> : null}
          {view.offerHours
            ? `有名额空出时将按顺序以短信通知，请在 ${view.offerHours} 小时内用报名手机号登录，在「我的报名」中确认递补，逾期名额将让给下一位。`
            : '有名额空出时将按顺序自动递补，并以短信通知。'}
        </p>
      )}
      {view.checkedInAt && (
        <p className="ticket-checked-in" role="status">
          已于 {formatDateTime(view.checkedInAt)} 签到
        </p>
      )}
      <dl className="facts ticket-facts">
        {view.event ? (
          <>
            <TicketFact label="比赛时间">
              {formatRange(view.event.startsAt, view.event.endsAt)}
            </TicketFact>
            <TicketFact label="比赛地点">{addressLine(view.event)}</TicketFact>
          </>
        ) : (
          <>
            {view.startsAt && view.endsAt && (
              <TicketFact label="比赛时间">{formatRange(view.startsAt, view.endsAt)}</TicketFact>
            )}
            {view.place && <TicketFact label="比赛地点">{view.place}</TicketFact>}
          </>
        )}
        {view.nameMasked && <TicketFact label="报名人">{view.nameMasked}</TicketFact>}
        <TicketFact label="手机号">{view.phoneMasked}</TicketFact>
        <TicketFact label="报名时间">{formatDateTime(view.createdAt)}</TicketFact>
      </dl>
      <div className="ticket-code-label">报名码</div>
      <div className="ticket-code" aria-label={`报名码 ${view.code}`}>
        {view.code}
      </div>
      {view.eventCancelled ? (
        <p className="ticket-hint ticket-hint-cancelled">
          {view.eventCancelReason
            ? `主办方已取消本次赛事，原因：${view.eventCancelReason}。此报名不能用于签到`
            : '主办方已取消本次赛事，此报名不能用于签到'}
        </p>
      ) : cancelled ? (
        <p className="ticket-hint ticket-hint-cancelled">此报名已取消，不能用于签到</p>
      ) : waiting ? (
        // A waiting entry has no place, so it gets no check-in code until it is promoted.
        <p className="ticket-hint">
          {view.status === 'offered'
            ? '确认候补名额后显示签到二维码'
            : '候补中的报名暂不能签到，递补成功后将显示签到二维码'}
        </p>
      ) : (
        <TicketQr code={view.code} checkedIn={Boolean(view.checkedInAt)} />
      )}
    </section>
  );
}

function TicketFact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function TicketNotFound({ code }: { code: string }) {
  return (
    <ErrorBlock
      status="empty"
      title="未找到该报名凭证"
      description={`报名码 ${code} 不存在，请核对链接或在「我的报名」中查看`}
    />
  );
}

/** Shows the check-in QR code, drawn on the phone so that it shows without a network. */
function TicketQr({ code, checkedIn }: { code: string; checkedIn: boolean }) {
  return (
    <>
      <div className="ticket-qr">
        <QrCode text={code} label={`报名码 ${code} 的签到二维码`} />
      </div>
      <p className="ticket-hint">
        {checkedIn ? '已完成签到，无需再次出示' : '签到时请出示此二维码，无网络时也可打开'}
      </p>
    </>
  );
}
