import { createBrowserRouter, Outlet, ScrollRestoration } from 'react-router-dom';
import { HomePage } from './pages/HomePage';

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
export const router = createBrowserRouter([
  {
    element: <AppShell />,
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
