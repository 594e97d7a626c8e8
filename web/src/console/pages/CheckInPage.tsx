import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Row,
  Select,
  Space,
  Tag,
  type InputRef,
} from 'antd';
import {
  CHECK_IN_OPENS_HOURS_BEFORE_START,
  checkInWindow,
  containsEmoji,
  parseTicketInput,
  TICKET_TEXT_MAX_LENGTH,
  type CheckInWindow,
} from '@cityleague/domain';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { ERROR_MESSAGES, consoleErrorMessage } from '../../lib/messages';
import { CameraScanner } from '../check-in/CameraScanner';
import { CheckInStatsCard } from '../check-in/CheckInStatsCard';
import { useCheckInSync } from '../check-in/use-check-in-sync';
import {
  loadDevice,
  randomId,
  saveGate,
  scanOffline,
  type DeviceSettings,
} from '../check-in/offline-store';
import { PageTitle } from '../components/PageTitle';
import { EMOJI_MESSAGE } from '../text-rules';
import { checkIn, fetchConsoleEvents, fetchOnSiteLink } from '../endpoints';
import { queryKeys } from '../queries';
import { BUSINESS_TIME_ZONE, formatTime } from '../time';
import type { CheckInPlace, ConsoleEvent } from '../types';

// Published events are few per organiser; stop after this many pages to bound the requests.
const MAX_EVENT_PAGES = 10;
const RECENT_LIMIT = 10;

/** Outcome of one scan as the page shows it. */
interface Outcome {
  kind: 'checked_in' | 'repeat' | 'rejected';
  /** Full name online, masked name offline. */
  name: string | null;
  code: string;
  place: { at: string; gate: string } | null;
  /** Catalogue code of a rejection. */
  error?: string;
  /** Message of a rejection found on this device, in place of the catalogue's. */
  message?: string;
  offline: boolean;
}

