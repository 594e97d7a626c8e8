import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
  Row,
  Select,
  Space,
  Tag,
  type InputRef,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { ERROR_MESSAGES, consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { checkIn, fetchConsoleEvents } from '../endpoints';
import { queryKeys } from '../queries';
import { formatTime } from '../time';
import type { ConsoleEvent, Registration } from '../types';

// Published events are few per organiser; stop after this many pages to bound the requests.
const MAX_EVENT_PAGES = 10;
const RECENT_LIMIT = 10;

type Outcome =
  | { kind: 'checked_in'; registration: Registration }
  | { kind: 'already'; registration: Registration }
  | { kind: 'not_found'; code: string };

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

/** Normalises a typed or pasted registration code: no spaces, upper case. */
function normaliseCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

function OutcomeCard({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'not_found') {
    return (
      <Card
        className="console-check-in-result"
        style={{ background: '#fff2f0', borderColor: '#ffccc7' }}
        data-testid="check-in-result"
        role="alert"
      >
        <CloseCircleFilled style={{ color: '#ff4d4f' }} />
        <div className="console-check-in-verdict" style={{ color: '#cf1322', marginTop: 12 }}>
          {ERROR_MESSAGES.CHK_CODE_NOT_FOUND}
        </div>
        <div className="console-code" style={{ marginTop: 8 }}>
          {outcome.code}
        </div>
      </Card>
    );
  }

  const already = outcome.kind === 'already';
  const { registration } = outcome;
  return (
    <Card
      className="console-check-in-result"
      style={
        already
          ? { background: '#fff7e6', borderColor: '#ffd591' }
          : { background: '#f6ffed', borderColor: '#b7eb8f' }
      }
      data-testid="check-in-result"
      role="status"
    >
      {already ? (
        <ExclamationCircleFilled style={{ color: '#fa8c16' }} />
      ) : (
        <CheckCircleFilled style={{ color: '#52c41a' }} />
      )}
      <div className="console-check-in-name">{registration.name}</div>
      <div className="console-check-in-verdict" style={{ color: already ? '#d46b08' : '#389e0d' }}>
        {already ? '已签到' : '签到成功'}
      </div>
      <Space orientation="vertical" size={2} style={{ marginTop: 8 }}>
        <span>
          报名码 <span className="console-code">{registration.code}</span> · 手机{' '}
          {registration.phoneMasked}
        </span>
        {already && <span>签到时间 {formatTime(registration.checkedInAt)}</span>}
      </Space>
    </Card>
  );
}

/** On-site check-in: pick a published event, then type, paste or scan codes one after another. */
export function CheckInPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const [code, setCode] = useState('');
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
    requestedId && events.data?.some((event) => event.id === requestedId)
      ? requestedId
      : events.data?.length === 1
        ? events.data[0]?.id
        : undefined;

  const focusInput = () => window.setTimeout(() => inputRef.current?.focus(), 0);
  useEffect(() => {
    if (eventId) focusInput();
  }, [eventId]);

  function record(next: Outcome) {
    setOutcome(next);
    setRecent((previous) => [next, ...previous].slice(0, RECENT_LIMIT));
  }

  const submit = useMutation({
    mutationFn: (input: { eventId: string; code: string }) => checkIn(input.eventId, input.code),
    onSuccess: (result, input) => {
      record({
        kind: result.alreadyCheckedIn ? 'already' : 'checked_in',
        registration: result.registration,
      });
      void queryClient.invalidateQueries({ queryKey: queryKeys.registrations(input.eventId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
    },
    onError: (error, input) => {
      if (error instanceof ApiError && error.code === 'CHK_CODE_NOT_FOUND') {
        record({ kind: 'not_found', code: input.code });
      } else {
        setOutcome(null);
        message.error(consoleErrorMessage(error));
      }
    },
    onSettled: () => {
      setCode('');
      focusInput();
    },
  });

  function handleSubmit() {
    const normalised = normaliseCode(code);
    if (!eventId || !normalised || submit.isPending) return;
    submit.mutate({ eventId, code: normalised });
  }

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
                label="报名码"
                htmlFor="check-in-code"
                extra="输入或粘贴报名码后按回车，扫码枪扫描后会自动回车。"
              >
                <Space.Compact style={{ width: '100%' }}>
                  <Input
                    id="check-in-code"
                    ref={inputRef}
                    size="large"
                    value={code}
                    disabled={!eventId}
                    autoComplete="off"
                    placeholder={eventId ? '请输入报名码' : '请先选择赛事'}
                    onChange={(e) => setCode(e.target.value)}
                    onPressEnter={(e) => {
                      e.preventDefault();
                      handleSubmit();
                    }}
                  />
                  <Button
                    type="primary"
                    size="large"
                    onClick={handleSubmit}
                    disabled={!eventId || !code.trim()}
                    loading={submit.isPending}
                  >
                    签到
                  </Button>
                </Space.Compact>
              </Form.Item>
            </Form>
            {outcome && <OutcomeCard outcome={outcome} />}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title="本次签到记录">
            {recent.length === 0 ? (
              <Empty description="还没有签到" image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <List
                size="small"
                dataSource={recent}
                renderItem={(item) => (
                  <List.Item>
                    {item.kind === 'not_found' ? (
                      <>
                        <span className="console-code">{item.code}</span>
                        <Tag color="error">报名码无效</Tag>
                      </>
                    ) : (
                      <>
                        <span>
                          {item.registration.name}{' '}
                          <span className="console-code">{item.registration.code}</span>
                        </span>
                        {item.kind === 'already' ? (
                          <Tag color="warning">已签到</Tag>
                        ) : (
                          <Tag color="success">签到成功</Tag>
                        )}
                      </>
                    )}
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
