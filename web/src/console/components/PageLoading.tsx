import { Button, Result, Spin } from 'antd';

/** Shows a spinner in a page's place while the page's code loads. */
export function PageLoading() {
  return (
    <div className="console-page-loading" aria-busy="true" aria-label="页面加载中">
      <Spin size="large" />
    </div>
  );
}

/**
 * Replaces a route that threw while rendering. Most often its code failed to load, because
 * the network is down or a new release removed the old files, so a reload fetches them anew.
 */
export function RouteError() {
  return (
    <Result
      status="error"
      title="页面加载失败"
      subTitle="请检查网络后刷新页面。"
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          刷新页面
        </Button>
      }
    />
  );
}
