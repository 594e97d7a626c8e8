import { reportPeriodDates, type ReportPeriod } from '@cityleague/domain';

// Asia/Shanghai is UTC+8 all year, without daylight saving time.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The note after the cut-off time of a report whose period has not ended. */
export const PERIOD_IN_PROGRESS_NOTE = '统计期间尚未结束，之后的变化不在本报告内';

/** Formats an instant as Asia/Shanghai wall-clock time in Chinese: 2026年12月5日 11:30. */
export function shanghaiDateTime(instant: Date): string {
  const wall = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${wall.getUTCFullYear()}年${wall.getUTCMonth() + 1}月${wall.getUTCDate()}日`;
  return `${date} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}

/** Tells whether a report period has not ended at `instant`, in Asia/Shanghai. */
export function isPeriodInProgress(period: ReportPeriod, instant: Date): boolean {
  const { until } = reportPeriodDates(period);
  return instant.getTime() < Date.parse(`${until}T00:00:00+08:00`);
}
