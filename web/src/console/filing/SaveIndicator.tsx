import { CheckCircleOutlined, ExclamationCircleOutlined, LoadingOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import dayjs from 'dayjs';
import { consoleErrorMessage } from '../../lib/messages';
import { BUSINESS_TIME_ZONE } from '../time';
import type { SaveStatus } from './use-filing-autosave';

const clock = (at: Date) => dayjs(at).tz(BUSINESS_TIME_ZONE).format('HH:mm:ss');

/** Shows the state of the autosave: waiting, saving, the last save's time, or its error. */
export function SaveIndicator(props: {
  status: SaveStatus;
  /** The hint shown before a new filing's first save, naming what it still needs. */
  startHint: string;
  onRetry: () => void;
}) {
  const { status, onRetry } = props;
  let content;
  let tone = 'secondary';
  switch (status.kind) {
    case 'not_started':
      content = props.startHint;
      break;
    case 'idle':
      content = '所有修改已保存';
      break;
    case 'pending':
      content = '有修改待保存';
      break;
    case 'saving':
      content = (
        <>
          <LoadingOutlined /> 保存中…
        </>
      );
      break;
    case 'saved':
      tone = status.skipped.length > 0 ? 'warning' : 'success';
      content = (
        <>
          {status.skipped.length > 0 ? <ExclamationCircleOutlined /> : <CheckCircleOutlined />}{' '}
          已自动保存 {clock(status.at)}
          {status.skipped.length > 0 && `，${status.skipped.length} 项有误未保存`}
        </>
      );
      break;
    case 'failed':
      tone = 'danger';
      content = (
        <>
          <ExclamationCircleOutlined /> 保存失败：{consoleErrorMessage(status.error)}
          <Button type="link" size="small" onClick={onRetry}>
            重试
          </Button>
        </>
      );
      break;
  }
  return (
    <span
      className={`filing-save-status filing-save-status-${tone}`}
      role="status"
      aria-live="polite"
      data-testid="save-status"
    >
      {content}
    </span>
  );
}
