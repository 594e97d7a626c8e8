import { Button } from 'antd-mobile';
import { useSyncExternalStore } from 'react';

/**
 * Says that the page shows tickets saved on this phone, because there is no network. The QR
 * codes still check in, but a status may be older than the server's.
 */
export function OfflineNotice({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="offline-notice" role="status">
      <strong>当前离线，显示的是已保存的电子票</strong>
      <span>签到二维码仍可使用，报名状态可能不是最新。</span>
      <Button size="small" fill="outline" onClick={onRetry}>
        联网后刷新
      </Button>
    </div>
  );
}

function subscribeToNetwork(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** Tells whether the browser reports a network, and re-renders when that changes. */
export function useOnline(): boolean {
  return useSyncExternalStore(subscribeToNetwork, () => navigator.onLine);
}
