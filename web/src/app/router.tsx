import { createBrowserRouter, matchPath, Outlet, ScrollRestoration } from 'react-router-dom';
import { HomePage } from './pages/HomePage';
import { prefetchEventPage } from './query-client';

/** Renders the phone-width column that contains every page, centred on wide screens. */
function AppShell() {
  return (
    <div className="app-shell">
      <Outlet />
      <ScrollRestoration />
    </div>
  );
}

// The home page is in the first script; every other page loads as a chunk of its own, so the
// first screen downloads only what it shows.
/** Renders the loading screen of index.html again while the first page's code downloads. */
function AppLoading() {
  return (
    <div className="app-loading">
      <div className="app-loading-title">城市业余联赛</div>
      <div role="status">正在加载…</div>
    </div>
  );
}

// An event page opened from a shared link requests its data before the router requests the
// page's code. The browser sends at most six requests to the server at a time, and the data is
// what the page waits for last.
const openedEvent = matchPath('/events/:id', window.location.pathname);
if (openedEvent?.params.id) prefetchEventPage(openedEvent.params.id);

export const router = createBrowserRouter([
  {
    element: <AppShell />,
    HydrateFallback: AppLoading,
    children: [
      { path: '/', element: <HomePage /> },
      {
        path: '/search',
        lazy: () => import('./pages/SearchPage').then((m) => ({ Component: m.SearchPage })),
      },
      {
        path: '/calendar',
        lazy: () => import('./pages/CalendarPage').then((m) => ({ Component: m.CalendarPage })),
      },
      {
        path: '/events/:id',
        // The router runs the loader and `lazy` together, so the event's data and the page's
        // code download in parallel.
        loader: ({ params }) => {
          if (params.id) prefetchEventPage(params.id);
          return null;
        },
        lazy: () =>
          import('./pages/EventDetailPage').then((m) => ({ Component: m.EventDetailPage })),
      },
      {
        path: '/events/:id/register',
        lazy: () => import('./pages/RegisterPage').then((m) => ({ Component: m.RegisterPage })),
      },
      {
        path: '/tickets',
        lazy: () => import('./pages/MyTicketsPage').then((m) => ({ Component: m.MyTicketsPage })),
      },
      {
        path: '/tickets/:code',
        lazy: () => import('./pages/TicketPage').then((m) => ({ Component: m.TicketPage })),
      },
      {
        path: '/login',
        lazy: () => import('./pages/SignInPage').then((m) => ({ Component: m.SignInPage })),
      },
      {
        path: '/me',
        lazy: () => import('./pages/ProfilePage').then((m) => ({ Component: m.ProfilePage })),
      },
      {
        path: '*',
        lazy: () => import('./pages/NotFoundPage').then((m) => ({ Component: m.NotFoundPage })),
      },
      {
        path: '/events/:id/results',
        lazy: () => import('./pages/ResultsPage').then((m) => ({ Component: m.ResultsPage })),
      },
      {
        path: '/certificates',
        lazy: () =>
          import('./pages/CertificatePage').then((m) => ({ Component: m.CertificatePage })),
      },
      {
        path: '/certificates/:code',
        lazy: () =>
          import('./pages/CertificatePage').then((m) => ({ Component: m.CertificatePage })),
      },
      {
        path: '/events/:id/on-site',
        lazy: () => import('./pages/OnSitePage').then((m) => ({ Component: m.OnSitePage })),
      },
      {
        path: '/events/:id/team',
        lazy: () =>
          import('./pages/TeamRegisterPage').then((m) => ({ Component: m.TeamRegisterPage })),
      },
      {
        path: '/events/:id/teams/:teamId',
        lazy: () => import('./pages/TeamPage').then((m) => ({ Component: m.TeamPage })),
      },
      {
        path: '/teams',
        lazy: () => import('./pages/MyTeamsPage').then((m) => ({ Component: m.MyTeamsPage })),
      },
    ],
  },
]);
