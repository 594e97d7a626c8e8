import { FILING_FIELD_LABELS, type FilingField } from '@cityleague/domain';
import { ApiError } from '../../lib/api';
import { ERROR_MESSAGES, consoleErrorMessage } from '../../lib/messages';
import { EMOJI_MESSAGE } from '../text-rules';
import {
  FORM_FIELDS_OF,
  type FilingFormValues,
  type FormFieldName,
  type PayloadField,
} from './filing-values';

// Chinese messages for the codes of field errors: the schedule rules of the filing check,
// then the JSON Schema keywords that request validation reports.
export const FIELD_ERROR_MESSAGES: Record<string, string> = {
  in_future: '开始时间须晚于当前时间',
  after_start: '结束时间须晚于开始时间',
  after_open: '报名截止时间须晚于报名开始时间',
  before_start: '报名截止时间不能晚于赛事开始时间',
  before_2100: '时间须早于 2100 年 1 月 1 日',
  contract_mismatch: '与所选中标合同不一致',
  outside_contract_year: '开始时间须在中标合同年度内',
  minLength: '内容太短',
  maxLength: '内容太长',
  minimum: '数值太小',
  maximum: '数值太大',
  maxItems: '数量太多',
  format: '格式不正确',
  noEmoji: EMOJI_MESSAGE,
  pattern: '格式不正确',
  type: '格式不正确',
};

// Error codes that concern one API field even when the server sends no field errors.
const CODE_FIELDS: Record<string, PayloadField> = {
  EVT_UNKNOWN_SPORT: 'sport',
  EVT_FILING_NOT_ALLOWED: 'section',
  EVT_OUT_OF_SCOPE: 'divisionCode',
  DIV_NOT_FOUND: 'divisionCode',
  DIV_UNKNOWN: 'divisionCode',
  DIV_INVALID_LEVEL: 'divisionCode',
  EVT_CONTRACT_REQUIRED: 'contractId',
  EVT_CONTRACT_NOT_OWNED: 'contractId',
};

const PAYLOAD_FIELDS = Object.keys(FORM_FIELDS_OF) as PayloadField[];

/** Returns the label of an API field, as the forms and the missing-field summary show it. */
export function labelOf(field: PayloadField): string {
  if (field === 'level') return '赛事级别';
  if (field === 'section') return '板块';
  return FILING_FIELD_LABELS[field as FilingField];
}

/** Returns the message that marks a required field left empty: 请填写赛事名称. */
export function requiredMessage(field: PayloadField): string {
  return `请填写${labelOf(field)}`;
}

/**
 * Maps a field named by the server (`startsAt`, `/startsAt` or `body.startsAt`) to the API
 * field it is. Unknown names give undefined.
 */
export function payloadFieldOfServerName(serverField: string): PayloadField | undefined {
  const key =
    serverField
      .replace(/^\//, '')
      .replace(/^body[./]/, '')
      .split(/[./[]/)[0] ?? '';
  return PAYLOAD_FIELDS.find((field) => field === key);
}

/**
 * Returns the form field that shows an error of an API field. The division belongs to the
 * deepest place chosen, and a missing one to the first place still empty.
 */
export function formFieldOf(field: PayloadField, values: FilingFormValues): FormFieldName {
  if (field !== 'divisionCode') return FORM_FIELDS_OF[field][0] ?? 'name';
  if (values.community) return 'community';
  if (values.street) return 'street';
  return values.district ? 'street' : 'district';
}

function messageOf(fieldError: { field: string; code: string; message: string }): string {
  const field = payloadFieldOfServerName(fieldError.field);
  if (fieldError.code === 'required' && field) return requiredMessage(field);
  if (fieldError.code === 'outside_contract_year') {
    // The server writes the year as the message's only four-digit number.
    const year = /\b(\d{4})\b/.exec(fieldError.message)?.[1];
    if (year) return `开始时间须在中标合同年度 ${year} 年内`;
  }
  return FIELD_ERROR_MESSAGES[fieldError.code] ?? ERROR_MESSAGES[fieldError.code] ?? '此项填写有误';
}

/** Field errors of a rejected request, by API field, in Chinese. */
export interface RejectedFields {
  /** Messages for each API field the error names. */
  byField: Map<PayloadField, string[]>;
  /** Fields reported as required and empty (EVT_INCOMPLETE), in the server's order. */
  missing: PayloadField[];
}

/** Reads the field errors of a rejected request; an error that names no field gives none. */
export function rejectedFieldsOf(error: unknown): RejectedFields {
  const byField = new Map<PayloadField, string[]>();
  const missing: PayloadField[] = [];
  if (!(error instanceof ApiError)) return { byField, missing };
  for (const fieldError of error.problem.errors ?? []) {
    const field = payloadFieldOfServerName(fieldError.field);
    if (!field) continue;
    if (fieldError.code === 'required') missing.push(field);
    byField.set(field, [...(byField.get(field) ?? []), messageOf(fieldError)]);
  }
  const codeField = CODE_FIELDS[error.code];
  if (byField.size === 0 && codeField) byField.set(codeField, [consoleErrorMessage(error)]);
  return { byField, missing };
}

/** Converts rejected API fields to marks on the form's fields, for `form.setFields`. */
export function formMarksOf(rejected: RejectedFields, values: FilingFormValues) {
  const marks = new Map<FormFieldName, string[]>();
  for (const [field, messages] of rejected.byField) {
    const name = formFieldOf(field, values);
    marks.set(name, [...(marks.get(name) ?? []), ...messages]);
  }
  return [...marks].map(([name, errors]) => ({ name, errors }));
}
