import { defineError } from '../http/problem.js';

export const ResultEventNotPublished = defineError(
  'RES_EVENT_NOT_PUBLISHED',
  'Event %s is not published: results are kept only for a published event',
  409,
);
export const ResultEntryNotFound = defineError(
  'RES_ENTRY_NOT_FOUND',
  'No active entry %s in event %s',
  404,
);
export const ResultNotFound = defineError('RES_RESULT_NOT_FOUND', 'Entry %s has no result', 404);
export const ResultInvalid = defineError('RES_RESULT_INVALID', 'The result is invalid: %s', 400);
export const ResultFileUnreadable = defineError(
  'RES_FILE_UNREADABLE',
  'The file is not a readable .xlsx workbook: save it as Excel Workbook (.xlsx) and upload again',
  400,
);
export const ResultFileTooLarge = defineError(
  'RES_FILE_TOO_LARGE',
  'The workbook is %s bytes, more than the limit of %s bytes',
  413,
);
export const ResultFileTooManyRows = defineError(
  'RES_FILE_TOO_MANY_ROWS',
  'The workbook has %s data rows, more than the limit of %s: split it into several files',
  400,
);
export const ResultImportNotFound = defineError(
  'RES_IMPORT_NOT_FOUND',
  'Result import %s not found in event %s',
  404,
);
export const ResultImportCommitted = defineError(
  'RES_IMPORT_ALREADY_COMMITTED',
  'Result import %s is already committed: upload the file again to import it anew',
  409,
);
export const ResultImportHasErrors = defineError(
  'RES_IMPORT_HAS_ERRORS',
  'Result import %s has %s invalid rows: correct the file and upload it again',
  409,
);
export const ResultImportStale = defineError(
  'RES_IMPORT_STALE',
  'Entry %s of result import %s is no longer active: upload the file again',
  409,
);
export const ResultsEmpty = defineError(
  'RES_NOTHING_TO_PUBLISH',
  'Event %s has no results to publish',
  409,
);
export const ResultsNotPublished = defineError(
  'RES_NOT_PUBLISHED',
  'The results of event %s are not published',
  404,
);
export const CertificateNotFound = defineError(
  'CRT_NOT_FOUND',
  'No valid certificate has the code %s',
  404,
);
export const CertificateBackgroundInvalid = defineError(
  'CRT_BACKGROUND_INVALID',
  'The certificate background must be a PNG or JPEG image of at most %s bytes',
  400,
);
