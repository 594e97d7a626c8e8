import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import { ApiError } from '../lib/api';
import { PASSWORD_PATH } from './menus';
import { queryKeys } from './queries';
import { createConsoleRouter } from './router';
import { isSessionLost, shouldRetry } from './session';
import './time';
import './console.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, refetchOnWindowFocus: false },
  },
  queryCache: new QueryCache({ onError: handleError }),
  mutationCache: new MutationCache({ onError: handleError }),
});

const router = createConsoleRouter();

// Any 401 outside the sign-in form means the session is gone, so go to the sign-in page.
// The cache is cleared when the next account signs in: clearing it here would make the
// still-mounted pages refetch and collect more 401s before the navigation lands.
// ACC_PASSWORD_CHANGE_REQUIRED means the account still has an initial password.
function handleError(error: unknown): void {
  if (error instanceof ApiError && error.code === 'ACC_PASSWORD_CHANGE_REQUIRED') {
    void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    if (router.state.location.pathname !== PASSWORD_PATH) {
      void router.navigate(PASSWORD_PATH, { replace: true });
    }
    return;
  }
  if (!isSessionLost(error)) return;
  if (router.state.location.pathname === '/login') return;
  void router.navigate('/login', { replace: true });
}

const container = document.getElementById('root');
if (!container) throw new Error('The console page has no #root element');

createRoot(container).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
