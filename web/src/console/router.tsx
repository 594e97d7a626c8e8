import { createBrowserRouter, Navigate } from 'react-router-dom';
import { ConsoleLayout, HomeRedirect, RequireMenu } from './layout/ConsoleLayout';
import { CheckInPage } from './pages/CheckInPage';
import { DashboardPage } from './pages/DashboardPage';
import { EventDetailPage } from './pages/EventDetailPage';
import { EventFormPage } from './pages/EventFormPage';
import { EventListPage } from './pages/EventListPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RegistrationsPage } from './pages/RegistrationsPage';
import { ReviewQueuePage } from './pages/ReviewQueuePage';

/** Builds the console's routes under /console; the server returns the console page for every /console/* path. */
export function createConsoleRouter() {
  return createBrowserRouter(
    [
      { path: '/login', element: <LoginPage /> },
      {
        path: '/',
        element: <ConsoleLayout />,
        children: [
          { index: true, element: <HomeRedirect /> },
          {
            path: 'dashboard',
            element: (
              <RequireMenu menus={['dashboard']}>
                <DashboardPage />
              </RequireMenu>
            ),
          },
          {
            path: 'events',
            element: (
              <RequireMenu menus={['events']}>
                <EventListPage />
              </RequireMenu>
            ),
          },
          {
            path: 'events/new',
            element: (
              <RequireMenu menus={['filing']}>
                <EventFormPage />
              </RequireMenu>
            ),
          },
          {
            path: 'events/:id',
            element: (
              <RequireMenu menus={['events', 'reviews']}>
                <EventDetailPage />
              </RequireMenu>
            ),
          },
          {
            path: 'events/:id/edit',
            element: (
              <RequireMenu menus={['filing']}>
                <EventFormPage />
              </RequireMenu>
            ),
          },
          {
            path: 'events/:id/registrations',
            element: (
              <RequireMenu menus={['events']}>
                <RegistrationsPage />
              </RequireMenu>
            ),
          },
          {
            path: 'reviews',
            element: (
              <RequireMenu menus={['reviews']}>
                <ReviewQueuePage />
              </RequireMenu>
            ),
          },
          {
            path: 'check-in',
            element: (
              <RequireMenu menus={['check_in']}>
                <CheckInPage />
              </RequireMenu>
            ),
          },
          { path: 'index.html', element: <Navigate to="/" replace /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
    { basename: '/console' },
  );
}
