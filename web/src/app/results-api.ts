import type { ResultStatus } from '@cityleague/domain';
import { api } from '../lib/api';

/** One line of an event's public result list; the name is masked by the server. */
export interface PublicResult {
  nameMasked: string;
  groupName: string;
  status: ResultStatus;
  rank: number | null;
  time: string | null;
  score: string | null;
  text: string;
}

export interface PublicResultPage {
  event: { id: string; name: string; startsAt: string };
  publishedAt: string;
  groups: { id: string; name: string; count: number }[];
  items: PublicResult[];
  nextCursor: string | null;
}

/** A certificate as the public verification confirms it. */
export interface VerifiedCertificate {
  code: string;
  name: string;
  eventId: string;
  eventName: string;
  groupName: string;
  result: string;
  date: string;
  issuedAt: string;
}

/** One of the signed-in citizen's own published results. */
export interface OwnResult {
  registrationId: string;
  eventId: string;
  eventName: string;
  startsAt: string | null;
  groupName: string;
  status: ResultStatus;
  text: string;
  certificateCode: string | null;
  publishedAt: string;
}

/**
 * Fetches a page of an event's public results, of one group or all. `lookup` is an entrant's
 * exact full name or registration code, which keeps only that entrant's lines.
 */
export function fetchPublicResults(
  eventId: string,
  groupId: string | null,
  cursor: string | null,
  lookup: string | null = null,
) {
  const params = new URLSearchParams({ limit: '50' });
  if (groupId) params.set('groupId', groupId);
  if (lookup) params.set('q', lookup);
  if (cursor) params.set('cursor', cursor);
  return api<PublicResultPage>(
    `/api/events/${encodeURIComponent(eventId)}/results?${params.toString()}`,
  );
}

export function verifyCertificate(code: string) {
  return api<VerifiedCertificate>(`/api/certificates/${encodeURIComponent(code)}`);
}

export function fetchOwnResults() {
  return api<{ items: OwnResult[] }>('/api/citizen/results');
}

/** Path of a certificate file of the signed-in citizen. */
export function certificateFilePath(code: string, format: 'png' | 'pdf'): string {
  return `/api/citizen/certificates/${encodeURIComponent(code)}/certificate.${format}`;
}
