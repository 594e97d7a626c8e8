import { Button, ErrorBlock } from 'antd-mobile';
import { errorMessage } from '../../lib/messages';

/** Shows a failed load with the reason in Chinese and a retry button. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <ErrorBlock status="disconnected" title="加载失败" description={errorMessage(error)}>
      <Button color="primary" size="large" onClick={onRetry}>
        重新加载
      </Button>
    </ErrorBlock>
  );
}
