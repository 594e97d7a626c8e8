import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, ErrorBlock } from 'antd-mobile';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { fetchCitizenEntries, useCitizen, type CitizenEntry } from '../citizen-api';
import { EntryActions } from '../components/EntryActions';
import { MyResults } from '../components/MyResults';
import { OfflineNotice, useOnline } from '../components/OfflineNotice';
import { PageNavBar } from '../components/PageNavBar';
import { formatDateTime } from '../format';
import { saveTicketsForOffline } from '../offline-tickets';
import { forgetTickets, loadTickets, type StoredTicket } from '../ticket-store';
import { useDocumentTitle } from '../use-document-title';

/** One line of "my registrations", from this device, the citizen's account, or both. */
interface TicketRow {
  key: string;
  code: string | null;
  eventName: string;
  startsAt: string | null;
  status: string;
  /** Time of on-site check-in, when the account or the device copy has it. */
  checkedInAt: string | null;
  detail: string;
  /** The masked entrant of an entry the citizen submitted for someone else; absent otherwise. */
  entrant?: string;
  /** The account's entry behind the row, which the citizen may cancel; absent for device copies. */
  entry?: CitizenEntry;
}

const STATUS_TEXT: Record<string, string> = {
  active: '已报名',
  waiting: '候补中',
  offered: '候补转正待确认',
  cancelled: '已取消',
};

/**
 * Returns the status shown for a row. An event that has started shows 已签到 for a checked-in
 * entry and 已结束 for any other entry that was not cancelled, because 已报名 or 候补中 no
 * longer means anything once it is under way.
 */
function statusText(row: TicketRow, past: boolean): string {
  if (past && row.checkedInAt) return '已签到';
  if (past && row.status !== 'cancelled') return '已结束';
  return STATUS_TEXT[row.status] ?? row.status;
}

/** Status class of a row, for its colour; see `statusText`. */
function statusClass(row: TicketRow, past: boolean): string {
  if (past && row.checkedInAt) return 'status-checked-in';
  if (past && row.status !== 'cancelled') return 'status-ended';
  return `status-${row.status}`;
}

function rowOfStored(ticket: StoredTicket): TicketRow {
  return {
    key: ticket.code,
    code: ticket.code,
    eventName: ticket.eventName,
    startsAt: ticket.startsAt ?? null,
    status: ticket.status ?? 'active',
    checkedInAt: ticket.checkedInAt ?? null,
    detail: `${ticket.phoneMasked} · ${formatDateTime(ticket.createdAt)} 报名`,
  };
}

function rowOfEntry(entry: CitizenEntry): TicketRow {
  const queue = entry.queuePosition ? `候补第 ${entry.queuePosition} 位` : '';
  const parts = [
    entry.showGroupName ? entry.groupName : '',
    entry.teamId !== null ? '团体报名' : '',
    queue,
    `${formatDateTime(entry.createdAt)} 报名`,
  ];
  return {
    key: entry.code ?? entry.id,
    code: entry.code,
    eventName: entry.eventName,
    startsAt: entry.startsAt,
    status: entry.status,
    checkedInAt: entry.checkedInAt,
    detail: parts.filter((part) => part !== '').join(' · '),
    ...(entry.forOther
      ? { entrant: `${entry.entrantNameMasked} ${entry.entrantPhoneMasked}` }
      : {}),
    entry,
  };
}

/**
 * Merges the account's entries with the tickets remembered on this device; the account's
 * copy wins for a ticket in both. Device tickets keep the list working without a network.
 */
function mergeRows(entries: CitizenEntry[] | undefined, stored: StoredTicket[]): TicketRow[] {
  const rows = new Map<string, TicketRow>();
  for (const ticket of stored) rows.set(ticket.code, rowOfStored(ticket));
  for (const entry of entries ?? []) {
    const row = rowOfEntry(entry);
    const known = rows.get(row.key);
    rows.set(row.key, {
      ...row,
      startsAt: row.startsAt ?? known?.startsAt ?? null,
      checkedInAt: row.checkedInAt ?? known?.checkedInAt ?? null,
    });
  }
  return [...rows.values()];
}

