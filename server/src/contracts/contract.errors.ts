import { defineError } from '../http/problem.js';

export const ContractFileUnreadable = defineError(
  'CTR_FILE_UNREADABLE',
  'The file is not a readable .xlsx workbook: save it as Excel Workbook (.xlsx) and upload again',
  400,
);
export const ContractFileTooLarge = defineError(
  'CTR_FILE_TOO_LARGE',
  'The workbook is %s bytes, more than the limit of %s bytes',
  413,
);
export const ContractFileTooManyRows = defineError(
  'CTR_FILE_TOO_MANY_ROWS',
  'The workbook has %s data rows, more than the limit of %s: split it into several files',
  400,
);
export const ContractImportNotFound = defineError(
  'CTR_IMPORT_NOT_FOUND',
  'Contract import %s not found',
  404,
);
export const ContractImportCommitted = defineError(
  'CTR_IMPORT_ALREADY_COMMITTED',
  'Contract import %s is already committed: upload the file again to import it anew',
  409,
);
export const ContractImportHasErrors = defineError(
  'CTR_IMPORT_HAS_ERRORS',
  'Contract import %s has %s invalid rows: correct the file and upload it again',
  409,
);
