import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../lib/api';

export type Gender = 'male' | 'female';

/** The signed-in citizen as GET /api/citizen/me returns it. */
export interface CitizenProfile {
  id: string;
  /** In full, for filling registration forms; only the citizen receives it. */
  phone: string;
  phoneMasked: string;
  realName: string | null;
  realNameMasked: string | null;
  idNumberMasked: string | null;
  idConsentAt: string | null;
  gender: Gender | null;
  birthDate: string | null;
  /** Sport codes chosen for recommendations. */
  favouriteSports: string[];
  /** District chosen for recommendations, or null for the whole city. */
  districtCode: string | null;
}

/** Body of PUT /api/citizen/profile: idNumber absent keeps the stored one, null removes it. */
export interface ProfileInput {
  realName: string;
  idNumber?: string | null;
  idConsent?: boolean;
  gender?: Gender | null;
  birthDate?: string | null;
}

export const GENDER_LABELS: Record<Gender, string> = { male: '男', female: '女' };

export const citizenKey = ['citizen', 'me'] as const;

export function requestSmsCode(phone: string) {
  return api<{ expiresInSeconds: number; resendAfterSeconds: number }>('/api/citizen/sms-codes', {
    method: 'POST',
    body: { phone },
  });
}

export function signInWithCode(phone: string, code: string) {
  return api<CitizenProfile>('/api/citizen/session', { method: 'POST', body: { phone, code } });
}

export function signOut() {
  return api<void>('/api/citizen/session', { method: 'DELETE' });
}

export function saveProfile(input: ProfileInput) {
  return api<CitizenProfile>('/api/citizen/profile', { method: 'PUT', body: input });
}

/** Stores the sports and district the citizen chose for recommendations. */
export function savePreferences(input: { favouriteSports: string[]; districtCode: string | null }) {
  return api<CitizenProfile>('/api/citizen/preferences', { method: 'PUT', body: input });
}

/** A registration of the signed-in citizen, as GET /api/citizen/registrations lists it. */
export interface CitizenEntry {
  id: string;
  eventId: string;
  eventName: string;
  startsAt: string | null;
  groupId: string;
  groupName: string;
  /** False for an event's only group when it is the default group, whose name means nothing. */
  showGroupName: boolean;
  /** The team of a team member's entry, which changes only with its team; null otherwise. */
  teamId: string | null;
  /** True when the signed-in citizen is the captain of the entry's team. */
  teamCaptain: boolean;
  /** True for an entry the citizen submitted for another person's mobile number. */
  forOther: boolean;
  entrantNameMasked: string;
  entrantPhoneMasked: string;
  status: string;
  code: string | null;
  queuePosition: number | null;
  offerExpiresAt: string | null;
  /** Time of on-site check-in, null before it. */
  checkedInAt: string | null;
  createdAt: string;
}

export async function fetchCitizenEntries(): Promise<CitizenEntry[]> {
  const body = await api<{ items: CitizenEntry[] }>('/api/citizen/registrations');
  return body.items;
}

/**
 * Cancels an entry the citizen manages, its own or one it submitted for someone else. The
 * server enforces the cancellation deadline.
 */
export function cancelOwnEntry(entry: Pick<CitizenEntry, 'id' | 'eventId'>): Promise<unknown> {
  return api(
    `/api/citizen/events/${encodeURIComponent(entry.eventId)}/registrations/${encodeURIComponent(entry.id)}/cancel`,
    { method: 'POST' },
  );
}

/** Accepts the place offered to one of the citizen's waiting entries. */
export function acceptOwnOffer(entry: Pick<CitizenEntry, 'id' | 'eventId'>): Promise<unknown> {
  return api(
    `/api/citizen/events/${encodeURIComponent(entry.eventId)}/registrations/${encodeURIComponent(entry.id)}/accept`,
    { method: 'POST' },
  );
}

/** Loads the signed-in citizen; resolves to null when no citizen is signed in on this device. */
async function fetchCitizen(): Promise<CitizenProfile | null> {
  try {
    return await api<CitizenProfile>('/api/citizen/me');
  } catch (error) {
    if (error instanceof ApiError && error.code === 'CIT_SESSION_REQUIRED') return null;
    throw error;
  }
}

/** Query options of the signed-in citizen, shared by `useCitizen` and route prefetches. */
export const citizenQuery = queryOptions({
  queryKey: citizenKey,
  queryFn: fetchCitizen,
  staleTime: 60_000,
});

export function useCitizen() {
  return useQuery(citizenQuery);
}

/** Keeps a post-sign-in target inside the app, so a crafted link cannot send users elsewhere. */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/me';
  return next;
}
