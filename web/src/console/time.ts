import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import 'dayjs/locale/zh-cn';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale('zh-cn');

/** The league's business time zone; every time on screen is shown in it. */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
export const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';

/** Formats an ISO 8601 instant as Shanghai wall time, or a dash when it is missing. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return dayjs(iso).tz(BUSINESS_TIME_ZONE).format(DATE_TIME_FORMAT);
}

/** Formats an instant as Shanghai wall time to the second, for times that may be close apart. */
export function formatTimeToSecond(iso: string | null | undefined): string {
  if (!iso) return '-';
  return dayjs(iso).tz(BUSINESS_TIME_ZONE).format(`${DATE_TIME_FORMAT}:ss`);
}

/**
 * Converts an instant to a picker value that shows its Shanghai wall time. The antd
 * DatePicker works in the browser's zone, so the picker contains a local time with the same
 * digits, and `pickerValueToIso` reverses this whatever zone the browser is in.
 */
export function isoToPickerValue(iso: string | null | undefined): Dayjs | undefined {
  if (!iso) return undefined;
  return dayjs(dayjs(iso).tz(BUSINESS_TIME_ZONE).format('YYYY-MM-DDTHH:mm:ss'));
}

/** Reads a picker value as Shanghai wall time and returns the instant in ISO 8601 (UTC). */
export function pickerValueToIso(value: Dayjs): string {
  return dayjs.tz(value.format('YYYY-MM-DDTHH:mm:ss'), BUSINESS_TIME_ZONE).toISOString();
}

/** Returns the current year in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiYear(): number {
  return new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
}
