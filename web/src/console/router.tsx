import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router-dom';
import { PageLoading, RouteError } from './components/PageLoading';
import { DocumentTitleOutlet } from './document-title';
import { ConsoleLayout, HomeRedirect, RequireMenu } from './layout/ConsoleLayout';
import { NotFoundPage } from './pages/NotFoundPage';

// Each page is a chunk of its own, loaded on first visit, so that the first load carries only
// the layout and the page it opens.
const AuditLogPage = lazy(() =>
  import('./pages/AuditLogPage').then((module) => ({ default: module.AuditLogPage })),
);
const AccountsPage = lazy(() =>
  import('./pages/AccountsPage').then((module) => ({ default: module.AccountsPage })),
);
const SecurityPage = lazy(() =>
  import('./pages/SecurityPage').then((module) => ({ default: module.SecurityPage })),
);
const CheckInPage = lazy(() =>
  import('./pages/CheckInPage').then((module) => ({ default: module.CheckInPage })),
);
const ContractsPage = lazy(() =>
  import('./pages/ContractsPage').then((module) => ({ default: module.ContractsPage })),
);
const DashboardPage = lazy(() =>
  import('./pages/DashboardPage').then((module) => ({ default: module.DashboardPage })),
);
const EventDetailPage = lazy(() =>
  import('./pages/EventDetailPage').then((module) => ({ default: module.EventDetailPage })),
);
const EventFormPage = lazy(() =>
  import('./pages/EventFormPage').then((module) => ({ default: module.EventFormPage })),
);
const EventListPage = lazy(() =>
  import('./pages/EventListPage').then((module) => ({ default: module.EventListPage })),
);
const LoginPage = lazy(() =>
  import('./pages/LoginPage').then((module) => ({ default: module.LoginPage })),
);
const ChangePasswordPage = lazy(() =>
  import('./pages/ChangePasswordPage').then((module) => ({ default: module.ChangePasswordPage })),
);
const PartnersPage = lazy(() =>
  import('./partners/PartnersPage').then((module) => ({ default: module.PartnersPage })),
);
const PartnerActivityPage = lazy(() =>
  import('./partners/PartnerActivityPage').then((module) => ({
    default: module.PartnerActivityPage,
  })),
);
const PartnerOversightPage = lazy(() =>
  import('./partners/PartnerOversightPage').then((module) => ({
    default: module.PartnerOversightPage,
  })),
);
const RegisterPage = lazy(() =>
  import('./pages/RegisterPage').then((module) => ({ default: module.RegisterPage })),
);
const PreReviewsPage = lazy(() =>
  import('./pages/PreReviewsPage').then((module) => ({ default: module.PreReviewsPage })),
);
const RegistrationRequestsPage = lazy(() =>
  import('./pages/RegistrationRequestsPage').then((module) => ({
    default: module.RegistrationRequestsPage,
  })),
);
const PosterPage = lazy(() =>
  import('./pages/PosterPage').then((module) => ({ default: module.PosterPage })),
);
const RegistrationFormPage = lazy(() =>
  import('./pages/RegistrationFormPage').then((module) => ({
    default: module.RegistrationFormPage,
  })),
);
const RegistrationsPage = lazy(() =>
  import('./pages/RegistrationsPage').then((module) => ({ default: module.RegistrationsPage })),
);
const ResultsPage = lazy(() =>
  import('./pages/ResultsPage').then((module) => ({ default: module.ResultsPage })),
);
const OutboxPage = lazy(() =>
  import('./pages/OutboxPage').then((module) => ({ default: module.OutboxPage })),
);
const ReportsPage = lazy(() =>
  import('./pages/ReportsPage').then((module) => ({ default: module.ReportsPage })),
);
const AlertsPage = lazy(() =>
  import('./pages/AlertsPage').then((module) => ({ default: module.AlertsPage })),
);
const AlertRulesPage = lazy(() =>
  import('./pages/AlertRulesPage').then((module) => ({ default: module.AlertRulesPage })),
);
const ReviewQueuePage = lazy(() =>
  import('./pages/ReviewQueuePage').then((module) => ({ default: module.ReviewQueuePage })),
);

