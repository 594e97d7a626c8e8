import { createBrowserRouter, Outlet, ScrollRestoration } from 'react-router-dom';
import { EventDetailPage } from './pages/EventDetailPage';
import { HomePage } from './pages/HomePage';
import { MyTeamsPage } from './pages/MyTeamsPage';
import { MyTicketsPage } from './pages/MyTicketsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ProfilePage } from './pages/ProfilePage';
import { RegisterPage } from './pages/RegisterPage';
import { SignInPage } from './pages/SignInPage';
import { TeamPage } from './pages/TeamPage';
import { TeamRegisterPage } from './pages/TeamRegisterPage';
import { TicketPage } from './pages/TicketPage';

/** Renders the phone-width column that contains every page, centred on wide screens. */
function AppShell() {
  return (
    <div className="app-shell">
      <Outlet />
      <ScrollRestoration />
    </div>
  );
}

export const router = createBrowserRouter([
  {
    element: <AppShell />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/events/:id', element: <EventDetailPage /> },
      { path: '/events/:id/register', element: <RegisterPage /> },
      { path: '/events/:id/team', element: <TeamRegisterPage /> },
      { path: '/events/:id/teams/:teamId', element: <TeamPage /> },
      { path: '/teams', element: <MyTeamsPage /> },
      { path: '/tickets', element: <MyTicketsPage /> },
      { path: '/tickets/:code', element: <TicketPage /> },
      { path: '/login', element: <SignInPage /> },
      { path: '/me', element: <ProfilePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
