import {
  FILING_FIELD_LABELS,
  REVIEW_STEP_LABELS,
  REVIEWED_CHANGE_FIELDS,
  sportName,
  type FilingField,
} from '@cityleague/domain';
import { formatTime } from './time';
import type { ConsoleEvent, ReviewStepState } from './types';

/** Returns the form's label of a filing field, or the field name when the form has none. */
export function fieldLabel(field: string): string {
  return (FILING_FIELD_LABELS as Record<string, string>)[field] ?? field;
}

const FORM_ORDER: readonly string[] = Object.keys(FILING_FIELD_LABELS);

/** Returns a field's position on the filing form, for listing changes in the form's order. */
export function formOrder(field: string): number {
  const index = FORM_ORDER.indexOf(field);
  return index < 0 ? FORM_ORDER.length : index;
}

/** Names a review step, with the federation that pre-reviews: 协会预审（上海市篮球协会）. */
export function stepName(step: ReviewStepState): string {
  const label = REVIEW_STEP_LABELS[step.step];
  return step.federation ? `${label}（${step.federation}）` : label;
}

/** Returns the short tag of a step still to record, such as 需协会预审. */
export function stepTag(step: ReviewStepState): string {
  return `需${REVIEW_STEP_LABELS[step.step]}`;
}

/** Lists the review steps the reviewer has not recorded yet. */
export function pendingSteps(event: Pick<ConsoleEvent, 'reviewSteps'>): ReviewStepState[] {
  return event.reviewSteps.filter((step) => step.done === null);
}

/** Explains why approval waits, or returns null when every review step is recorded. */
export function pendingStepsNotice(event: Pick<ConsoleEvent, 'reviewSteps'>): string | null {
  const pending = pendingSteps(event);
  if (pending.length === 0) return null;
  return `请先记录${pending.map(stepName).join('和')}，再审核通过`;
}

/** Tells whether a change of this field needs the reviewer's approval after approval. */
export function isReviewedField(field: string): boolean {
  return REVIEWED_CHANGE_FIELDS.includes(field as FilingField);
}

/** Tells whether this change of one field needs the reviewer: also a cut in capacity. */
export function isReviewedChange(field: string, before: unknown, after: unknown): boolean {
  if (field === 'capacity' && typeof before === 'number' && typeof after === 'number') {
    return after < before;
  }
  return isReviewedField(field);
}

const TIME_FIELDS = new Set(['startsAt', 'endsAt', 'registrationOpensAt', 'registrationClosesAt']);
const HEAD_COUNT_FIELDS = new Set(['capacity', 'expectedParticipants']);

/** Shown for a detail that has no value. */
export const EMPTY_VALUE = '（未填写）';

/**
 * Formats a filing value for reading: times in Shanghai time, the fee in yuan, head counts
 * with 人. A division code stays a code; DivisionName shows its name.
 */
export function formatFilingValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return EMPTY_VALUE;
  if (Array.isArray(value)) return value.length === 0 ? EMPTY_VALUE : value.join('、');
  if (TIME_FIELDS.has(field) && typeof value === 'string') return formatTime(value);
  if (field === 'sport' && typeof value === 'string') return sportName(value) ?? value;
  if (field === 'feeCents' && typeof value === 'number') {
    return value === 0 ? '免费' : `${(value / 100).toFixed(2)} 元`;
  }
  if (HEAD_COUNT_FIELDS.has(field) && typeof value === 'number') return `${value} 人`;
  return String(value);
}
