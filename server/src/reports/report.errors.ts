import { defineError } from '../http/problem.js';

export const ReportPeriodInvalid = defineError(
  'RPT_INVALID_PERIOD',
  'Period %s is not a valid %s period: use YYYY-MM for a month, YYYY-Qn for a quarter, YYYY for a year',
  400,
);
export const ReportFuturePeriod = defineError(
  'RPT_FUTURE_PERIOD',
  'Period %s starts after the current month in Asia/Shanghai: request a period that has begun',
  400,
);
export const ReportNotFound = defineError('RPT_NOT_FOUND', 'Report %s not found', 404);
export const ReportNotReady = defineError(
  'RPT_NOT_READY',
  'Report %s is %s: download it once its status is done',
  409,
);
