import { Button, Result, Space } from 'antd';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { CONSOLE_ERROR_MESSAGES, consoleErrorMessage, isNotFound } from '../../lib/messages';
import { firstMenuPath } from '../menus';
import { useMe } from '../queries';

/**
 * Replaces a page whose event failed to load. An unknown or malformed id gets a not-found
 * page, a refusal (403) a no-access page, and anything else an error with a retry.
 */
export function EventLoadError(props: { error: unknown; onRetry: () => void; title?: string }) {
  const me = useMe();
  const navigate = useNavigate();
  const listPath = me.menus.includes('events') ? '/events' : firstMenuPath(me);
  const backToList = (
    <Button type="primary" onClick={() => navigate(listPath)}>
      返回赛事列表
    </Button>
  );

  if (isNotFound(props.error, ['EVT_NOT_FOUND'])) {
    return (
      <Result
        status="404"
        title="找不到该赛事"
        subTitle={CONSOLE_ERROR_MESSAGES.EVT_NOT_FOUND}
        extra={backToList}
      />
    );
  }
  if (props.error instanceof ApiError && props.error.status === 403) {
    return (
      <Result
        status="403"
        title={props.title ?? '无权查看'}
        subTitle={consoleErrorMessage(props.error)}
        extra={backToList}
      />
    );
  }
  return (
    <Result
      status="error"
      title="加载失败"
      subTitle={consoleErrorMessage(props.error)}
      extra={
        <Space wrap>
          <Button type="primary" onClick={props.onRetry}>
            重新加载
          </Button>
          <Button onClick={() => navigate(listPath)}>返回赛事列表</Button>
        </Space>
      }
    />
  );
}
