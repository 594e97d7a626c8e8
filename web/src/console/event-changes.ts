import { api } from '../lib/api';
import type { ConsoleEvent, EventInput, FilingDetails } from './types';

const eventPath = (id: string) => `/api/console/events/${encodeURIComponent(id)}`;

/** Details an organiser may change after approval; null clears an optional one. */
export type EventChangePatch = Partial<
  Omit<EventInput, 'level' | 'section' | 'sport' | 'contractId'> & {
    [K in keyof FilingDetails]: FilingDetails[K] | null;
  }
>;

export const cancelEvent = (id: string, reason: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/cancel`, { method: 'POST', body: { reason } });

/** Copies an event into a new draft of the caller's organisation and returns the draft. */
export const copyEvent = (id: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/copy`, { method: 'POST' });

export const requestChange = (id: string, patch: EventChangePatch, reason: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/changes`, { method: 'POST', body: { patch, reason } });

export const withdrawChange = (id: string, changeId: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/changes/${encodeURIComponent(changeId)}/withdraw`, {
    method: 'POST',
  });

/** Path of the QR code image of the event's page in the citizens' app. */
export const shareQrPath = (id: string) => `${eventPath(id)}/share-qr.svg`;