async function fetchAllPublishedEvents(): Promise<ConsoleEvent[]> {
  const events: ConsoleEvent[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const result = await fetchConsoleEvents('published', cursor);
    events.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return events;
}

/** Returns "已于 09:14 由 2号入口 签到" for a check-in; the date is added when it is not today. */
export function describeCheckIn(place: { at: string; gate: string }): string {
  const at = dayjs(place.at).tz(BUSINESS_TIME_ZONE);
  const today = dayjs().tz(BUSINESS_TIME_ZONE).format('YYYY-MM-DD');
  const time = at.format('YYYY-MM-DD') === today ? at.format('HH:mm') : at.format('M月D日 HH:mm');
  return `已于 ${time} 由 ${place.gate || '未命名入口'} 签到`;
}

function networkTitle(online: boolean, pending: number): string {
  if (!online) return `离线签到中，${pending} 条待同步`;
  if (pending > 0) return `在线，${pending} 条离线签到待同步`;
  return '在线签到';
}

/** The position of the current time relative to an event's check-in window. */
type WindowPhase = 'before' | 'open' | 'after';

function windowPhase(scanWindow: CheckInWindow, now: number): WindowPhase {
  if (now < scanWindow.opensAt.getTime()) return 'before';
  if (now > scanWindow.closesAt.getTime()) return 'after';
  return 'open';
}

const WINDOW_CLOSED_TEXT: Record<Exclude<WindowPhase, 'open'>, string> = {
  before: `尚未到签到时间，赛事开始前 ${CHECK_IN_OPENS_HOURS_BEFORE_START} 小时起可以签到`,
  after: '签到已结束，赛事结束后不能再签到',
};

/** Returns the current time in milliseconds, updated every 30 seconds. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function codePlaceholder(hasEvent: boolean, hasGate: boolean, phase: WindowPhase): string {
  if (!hasEvent) return '请先选择赛事';
  if (!hasGate) return '请先填写本机入口';
  if (phase === 'before') return '尚未到签到时间';
  if (phase === 'after') return '签到已结束';
  return '请输入报名码';
}

/**
 * Shows an event's check-in window and, outside it, why scanning is off. The server checks
 * every scan against the same window, so a device with a wrong clock still gets its rejection.
 */
function CheckInWindowAlert(props: { scanWindow: CheckInWindow; phase: WindowPhase }) {
  const { scanWindow, phase } = props;
  return (
    <Alert
      type={phase === 'open' ? 'info' : 'warning'}
      showIcon
      data-testid="check-in-window"
      style={{ marginBottom: 16 }}
      title={`签到时间：${formatTime(scanWindow.opensAt.toISOString())} 至 ${formatTime(
        scanWindow.closesAt.toISOString(),
      )}`}
      description={phase === 'open' ? undefined : WINDOW_CLOSED_TEXT[phase]}
    />
  );
}

// A typed or scanned text that is neither a registration code nor a signed ticket.
const INVALID_CODE_MESSAGE = '报名码格式不正确：报名码为 10 位字母和数字，请核对后重新输入';

function rejectionText(outcome: Outcome): string {
  return outcome.message ?? ((outcome.error && ERROR_MESSAGES[outcome.error]) || '签到失败');
}

function OutcomeCard({ outcome }: { outcome: Outcome }) {
  const styles = {
    checked_in: { background: '#f6ffed', borderColor: '#b7eb8f', color: '#389e0d' },
    repeat: { background: '#fff7e6', borderColor: '#ffd591', color: '#d46b08' },
    rejected: { background: '#fff2f0', borderColor: '#ffccc7', color: '#cf1322' },
  }[outcome.kind];
  const icon = {
    checked_in: <CheckCircleFilled style={{ color: '#52c41a' }} />,
    repeat: <ExclamationCircleFilled style={{ color: '#fa8c16' }} />,
    rejected: <CloseCircleFilled style={{ color: '#ff4d4f' }} />,
  }[outcome.kind];
  const verdict = {
    checked_in: outcome.offline ? '签到成功（离线）' : '签到成功',
    repeat: '已签到',
    rejected: rejectionText(outcome),
  }[outcome.kind];

  return (
    <Card
      className="console-check-in-result"
      style={{ background: styles.background, borderColor: styles.borderColor }}
      data-testid="check-in-result"
      role={outcome.kind === 'rejected' ? 'alert' : 'status'}
    >
      {icon}
      {outcome.name && <div className="console-check-in-name">{outcome.name}</div>}
      <div className="console-check-in-verdict" style={{ color: styles.color }}>
        {verdict}
      </div>
      <Space orientation="vertical" size={2} style={{ marginTop: 8 }}>
        {outcome.kind === 'repeat' && outcome.place && (
          <span data-testid="check-in-repeat">{describeCheckIn(outcome.place)}</span>
        )}
        <span className="console-code">{outcome.code}</span>
        {outcome.offline && outcome.kind !== 'rejected' && <span>联网后将自动同步到服务器</span>}
      </Space>
    </Card>
  );
}

function placeOf(checkIn: CheckInPlace | null) {
  return checkIn ? { at: checkIn.at, gate: checkIn.gate } : null;
}

/** Shows the event's on-site registration QR code for printing or a second screen. */
function OnSiteButton({ eventId }: { eventId: string }) {
  const [open, setOpen] = useState(false);
  const link = useQuery({
    queryKey: ['on-site-link', eventId],
    queryFn: () => fetchOnSiteLink(eventId),
    enabled: open,
    staleTime: Infinity,
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>现场报名二维码</Button>
      <Modal
        title="现场报名二维码"
        open={open}
        onCancel={() => setOpen(false)}
        footer={<Button onClick={() => window.print()}>打印</Button>}
      >
        <p>比赛当天，未报名的市民扫描此码即可现场报名，报名成功即完成签到。名额已满时不能报名。</p>
        {link.isError && <Alert type="error" showIcon title={consoleErrorMessage(link.error)} />}
        {link.data && (
          <div style={{ textAlign: 'center' }}>
            <img
              alt="现场报名二维码"
              width={240}
              height={240}
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(link.data.qrSvg)}`}
            />
            <Input readOnly value={link.data.url} style={{ marginTop: 8 }} />
          </div>
        )}
      </Modal>
    </>
  );
}

/**
 * On-site check-in on a phone or a desk: pick a published event, name this device's gate, then
 * scan tickets with the camera or type codes. Without a network the page checks tickets
 * against the downloaded list and syncs the scans when the network returns.
 */
export function CheckInPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const [device, setDevice] = useState<DeviceSettings>(loadDevice);
  const [gateDraft, setGateDraft] = useState(device.gate);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [recent, setRecent] = useState<Outcome[]>([]);
  const inputRef = useRef<InputRef>(null);

  const events = useQuery({
    queryKey: [...queryKeys.consoleEvents, 'published', 'all-pages'],
    queryFn: fetchAllPublishedEvents,
  });
  const eventOptions = (events.data ?? []).map((event) => ({
    value: event.id,
    label: `${event.name}（${formatTime(event.startsAt)}）`,
  }));
  const requestedId = searchParams.get('event');
  const eventId =
    requestedId && (events.data?.some((event) => event.id === requestedId) || events.isError)
      ? requestedId
      : events.data?.length === 1
        ? events.data[0]?.id
        : undefined;

  const sync = useCheckInSync(eventId, device.deviceId);
  const now = useNow();
  const selected = events.data?.find((event) => event.id === eventId);
  const scanWindow = selected ? checkInWindow(selected.startsAt, selected.endsAt) : undefined;
  // Without the event's times (its list failed to load) the server alone checks the window.
  const phase = scanWindow ? windowPhase(scanWindow, now) : 'open';

  const focusInput = () => window.setTimeout(() => inputRef.current?.focus(), 0);
  useEffect(() => {
    if (eventId && device.gate) focusInput();
  }, [eventId, device.gate]);

  function record(next: Outcome) {
    setOutcome(next);
    setRecent((previous) => [next, ...previous].slice(0, RECENT_LIMIT));
  }

  async function scanWhileOffline(targetEventId: string, text: string, nonce: string) {
    const result = await scanOffline(targetEventId, text, {
      nonce,
      gate: device.gate,
      scannedAt: new Date().toISOString(),
    });
    sync.refreshPending();
    if (result.kind === 'no_list') {
      message.error('离线名单未下载，联网后点击“下载离线名单”');
      return;
    }
    const ticket = 'ticket' in result ? result.ticket : undefined;
    const place = ticket?.checkedInAt ? { at: ticket.checkedInAt, gate: ticket.gate ?? '' } : null;
    record({
      kind: result.kind,
      name: ticket?.nameMasked ?? null,
      code: text.trim().toUpperCase(),
      place,
      error: result.kind === 'rejected' ? result.code : undefined,
      offline: true,
    });
  }

  async function submit(text: string) {
    const trimmed = text.trim();
    if (!eventId || !trimmed || !device.gate || busy || phase !== 'open') return;
    if (parseTicketInput(trimmed).kind === 'invalid') {
      // The server would reject it too, but this message explains what a valid code looks like.
      record({
        kind: 'rejected',
        name: null,
        code: trimmed.slice(0, TICKET_TEXT_MAX_LENGTH),
        place: null,
        error: 'CHK_TICKET_INVALID',
        message: INVALID_CODE_MESSAGE,
        offline: false,
      });
      setCode('');
      focusInput();
      return;
    }
    const nonce = randomId();
    setBusy(true);
    try {
      if (!sync.online) {
        await scanWhileOffline(eventId, trimmed, nonce);
        return;
      }
      const result = await checkIn(eventId, {
        code: trimmed,
        nonce,
        deviceId: device.deviceId,
        gate: device.gate,
      });
      record({
        kind: result.outcome === 'checked_in' ? 'checked_in' : 'repeat',
        name: result.registration.name,
        code: result.registration.code,
        place: placeOf(result.checkIn),
        offline: false,
      });
      void queryClient.invalidateQueries({ queryKey: ['check-in-stats', eventId] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.registrations(eventId) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) {
        // The request never reached the server: keep the scan on this device instead.
        await scanWhileOffline(eventId, trimmed, nonce);
      } else if (error instanceof ApiError && error.code.startsWith('CHK_')) {
        record({
          kind: 'rejected',
          name: null,
          code: trimmed,
          place: null,
          error: error.code,
          offline: false,
        });
        // The server counts rejected scans too, so 拒绝扫码 moves at once.
        void queryClient.invalidateQueries({ queryKey: ['check-in-stats', eventId] });
      } else {
        setOutcome(null);
        message.error(consoleErrorMessage(error));
      }
    } finally {
      setBusy(false);
      setCode('');
      focusInput();
    }
  }

  const ready = Boolean(eventId && device.gate) && phase === 'open';
  const gateHasEmoji = containsEmoji(gateDraft);
  const canSaveGate = !gateHasEmoji && gateDraft.trim() !== '' && gateDraft.trim() !== device.gate;

  return (
    <>
      <PageTitle title="现场签到" />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card>
            {events.isError && (
              <Alert
                type="error"
                showIcon
                title={consoleErrorMessage(events.error)}
                style={{ marginBottom: 16 }}
              />
            )}
            <Form layout="vertical" component="div">
              <Form.Item label="签到赛事" htmlFor="check-in-event">
                <Select
                  id="check-in-event"
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder="请选择已发布的赛事"
                  loading={events.isPending}
                  value={eventId}
                  options={eventOptions}
                  notFoundContent={events.isPending ? '加载中…' : '没有已发布的赛事'}
                  onChange={(value: string) => {
                    setOutcome(null);
                    setSearchParams({ event: value }, { replace: true });
                  }}
                />
              </Form.Item>
              <Form.Item
                label="本机入口名称"
                htmlFor="check-in-gate"
                extra="每台签到设备填写所在入口，重复签到时会提示首次签到的入口。"
                validateStatus={gateHasEmoji ? 'error' : undefined}
                help={gateHasEmoji ? `入口名称${EMOJI_MESSAGE}` : undefined}
              >
                <Space.Compact style={{ width: '100%' }}>
                  <Input
                    id="check-in-gate"
                    value={gateDraft}
                    maxLength={20}
                    placeholder="如：2号入口"
                    onChange={(e) => setGateDraft(e.target.value)}
                    onPressEnter={() => canSaveGate && setDevice(saveGate(gateDraft.trim()))}
                  />
                  <Button
                    disabled={!canSaveGate}
                    onClick={() => setDevice(saveGate(gateDraft.trim()))}
                  >
                    保存
                  </Button>
                </Space.Compact>
              </Form.Item>
              {eventId && (
                <Alert
                  type={sync.online && sync.pending === 0 ? 'success' : 'warning'}
                  showIcon
                  data-testid="check-in-network"
                  style={{ marginBottom: 16 }}
                  title={networkTitle(sync.online, sync.pending)}
                  description={
                    <Space orientation="vertical" size={8}>
                      <span>
                        {sync.list
                          ? `离线名单 ${sync.list.tickets.length} 人，下载于 ${formatTime(sync.list.generatedAt)}`
                          : '尚未下载离线名单，断网后将无法核验'}
                      </span>
                      <Space wrap>
                        <Button
                          size="small"
                          onClick={() => void sync.download()}
                          disabled={!sync.online}
                        >
                          下载离线名单
                        </Button>
                        <Button
                          size="small"
                          onClick={() => void sync.syncNow()}
                          disabled={!sync.online || sync.pending === 0}
                          loading={sync.syncing}
                        >
                          立即同步
                        </Button>
                      </Space>
                    </Space>
                  }
                />
              )}
              {scanWindow && <CheckInWindowAlert scanWindow={scanWindow} phase={phase} />}
              <Form.Item
                label="报名码"
                htmlFor="check-in-code"
                extra="扫描报名凭证二维码，或输入报名码后按回车；扫码枪扫描后会自动回车。"
              >
                <Space.Compact style={{ width: '100%' }}>
                  <Input
                    id="check-in-code"
                    ref={inputRef}
                    size="large"
                    value={code}
                    maxLength={TICKET_TEXT_MAX_LENGTH}
                    disabled={!ready}
                    autoComplete="off"
                    placeholder={codePlaceholder(Boolean(eventId), Boolean(device.gate), phase)}
                    onChange={(e) => setCode(e.target.value)}
                    onPressEnter={(e) => {
                      e.preventDefault();
                      void submit(code);
                    }}
                  />
                  <Button
                    type="primary"
                    size="large"
                    onClick={() => void submit(code)}
                    disabled={!ready || !code.trim()}
                    loading={busy}
                  >
                    签到
                  </Button>
                </Space.Compact>
              </Form.Item>
              {ready && <CameraScanner onScan={(text) => void submit(text)} />}
            </Form>
            {outcome && (
              <div style={{ marginTop: 16 }}>
                <OutcomeCard outcome={outcome} />
              </div>
            )}
            {sync.report && (
              <Alert
                style={{ marginTop: 16 }}
                type={sync.report.conflicts.length > 0 ? 'warning' : 'info'}
                showIcon
                data-testid="check-in-sync-report"
                title={`已同步 ${sync.report.synced} 条离线签到${
                  sync.report.conflicts.length > 0
                    ? `，${sync.report.conflicts.length} 条与其他设备冲突，以最早扫码为准`
                    : ''
                }${sync.report.rejected > 0 ? `，${sync.report.rejected} 条被拒绝` : ''}`}
                description={
                  sync.report.conflicts.length > 0 && (
                    <ul style={{ margin: 0, paddingLeft: 18 }}>
                      {sync.report.conflicts.map((conflict) => (
                        <li key={conflict.nonce}>
                          {conflict.name ?? conflict.code}：
                          {conflict.checkIn ? describeCheckIn(conflict.checkIn) : '已签到'}
                        </li>
                      ))}
                    </ul>
                  )
                }
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {eventId && <CheckInStatsCard eventId={eventId} pending={sync.pending} />}
            {eventId && <OnSiteButton eventId={eventId} />}
            <Card title="本机签到记录">
              {recent.length === 0 ? (
                <Empty description="还没有签到" image={Empty.PRESENTED_IMAGE_SIMPLE} />
              ) : (
                <List
                  size="small"
                  dataSource={recent}
                  renderItem={(item) => (
                    <List.Item>
                      <span>
                        {item.name ?? ''} <span className="console-code">{item.code}</span>
                      </span>
                      {item.kind === 'checked_in' && (
                        <Tag color="success">{item.offline ? '离线签到' : '签到成功'}</Tag>
                      )}
                      {item.kind === 'repeat' && <Tag color="warning">已签到</Tag>}
                      {item.kind === 'rejected' && <Tag color="error">拒绝</Tag>}
                    </List.Item>
                  )}
                />
              )}
            </Card>
          </Space>
        </Col>
      </Row>
    </>
  );
}
