import { PaperClipOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Popconfirm, Space, Tag, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { downloadFile } from '../download';
import {
  cancelRegistration,
  entryFilePath,
  fetchRegistrationDetail,
  revealRegistrationField,
} from '../endpoints';
import { queryKeys } from '../queries';
import { ReasonModal } from './ReasonModal';
import { formatTime } from '../time';
import type { EntryAnswer, Registration } from '../types';

/** A revealed value goes back to its masked form after this many milliseconds. */
export const REVEAL_MS = 60_000;

const CANCEL_REASONS: Record<string, string> = {
  citizen: '本人取消',
  event_cancelled: '赛事取消',
  removed_from_team: '移出队伍',
  offer_expired: '递补名额逾期未确认',
};

/** Returns the stored reason of a cancellation in words; an organiser's reason follows 主办方取消. */
export function cancelReasonText(reason: string | null): string {
  if (reason === null) return '';
  if (reason.startsWith('organiser: ')) return `主办方取消：${reason.slice('organiser: '.length)}`;
  return CANCEL_REASONS[reason] ?? reason;
}

const CHANNEL_LABELS: Record<string, string> = {
  web: '线上报名',
  console: '后台录入',
  import: '线下导入',
  partner: '合作平台',
  on_site: '现场报名',
};

/**
 * Renders a masked value with a 查看 button. After a confirmation it fetches the full value,
 * which the server audits, and shows it for a minute. Only this element keeps it.
 */
export function RevealableValue(props: {
  eventId: string;
  registrationId: string;
  /** `phone`, or `answers.<key>` for a masked answer. */
  field: string;
  masked: string;
  title: string;
}) {
  const { message } = App.useApp();
  const [value, setValue] = useState<string | null>(null);
  const reveal = useMutation({
    mutationFn: () => revealRegistrationField(props.eventId, props.registrationId, props.field),
    onSuccess: (result) => setValue(result.value),
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  useEffect(() => {
    if (value === null) return undefined;
    const timer = setTimeout(() => setValue(null), REVEAL_MS);
    return () => clearTimeout(timer);
  }, [value]);

  if (value !== null) {
    return (
      <Space size={4} wrap>
        <span className="console-code">{value}</span>
        <Button type="link" size="small" onClick={() => setValue(null)}>
          隐藏
        </Button>
      </Space>
    );
  }
  return (
    <Space size={4} wrap>
      <span>{props.masked}</span>
      <Popconfirm
        title={props.title}
        description="仅用于赛事组织，查看记录将写入审计日志。"
        okText="查看"
        cancelText="取消"
        onConfirm={() => reveal.mutateAsync().catch(() => undefined)}
      >
        <Button type="link" size="small" loading={reveal.isPending}>
          查看
        </Button>
      </Popconfirm>
    </Space>
  );
}

/** Renders a download button for a file answer; the server checks access and audits it. */
function FileAnswer(props: { eventId: string; registrationId: string; answer: EntryAnswer }) {
  const { message } = App.useApp();
  const file = props.answer.file;
  const download = useMutation({
    mutationFn: () =>
      downloadFile(entryFilePath(props.eventId, props.registrationId, file!.id), file!.fileName),
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  if (!file) return <Typography.Text type="secondary">附件已删除</Typography.Text>;
  return (
    <Button
      type="link"
      size="small"
      icon={<PaperClipOutlined />}
      loading={download.isPending}
      onClick={() => download.mutate()}
      style={{ paddingInline: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
    >
      {file.fileName}
    </Button>
  );
}

/** Renders one answer: a file as its download, a masked answer with its reveal, else the text. */
export function AnswerValue(props: {
  eventId: string;
  registrationId: string;
  answer: EntryAnswer;
}): ReactNode {
  const { answer } = props;
  if (answer.type === 'file') return <FileAnswer {...props} />;
  if (answer.masked) {
    return (
      <RevealableValue
        eventId={props.eventId}
        registrationId={props.registrationId}
        field={`answers.${answer.key}`}
        masked={answer.text}
        title={`查看完整的“${answer.label}”？`}
      />
    );
  }
  return answer.text;
}

/** Lists an entry's answers in a table cell or card, one `label：value` line each. */
export function AnswerLines(props: { eventId: string; registration: Registration }) {
  const answers = props.registration.answers ?? [];
  if (answers.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <div className="entry-answer-lines">
      {answers.map((answer) => (
        <div key={answer.key} className="entry-answer-line">
          <Typography.Text type="secondary">{answer.label}：</Typography.Text>
          <AnswerValue
            eventId={props.eventId}
            registrationId={props.registration.id}
            answer={answer}
          />
        </div>
      ))}
    </div>
  );
}

/**
 * Cancels one entry with a reason that the entrant reads in the cancellation SMS. A place the
 * entry held goes to the next person on the waiting list in the same step.
 */
function CancelEntry(props: { eventId: string; registrationId: string; name: string }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const cancel = useMutation({
    mutationFn: (reason: string) => cancelRegistration(props.eventId, props.registrationId, reason),
    onSuccess: () => {
      message.success(`已取消「${props.name}」的报名`);
      setOpen(false);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
    // The list, the counters and this entry change, and a conflict means they changed already.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.registrations(props.eventId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.consoleEvent(props.eventId) }),
        queryClient.invalidateQueries({
          queryKey: ['console', 'events', props.eventId, 'registrations', props.registrationId],
        }),
      ]),
  });

  return (
    <div className="entry-cancel">
      <Button danger onClick={() => setOpen(true)}>
        取消该报名
      </Button>
      {open && (
        <ReasonModal
          title={`取消报名：${props.name}`}
          label="取消原因"
          okText="确认取消报名"
          danger
          extra="报名人将在取消短信中看到这段原因。名额将按顺序递补给候补人员。"
          pending={cancel.isPending}
          onSubmit={(reason) => cancel.mutate(reason)}
          onClose={() => setOpen(false)}
        />
      )}
    </div>
  );
}

/** Shows one entry in full in a drawer: identity masked, group, channel, times and answers. */
export function EntryDetailDrawer(props: {
  eventId: string;
  registrationId: string | null;
  onClose: () => void;
  width: number | string;
}) {
  const { eventId, registrationId } = props;
  const detail = useQuery({
    queryKey: ['console', 'events', eventId, 'registrations', registrationId],
    queryFn: () => fetchRegistrationDetail(eventId, registrationId!),
    enabled: registrationId !== null,
  });
  const entry = detail.data;

  return (
    <Drawer
      title={entry ? `报名详情：${entry.name}` : '报名详情'}
      open={registrationId !== null}
      onClose={props.onClose}
      width={props.width}
      loading={detail.isPending && registrationId !== null}
      destroyOnHidden
    >
      {detail.isError && (
        <Typography.Text type="danger" role="alert">
          {consoleErrorMessage(detail.error)}
        </Typography.Text>
      )}
      {entry && (
        <>
          <Descriptions column={1} size="small" bordered title="报名人">
            <Descriptions.Item label="报名码">
              <span className="console-code">{entry.code}</span>
            </Descriptions.Item>
            <Descriptions.Item label="姓名">{entry.name}</Descriptions.Item>
            <Descriptions.Item label="手机号">
              <RevealableValue
                eventId={eventId}
                registrationId={entry.id}
                field="phone"
                masked={entry.phoneMasked}
                title="查看完整手机号？"
              />
            </Descriptions.Item>
            <Descriptions.Item label="身份证号">{entry.idMasked ?? '未填写'}</Descriptions.Item>
            <Descriptions.Item label="组别">{entry.groupName}</Descriptions.Item>
            <Descriptions.Item label="报名渠道">
              {CHANNEL_LABELS[entry.channel] ?? entry.channel}
            </Descriptions.Item>
            <Descriptions.Item label="报名时间">{formatTime(entry.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="签到">
              {entry.checkedInAt ? (
                <Tag color="success">{formatTime(entry.checkedInAt)}</Tag>
              ) : (
                <Tag>未签到</Tag>
              )}
            </Descriptions.Item>
            {entry.guardianName && (
              <Descriptions.Item label="监护人">
                {entry.guardianName} {entry.guardianPhoneMasked}
              </Descriptions.Item>
            )}
            {entry.cancelledAt && (
              <Descriptions.Item label="取消">
                {formatTime(entry.cancelledAt)} {cancelReasonText(entry.cancelReason)}
              </Descriptions.Item>
            )}
          </Descriptions>
          {entry.status !== 'cancelled' && (
            <CancelEntry eventId={eventId} registrationId={entry.id} name={entry.name} />
          )}
          <Descriptions column={1} size="small" bordered title="报名表单" style={{ marginTop: 24 }}>
            {entry.answers.length === 0 && (
              <Descriptions.Item label="自定义项">未填写</Descriptions.Item>
            )}
            {entry.answers.map((answer) => (
              <Descriptions.Item key={answer.key} label={answer.label}>
                <AnswerValue eventId={eventId} registrationId={entry.id} answer={answer} />
              </Descriptions.Item>
            ))}
          </Descriptions>
        </>
      )}
    </Drawer>
  );
}
