import type { FilingForm } from '@cityleague/domain';
import type { FormFieldName } from './filing-values';

/** A group of fields that the form shows in one card. */
export interface FilingSection {
  key: string;
  title: string;
  fields: readonly FormFieldName[];
  /** Shown folded, because the form fills it in (the short form's registration window). */
  folded?: boolean;
}

const PLACE: readonly FormFieldName[] = ['district', 'street', 'community', 'venue', 'address'];

/** The full form of city and district events. */
const FULL_SECTIONS: readonly FilingSection[] = [
  { key: 'basic', title: '基本信息', fields: ['name', 'level', 'section', 'sport', 'description'] },
  { key: 'time_place', title: '时间与地点', fields: ['startsAt', 'endsAt', ...PLACE] },
  { key: 'hosts', title: '主办与承办', fields: ['host', 'organiser', 'coOrganisers'] },
  {
    key: 'registration',
    title: '报名设置',
    fields: [
      'registrationOpensAt',
      'registrationClosesAt',
      'capacity',
      'expectedParticipants',
      'feeYuan',
    ],
  },
  {
    key: 'competition',
    title: '竞赛与保障',
    fields: ['rules', 'safetyPlan', 'medicalCover', 'insurance'],
  },
  { key: 'contact', title: '联系方式', fields: ['contactName', 'contactPhone'] },
];

/**
 * The short form of community games, which street clerks fill in on a phone: what citizens
 * need to turn up, with the registration window filled in for them.
 */
const SHORT_SECTIONS: readonly FilingSection[] = [
  { key: 'basic', title: '基本信息', fields: ['name', 'level', 'section', 'sport', 'capacity'] },
  { key: 'time_place', title: '时间与地点', fields: ['startsAt', 'endsAt', ...PLACE] },
  { key: 'hosts', title: '主办与规程', fields: ['host', 'rules'] },
  {
    key: 'registration',
    title: '报名设置',
    fields: ['registrationOpensAt', 'registrationClosesAt'],
    folded: true,
  },
];

/** Before the level and section are chosen, only what decides the form is shown. */
const UNDECIDED_SECTIONS: readonly FilingSection[] = [
  { key: 'basic', title: '基本信息', fields: ['name', 'level', 'section'] },
];

/** Returns the sections of a form in the order they are shown. */
export function sectionsOf(kind: FilingForm | undefined): readonly FilingSection[] {
  if (kind === 'short') return SHORT_SECTIONS;
  if (kind === 'full') return FULL_SECTIONS;
  return UNDECIDED_SECTIONS;
}

/** Returns every field of a form, in the order they are shown, the contract first. */
export function fieldOrderOf(kind: FilingForm | undefined): FormFieldName[] {
  return ['contractId', ...sectionsOf(kind).flatMap((section) => section.fields)];
}
