/** Kinds of report: one month, one quarter, or the whole year. */
export const REPORT_KINDS = ['monthly', 'quarterly', 'annual'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_KIND_LABELS: Record<ReportKind, string> = {
  monthly: '月报',
  quarterly: '季报',
  annual: '年报',
};

/** Statuses of a report job: queued, running with a progress of 0 to 100, done or failed. */
export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  queued: '排队中',
  running: '生成中',
  done: '已完成',
  failed: '生成失败',
};

/** A report period: calendar months in Asia/Shanghai, `endMonth` included. */
export interface ReportPeriod {
  kind: ReportKind;
  year: number;
  /** First month of the period, 1 to 12. */
  startMonth: number;
  /** Last month of the period, 1 to 12, included. */
  endMonth: number;
  /** The period as written in requests: 2026-03, 2026-Q1 or 2026. */
  key: string;
  /** The period in Chinese: 2026年3月, 2026年第1季度 or 2026年度. */
  label: string;
}

const PERIOD_PATTERNS: Record<ReportKind, RegExp> = {
  monthly: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarterly: /^(\d{4})-Q([1-4])$/,
  annual: /^(\d{4})$/,
};

/** The years a report may cover; the league started long after 2000. */
export const REPORT_MIN_YEAR = 2000;
export const REPORT_MAX_YEAR = 2100;

/**
 * Parses the period of a report of `kind`: `2026-03` for a month, `2026-Q1` for a quarter,
 * `2026` for a year. Returns undefined when the text does not match the kind or the year is
 * outside REPORT_MIN_YEAR to REPORT_MAX_YEAR.
 */
export function parseReportPeriod(kind: ReportKind, text: string): ReportPeriod | undefined {
  const match = PERIOD_PATTERNS[kind].exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < REPORT_MIN_YEAR || year > REPORT_MAX_YEAR) return undefined;
  if (kind === 'monthly') {
    const month = Number(match[2]);
    return {
      kind,
      year,
      startMonth: month,
      endMonth: month,
      key: text,
      label: `${year}年${month}月`,
    };
  }
  if (kind === 'quarterly') {
    const quarter = Number(match[2]);
    const startMonth = quarter * 3 - 2;
    const label = `${year}年第${quarter}季度`;
    return { kind, year, startMonth, endMonth: startMonth + 2, key: text, label };
  }
  return { kind, year, startMonth: 1, endMonth: 12, key: text, label: `${year}年度` };
}

/** Returns the first day of the period and the first day after it, as YYYY-MM-DD dates. */
export function reportPeriodDates(period: ReportPeriod): { from: string; until: string } {
  const pad = (value: number) => String(value).padStart(2, '0');
  const from = `${period.year}-${pad(period.startMonth)}-01`;
  const nextYear = period.endMonth === 12 ? period.year + 1 : period.year;
  const nextMonth = period.endMonth === 12 ? 1 : period.endMonth + 1;
  return { from, until: `${nextYear}-${pad(nextMonth)}-01` };
}

/**
 * Returns the check-in rate in percent with one decimal: check-ins over registrations, or 0
 * when there are no registrations.
 */
export function checkInRate(checkIns: number, registrations: number): number {
  if (registrations <= 0) return 0;
  return Math.round((checkIns / registrations) * 1000) / 10;
}
