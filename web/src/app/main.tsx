import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider, unstableSetRender } from 'antd-mobile';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import { queryClient } from './query-client';
import { router } from './router';
// After the library imports, so that these rules come later in the bundle than antd-mobile's.
import './app.css';

// antd-mobile 5 mounts Toast and Dialog with the legacy ReactDOM.render, which React 19
// removed, so this hands it createRoot instead.
const imperativeRoots = new WeakMap<Element | DocumentFragment, Root>();
unstableSetRender((node, container) => {
  const root = imperativeRoots.get(container) ?? createRoot(container);
  imperativeRoots.set(container, root);
  root.render(node);
  return async () => {
    // React warns when a root unmounts synchronously during a render, so wait a tick.
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    imperativeRoots.delete(container);
  };
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <ConfigProvider locale={zhCN}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ConfigProvider>
  </StrictMode>,
);

// The service worker caches the app and the tickets it shows, so that a ticket opens without
// a network. Development builds skip it, because Vite serves changing files.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // NOTE: without a service worker the app works online only; nothing else depends on it.
    });
  });
}
