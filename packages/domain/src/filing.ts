import type { EventLevel, Section } from './catalogue.js';

/**
 * The two filing forms. City and district events use the full form; community games, which
 * street clerks file from their phones, use the short one.
 */
export type FilingForm = 'full' | 'short';

/** Returns the form an event of this level and section is filed with. */
export function filingFormOf(filing: { level: EventLevel; section: Section }): FilingForm {
  return filing.section === 'community_games' ? 'short' : 'full';
}

/** Fields of a filing, as the API names them, with the labels the forms show. */
export const FILING_FIELD_LABELS = {
  name: '赛事名称',
  sport: '运动项目',
  divisionCode: '举办地区',
  venue: '场地',
  address: '详细地址',
  startsAt: '开始时间',
  endsAt: '结束时间',
  capacity: '报名名额',
  registrationOpensAt: '报名开始时间',
  registrationClosesAt: '报名截止时间',
  host: '主办单位',
  organiser: '承办单位',
  coOrganisers: '协办单位',
  expectedParticipants: '预计参与人数',
  feeCents: '报名费',
  rules: '竞赛规程',
  safetyPlan: '安全预案',
  medicalCover: '医疗保障',
  insurance: '保险',
  contactName: '联系人',
  contactPhone: '联系电话',
  description: '赛事简介',
  contractId: '合同',
} as const;
export type FilingField = keyof typeof FILING_FIELD_LABELS;

const SHORT_FORM_REQUIRED: readonly FilingField[] = [
  'name',
  'sport',
  'divisionCode',
  'venue',
  'startsAt',
  'endsAt',
  'capacity',
  'registrationOpensAt',
  'registrationClosesAt',
  'host',
  'rules',
];

const FULL_FORM_REQUIRED: readonly FilingField[] = [
  'name',
  'sport',
  'divisionCode',
  'venue',
  'address',
  'startsAt',
  'endsAt',
  'capacity',
  'registrationOpensAt',
  'registrationClosesAt',
  'host',
  'organiser',
  'expectedParticipants',
  'feeCents',
  'rules',
  'safetyPlan',
  'medicalCover',
  'insurance',
  'contactName',
  'contactPhone',
];

/** Returns the fields a filing must have before it may be submitted, in the form's order. */
export function requiredFilingFields(form: FilingForm): readonly FilingField[] {
  return form === 'short' ? SHORT_FORM_REQUIRED : FULL_FORM_REQUIRED;
}

function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Lists every required field the filing lacks, so that submit can report them all at once. */
export function missingFilingFields(
  form: FilingForm,
  values: Partial<Record<FilingField, unknown>>,
): FilingField[] {
  return requiredFilingFields(form).filter((field) => isMissing(values[field]));
}

/**
 * Fields whose change after approval sends the event back to review: the time, the place and
 * the rules. Capacity joins them when it goes down, since places already taken may be lost.
 */
export const REVIEWED_CHANGE_FIELDS: readonly FilingField[] = [
  'startsAt',
  'endsAt',
  'divisionCode',
  'venue',
  'address',
  'rules',
  'safetyPlan',
];

/** Fields fixed once an event is approved: they decide who files and who reviews it. */
export const FIELDS_FIXED_AFTER_APPROVAL: readonly FilingField[] = ['sport', 'contractId'];

/**
 * Fields whose change after approval is sent to registered citizens by SMS: what they need
 * to arrive at the right place at the right time.
 */
export const NOTIFIED_CHANGE_FIELDS: readonly FilingField[] = [
  'name',
  'startsAt',
  'endsAt',
  'divisionCode',
  'venue',
  'address',
];

/** Tells whether a set of changes to an approved event needs the reviewer's approval. */
export function changeNeedsReview(
  changed: readonly FilingField[],
  capacity: { before: number | null; after: number | null },
): boolean {
  if (changed.some((field) => REVIEWED_CHANGE_FIELDS.includes(field))) return true;
  return (
    changed.includes('capacity') &&
    capacity.before !== null &&
    capacity.after !== null &&
    capacity.after < capacity.before
  );
}
