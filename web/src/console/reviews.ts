import type { EventLevel, ReviewStep, Section } from '@cityleague/domain';
import { api } from '../lib/api';
import type { ConsoleEvent } from './types';

/** Kind of a queue item: a new filing or a change to an approved event. */
export type ReviewKind = 'filing' | 'change';

/** Filters of the review queue; an absent member does not filter. */
export interface ReviewFilter {
  kind?: ReviewKind;
  section?: Section;
  level?: EventLevel;
  sport?: string;
  /** Six-digit district code. */
  district?: string;
  /** Part of the event name. */
  q?: string;
  /** Only items that have waited at least this many whole days. */
  minDaysWaiting?: number;
}

/** The outcome of one filing in a batch approval; `code` names the error of a failure. */
export interface BatchResult {
  id: string;
  ok: boolean;
  code: string | null;
}

const reviewPath = (eventId: string) => `/api/reviews/${encodeURIComponent(eventId)}`;

function queueQuery(filter: ReviewFilter): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const fetchReviewQueue = (filter: ReviewFilter) =>
  api<{ items: ConsoleEvent[] }>(`/api/reviews${queueQuery(filter)}`);

export const recordReviewStep = (eventId: string, step: ReviewStep, note: string) =>
  api<ConsoleEvent>(`${reviewPath(eventId)}/steps/${step}`, { method: 'POST', body: { note } });

export const batchApprove = (ids: string[]) =>
  api<{ results: BatchResult[] }>('/api/reviews/batch-approve', { method: 'POST', body: { ids } });

export const approveChange = (eventId: string, changeId: string) =>
  api<ConsoleEvent>(`${reviewPath(eventId)}/changes/${encodeURIComponent(changeId)}/approve`, {
    method: 'POST',
  });

export const returnChange = (eventId: string, changeId: string, reason: string) =>
  api<ConsoleEvent>(`${reviewPath(eventId)}/changes/${encodeURIComponent(changeId)}/return`, {
    method: 'POST',
    body: { reason },
  });
