import { createBrowserRouter, Outlet, ScrollRestoration } from 'react-router-dom';
import { EventDetailPage } from './pages/EventDetailPage';
import { HomePage } from './pages/HomePage';
import { MyTicketsPage } from './pages/MyTicketsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OnSitePage } from './pages/OnSitePage';
import { ProfilePage } from './pages/ProfilePage';
import { RegisterPage } from './pages/RegisterPage';
import { SignInPage } from './pages/SignInPage';
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
      { path: '/events/:id/on-site', element: <OnSitePage /> },
      { path: '/tickets', element: <MyTicketsPage /> },
      { path: '/tickets/:code', element: <TicketPage /> },
      { path: '/login', element: <SignInPage /> },
      { path: '/me', element: <ProfilePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
