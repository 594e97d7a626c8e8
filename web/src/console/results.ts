import type { ResultStatus } from '@cityleague/domain';
import { api } from '../lib/api';

/** A result as the API returns it. */
export interface ResultView {
  status: ResultStatus;
  rank: number | null;
  time: string | null;
  score: string | null;
  text: string;
}

/** An active entry of the event with its result, for the organiser. */
export interface ResultEntry {
  registrationId: string;
  code: string;
  name: string;
  groupId: string;
  groupName: string;
  result: ResultView | null;
  certificateCode: string | null;
}

export interface ResultPage {
  items: ResultEntry[];
  nextCursor: string | null;
  groups: { id: string; name: string }[];
  counts: { entries: number; results: number; finishers: number };
  publishedAt: string | null;
}

export interface ResultRowError {
  row: number;
  column: string;
  code: string;
  reason: string;
}

export interface ResultImport {
  id: string;
  fileName: string;
  status: 'dry_run' | 'committed';
  summary: {
    rows: number;
    valid: number;
    invalid: number;
    new: number;
    changed: number;
    unchanged: number;
  };
  errors: ResultRowError[];
  rows: {
    row: number;
    code: string;
    name: string;
    groupName: string;
    result: string;
    status: 'new' | 'changed' | 'unchanged';
  }[];
}

export type CertificateLayout = 'classic' | 'modern' | 'simple';
export type CertificateColour = 'red' | 'blue' | 'green' | 'gold';

export interface CertificateDesign {
  layout: CertificateLayout;
  colour: CertificateColour;
  hasBackground: boolean;
}

export const LAYOUT_LABELS: Record<CertificateLayout, string> = {
  classic: '经典边框',
  modern: '通栏标题',
  simple: '简约侧条',
};

export const COLOUR_LABELS: Record<CertificateColour, string> = {
  red: '中国红',
  blue: '海军蓝',
  green: '松石绿',
  gold: '香槟金',
};

const eventPath = (eventId: string) => `/api/console/events/${encodeURIComponent(eventId)}`;

export const resultTemplatePath = (eventId: string) =>
  `${eventPath(eventId)}/results/template.xlsx`;

export const certificatePreviewPath = (eventId: string) =>
  `${eventPath(eventId)}/certificate-preview.png`;

export function fetchResults(eventId: string, groupId: string | null, cursor: string | null) {
  const params = new URLSearchParams({ limit: '50' });
  if (groupId) params.set('groupId', groupId);
  if (cursor) params.set('cursor', cursor);
  return api<ResultPage>(`${eventPath(eventId)}/results?${params.toString()}`);
}

export function saveResult(
  eventId: string,
  registrationId: string,
  input: { status: ResultStatus; rank: number | null; time: string | null; score: string | null },
) {
  return api<{ registrationId: string; result: ResultView }>(
    `${eventPath(eventId)}/results/${encodeURIComponent(registrationId)}`,
    { method: 'PUT', body: input },
  );
}

export function deleteResult(eventId: string, registrationId: string) {
  return api<void>(`${eventPath(eventId)}/results/${encodeURIComponent(registrationId)}`, {
    method: 'DELETE',
  });
}

export function publishResults(eventId: string) {
  return api<{ publishedAt: string; alreadyPublished: boolean; results: number }>(
    `${eventPath(eventId)}/results/publish`,
    { method: 'POST' },
  );
}

export function dryRunResultImport(eventId: string, fileName: string, content: string) {
  return api<ResultImport>(`${eventPath(eventId)}/result-imports`, {
    method: 'POST',
    body: { fileName, content },
  });
}

export function commitResultImport(eventId: string, importId: string) {
  return api<ResultImport>(
    `${eventPath(eventId)}/result-imports/${encodeURIComponent(importId)}/commit`,
    { method: 'POST' },
  );
}

export function fetchCertificateDesign(eventId: string) {
  return api<CertificateDesign>(`${eventPath(eventId)}/certificate-design`);
}

export function saveCertificateDesign(
  eventId: string,
  input: { layout: CertificateLayout; colour: CertificateColour; background?: string | null },
) {
  return api<CertificateDesign>(`${eventPath(eventId)}/certificate-design`, {
    method: 'PUT',
    body: input,
  });
}
