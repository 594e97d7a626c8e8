import type { EventState } from '@cityleague/domain';
import { api } from '../lib/api';
import type {
  CheckInResult,
  ConsoleEvent,
  ConsoleEventDetail,
  Dashboard,
  Division,
  EventInput,
  Me,
  Page,
  RegistrationPage,
  Sport,
} from './types';

/** Builds a query string from the defined, non-empty parameters, with a leading '?'. */
function query(params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value) search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const eventPath = (id: string) => `/api/console/events/${encodeURIComponent(id)}`;

export const signIn = (username: string, password: string) =>
  api<Me>('/api/session', { method: 'POST', body: { username, password } });

export const signOut = () => api<void>('/api/session', { method: 'DELETE' });

export const fetchMe = () => api<Me>('/api/me');

export const changePassword = (currentPassword: string, newPassword: string) =>
  api<Me>('/api/me/password', { method: 'POST', body: { currentPassword, newPassword } });

export const fetchSports = () => api<Sport[]>('/api/sports');

export const fetchDistricts = () => api<Division[]>('/api/divisions?level=district');

export const fetchChildDivisions = (parentCode: string) =>
  api<Division[]>(`/api/divisions${query({ parent: parentCode })}`);

export const fetchDivision = (code: string) =>
  api<Division>(`/api/divisions/${encodeURIComponent(code)}`);

export const fetchConsoleEvents = (state: EventState | undefined, cursor: string | null) =>
  api<Page<ConsoleEvent>>(`/api/console/events${query({ state, cursor })}`);

export const fetchConsoleEvent = (id: string) => api<ConsoleEventDetail>(eventPath(id));

export const createEvent = (input: EventInput) =>
  api<ConsoleEvent>('/api/console/events', { method: 'POST', body: input });

export const updateEvent = (id: string, input: Partial<EventInput>) =>
  api<ConsoleEvent>(eventPath(id), { method: 'PATCH', body: input });

export const submitEvent = (id: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/submit`, { method: 'POST' });

export const publishEvent = (id: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/publish`, { method: 'POST' });

export const fetchReviews = () => api<{ items: ConsoleEvent[] }>('/api/reviews');

export const approveEvent = (id: string) =>
  api<ConsoleEvent>(`/api/reviews/${encodeURIComponent(id)}/approve`, { method: 'POST' });

export const returnEvent = (id: string, reason: string) =>
  api<ConsoleEvent>(`/api/reviews/${encodeURIComponent(id)}/return`, {
    method: 'POST',
    body: { reason },
  });

export const fetchRegistrations = (eventId: string, cursor: string | null) =>
  api<RegistrationPage>(`${eventPath(eventId)}/registrations${query({ cursor })}`);

export const revealRegistrationPhone = (eventId: string, registrationId: string) =>
  api<{ field: 'phone'; value: string }>(
    `${eventPath(eventId)}/registrations/${encodeURIComponent(registrationId)}/reveal`,
    { method: 'POST', body: { field: 'phone' } },
  );

export const checkIn = (eventId: string, code: string) =>
  api<CheckInResult>(`${eventPath(eventId)}/check-ins`, { method: 'POST', body: { code } });

export const fetchDashboard = (division: string | undefined) =>
  api<Dashboard>(`/api/dashboard${query({ division })}`);
