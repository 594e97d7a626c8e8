import { defineError } from '../http/problem.js';

export const InvalidAuditRange = defineError(
  'AUD_INVALID_RANGE',
  'from (%s) must not be later than to (%s)',
  400,
);
export const AuditExportTooLarge = defineError(
  'AUD_EXPORT_TOO_LARGE',
  '%s entries match, more than the export limit of %s: narrow the filters',
  422,
);