/** Lists the citizen's registrations, upcoming and past, with links to their tickets. */
export function MyTicketsPage() {
  useDocumentTitle('我的报名');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const citizen = useCitizen();
  const signedIn = Boolean(citizen.data);
  const online = useOnline();
  const entries = useQuery({
    queryKey: ['citizen', 'registrations'],
    queryFn: fetchCitizenEntries,
    // Offline the session check fails, but the service worker may still hold the last list,
    // which it clears at sign-out. Without a saved list the load fails and only the tickets
    // stored on this device show.
    enabled: signedIn || (!online && citizen.isError),
  });
  const [stored, setStored] = useState(loadTickets);
  const [tab, setTab] = useState('upcoming');

  useEffect(() => {
    if (!online || !signedIn || !entries.data) return;
    void saveTicketsForOffline(queryClient, entries.data);
  }, [online, signedIn, entries.data, queryClient]);

  const now = new Date().toISOString();
  const rows = mergeRows(entries.data, stored);
  // Cancelled entries get a tab of their own, so that the other two count live entries only.
  const live = rows.filter((row) => row.status !== 'cancelled');
  const upcoming = live
    .filter((row) => row.startsAt === null || row.startsAt >= now)
    .sort((a, b) => (a.startsAt ?? '9').localeCompare(b.startsAt ?? '9'));
  const past = live
    .filter((row) => row.startsAt !== null && row.startsAt < now)
    .sort((a, b) => (b.startsAt ?? '').localeCompare(a.startsAt ?? ''));
  const cancelled = rows
    .filter((row) => row.status === 'cancelled')
    .sort((a, b) => (b.startsAt ?? '').localeCompare(a.startsAt ?? ''));
  const rowsByTab: Record<string, TicketRow[]> = { upcoming, past, cancelled };
  const shownRows = rowsByTab[tab] ?? upcoming;

  const clear = async () => {
    const confirmed = await Dialog.confirm({
      title: '清除本机记录',
      content: '只清除本机保存的报名记录，已报名的赛事不受影响。',
      confirmText: '清除',
      cancelText: '取消',
    });
    if (!confirmed) return;
    forgetTickets();
    setStored([]);
  };

  return (
    <div className="page">
      <PageNavBar title="我的报名" />
      <main className="page-body">
        {!signedIn && citizen.isSuccess && (
          <p className="page-note">
            <Link to="/login?next=/tickets">登录</Link>后可查看在其他设备上的报名
          </p>
        )}
        {!online && (
          <OfflineNotice
            onRetry={() => {
              void citizen.refetch();
              void entries.refetch();
            }}
          />
        )}
        {entries.isError && online && (
          <p className="page-note" role="status">
            无法加载账号中的报名，以下为本机保存的记录
          </p>
        )}
        <MyResults />
        {rows.length === 0 ? (
          <ErrorBlock
            status="empty"
            title={online ? '还没有报名记录' : '本机没有保存的报名记录'}
            description={online ? '报名成功后，报名凭证会保存在这里' : '联网后可查看账号中的报名'}
          >
            <Button color="primary" size="large" onClick={() => navigate('/')}>
              去看看赛事
            </Button>
          </ErrorBlock>
        ) : (
          <>
            <TicketTabs
              active={tab}
              onChange={setTab}
              tabs={[
                { key: 'upcoming', title: `即将开始（${upcoming.length}）` },
                { key: 'past', title: `已结束（${past.length}）` },
                ...(cancelled.length > 0
                  ? [{ key: 'cancelled', title: `已取消（${cancelled.length}）` }]
                  : []),
              ]}
            />
            <TicketRows rows={shownRows} past={tab === 'past'} />
            <Link className="team-login-link" to="/teams">
              我作为队长报名的队伍
            </Link>
            {stored.length > 0 && (
              <Button className="clear-tickets" fill="none" onClick={() => void clear()}>
                清除本机记录
              </Button>
            )}
          </>
        )}
      </main>
    </div>
  );
}

/**
 * Renders the tabs above the list. They wrap onto a second line when a large font leaves no
 * room, where antd-mobile's Tabs would scroll and cut the last tab at the screen's edge.
 */
function TicketTabs({
  tabs,
  active,
  onChange,
}: {
  tabs: { key: string; title: string }[];
  active: string;
  onChange: (key: string) => void;
}) {
  // Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const index = tabs.findIndex((tab) => tab.key === active);
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (!next) return;
    onChange(next.key);
    event.currentTarget.querySelector<HTMLElement>(`[data-key="${next.key}"]`)?.focus();
  };
  return (
    <div className="ticket-tabs" role="tablist" aria-label="报名分类" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.key}
          type="button"
          role="tab"
          data-key={tab.key}
          aria-selected={tab.key === active}
          tabIndex={tab.key === active ? 0 : -1}
          className={tab.key === active ? 'ticket-tab active' : 'ticket-tab'}
          onClick={() => onChange(tab.key)}
        >
          {tab.title}
        </button>
      ))}
    </div>
  );
}

function TicketRows({ rows, past }: { rows: TicketRow[]; past: boolean }) {
  if (rows.length === 0) return <p className="page-note">暂无记录</p>;
  return (
    <ul className="ticket-list" aria-label="报名记录">
      {rows.map((row) => {
        const body = (
          <>
            <span className="ticket-item-head">
              <span className="ticket-item-event">{row.eventName}</span>
              <span className={`ticket-status ${statusClass(row, past)}`}>
                {statusText(row, past)}
              </span>
            </span>
            {row.startsAt && (
              <span className="ticket-item-time">比赛时间 {formatDateTime(row.startsAt)}</span>
            )}
            {row.code && <span className="ticket-item-code">报名码 {row.code}</span>}
            {row.entrant && (
              <span className="ticket-item-meta ticket-item-entrant">
                为他人报名 · {row.entrant}
              </span>
            )}
            <span className="ticket-item-meta">{row.detail}</span>
          </>
        );
        return (
          <li key={row.key}>
            {row.code ? (
              <Link to={`/tickets/${encodeURIComponent(row.code)}`} className="ticket-item">
                {body}
              </Link>
            ) : (
              <div className="ticket-item">{body}</div>
            )}
            {row.entry && <EntryActions entry={row.entry} />}
          </li>
        );
      })}
    </ul>
  );
}