/** Builds the console's routes under /console; the server returns the console page for every /console/* path. */
export function createConsoleRouter() {
  return createBrowserRouter(
    [
      {
        element: <DocumentTitleOutlet />,
        children: [
          {
            path: '/login',
            handle: { title: '登录' },
            element: (
              <Suspense fallback={<PageLoading />}>
                <LoginPage />
              </Suspense>
            ),
            errorElement: <RouteError />,
          },
          {
            path: '/register',
            handle: { title: '单位注册' },
            element: (
              <Suspense fallback={<PageLoading />}>
                <RegisterPage />
              </Suspense>
            ),
            errorElement: <RouteError />,
          },
          {
            path: '/',
            element: <ConsoleLayout />,
            errorElement: <RouteError />,
            children: [
              { index: true, element: <HomeRedirect /> },
              {
                path: 'dashboard',
                handle: { title: '数据看板' },
                element: (
                  <RequireMenu menus={['dashboard']}>
                    <DashboardPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events',
                handle: { title: '赛事列表' },
                element: (
                  <RequireMenu menus={['events']}>
                    <EventListPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events/new',
                handle: { title: '赛事填报' },
                element: (
                  <RequireMenu menus={['filing']}>
                    <EventFormPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events/:id',
                handle: { title: '赛事详情' },
                element: (
                  <RequireMenu menus={['events', 'reviews']}>
                    <EventDetailPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events/:id/edit',
                handle: { title: '修改赛事填报' },
                element: (
                  <RequireMenu menus={['filing']}>
                    <EventFormPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events/:id/registrations',
                handle: { title: '报名名单' },
                element: (
                  <RequireMenu menus={['events']}>
                    <RegistrationsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events/:id/results',
                handle: { title: '成绩管理' },
                element: (
                  <RequireMenu menus={['events']}>
                    <ResultsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events/:id/form',
                handle: { title: '报名表设置' },
                element: (
                  <RequireMenu menus={['events']}>
                    <RegistrationFormPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'events/:id/poster',
                handle: { title: '赛事海报' },
                element: (
                  <RequireMenu menus={['events']}>
                    <PosterPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'reviews',
                handle: { title: '审核队列' },
                element: (
                  <RequireMenu menus={['reviews']}>
                    <ReviewQueuePage />
                  </RequireMenu>
                ),
              },
              {
                path: 'check-in',
                handle: { title: '现场签到' },
                element: (
                  <RequireMenu menus={['check_in']}>
                    <CheckInPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'partners',
                handle: { title: '合作平台' },
                element: (
                  <RequireMenu menus={['partners']}>
                    <PartnersPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'partners/:id',
                handle: { title: '合作平台回调日志与对账' },
                element: (
                  <RequireMenu menus={['partners']}>
                    <PartnerActivityPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'partner-oversight',
                handle: { title: '合作平台监管' },
                element: (
                  <RequireMenu menus={['partner_oversight', 'partners']}>
                    <PartnerOversightPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'pre-reviews',
                handle: { title: '协会预审' },
                element: (
                  <RequireMenu menus={['pre_reviews']}>
                    <PreReviewsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'audit',
                handle: { title: '审计日志' },
                element: (
                  <RequireMenu menus={['audit']}>
                    <AuditLogPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'reports',
                handle: { title: '统计报表' },
                element: (
                  <RequireMenu menus={['reports']}>
                    <ReportsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'alerts',
                handle: { title: '异常预警' },
                element: (
                  <RequireMenu menus={['alerts']}>
                    <AlertsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'alert-rules',
                handle: { title: '预警规则' },
                element: (
                  <RequireMenu menus={['alert_rules']}>
                    <AlertRulesPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'contracts',
                handle: { title: '中标合同' },
                element: (
                  <RequireMenu menus={['contracts']}>
                    <ContractsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'accounts',
                handle: { title: '账号管理' },
                element: (
                  <RequireMenu menus={['accounts']}>
                    <AccountsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'accounts/requests',
                handle: { title: '注册申请' },
                element: (
                  <RequireMenu menus={['accounts']}>
                    <RegistrationRequestsPage />
                  </RequireMenu>
                ),
              },
              {
                path: 'outbox',
                handle: { title: '短信发送' },
                element: (
                  <RequireMenu menus={['outbox']}>
                    <OutboxPage />
                  </RequireMenu>
                ),
              },
              { path: 'password', handle: { title: '修改密码' }, element: <ChangePasswordPage /> },
              { path: 'security', handle: { title: '账号安全' }, element: <SecurityPage /> },
              { path: 'index.html', element: <Navigate to="/" replace /> },
              { path: '*', handle: { title: '页面不存在' }, element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
    { basename: '/console' },
  );
}
