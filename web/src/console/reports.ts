import type { ReportKind, ReportStatus } from '@cityleague/domain';
import { api } from '../lib/api';
import { downloadFile } from './download';

/** A report of the archive, with its job's status and progress. */
export interface Report {
  id: string;
  /** The report's title, with the organisation's name when only its events count. */
  title: string;
  kind: ReportKind;
  period: string;
  periodLabel: string;
  division: { code: string; name: string };
  requestedBy: string;
  status: ReportStatus;
  progress: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  files: { xlsxBytes: number; pdfBytes: number } | null;
}

export const fetchReports = (cursor: string | null) =>
  api<{ items: Report[]; nextCursor: string | null }>(
    cursor ? `/api/reports?cursor=${encodeURIComponent(cursor)}` : '/api/reports',
  );

/**
 * Requests a report. `reused` is true when an identical report of the user was still queued or
 * running, which the server returns in place of a new one.
 */
export const requestReport = (input: { kind: ReportKind; period: string; division?: string }) =>
  api<Report & { reused: boolean }>('/api/reports', { method: 'POST', body: input });

export const downloadReport = (report: Report, format: 'xlsx' | 'pdf') =>
  downloadFile(
    `/api/reports/${encodeURIComponent(report.id)}/download?format=${format}`,
    `report.${format}`,
  );

/** Tells whether a report is still being generated, so the archive keeps polling. */
export function isPending(report: Report): boolean {
  return report.status === 'queued' || report.status === 'running';
}
