import type { RegistrationForm } from './forms.js';

/** A registration form template built into the platform, offered to every organisation. */
export interface BuiltInFormTemplate {
  id: `builtin:${string}`;
  name: string;
  description: string;
  form: RegistrationForm;
  safetyNotice: string;
}

/** The safety and insurance notice the built-in templates give an event. */
export const DEFAULT_SAFETY_NOTICE =
  '本人自愿参赛，身体健康，已知晓赛事风险并遵守赛事规程；赛事期间请听从工作人员指挥，' +
  '主办方已为参赛者投保公众责任险，个人意外险请自行购买。';

/** Name and mobile number only: the form of an event whose organiser never set one. */
export const DEFAULT_REGISTRATION_FORM: RegistrationForm = { idNumber: 'optional', fields: [] };

/**
 * Form for youth events: the ID number is required so that the age on the event's start date
 * is known, and a guardian's name and mobile number are asked for entrants under 18.
 */
export const YOUTH_REGISTRATION_FORM: RegistrationForm = {
  idNumber: 'required',
  fields: [
    {
      key: 'guardian_name',
      label: '监护人姓名',
      type: 'text',
      required: true,
      min: 2,
      max: 30,
      help: '未满18周岁的报名人须填写监护人信息',
      showWhen: { age: { max: 17 } },
    },
    {
      key: 'guardian_phone',
      label: '监护人手机号码',
      type: 'text',
      required: true,
      min: 11,
      max: 20,
      showWhen: { age: { max: 17 } },
    },
  ],
};

export const BUILT_IN_FORM_TEMPLATES: readonly BuiltInFormTemplate[] = [
  {
    id: 'builtin:default',
    name: '默认报名表',
    description: '姓名、手机号码，身份证号选填',
    form: DEFAULT_REGISTRATION_FORM,
    safetyNotice: DEFAULT_SAFETY_NOTICE,
  },
  {
    id: 'builtin:youth',
    name: '青少年报名表',
    description: '身份证号必填，未满18周岁须填监护人姓名和手机号码',
    form: YOUTH_REGISTRATION_FORM,
    safetyNotice: DEFAULT_SAFETY_NOTICE,
  },
];

/** Entrants younger than this on the event's start date need a guardian's recorded consent. */
export const GUARDIAN_CONSENT_AGE = 14;

/** Tells whether an entrant of this age needs a guardian's consent; unknown ages do not. */
export function needsGuardianConsent(age: number | undefined): boolean {
  return age !== undefined && age < GUARDIAN_CONSENT_AGE;
}

/** Profile facts of a signed-in citizen that a registration form needs. */
export interface ProfileForForm {
  hasRealName: boolean;
  /** True when the profile has an ID number given with consent. */
  hasIdNumber: boolean;
  /** Age on the event's start date, from the profile's birth date; undefined when unknown. */
  age?: number;
}

/** Reasons a citizen cannot register with one click; none means one click suffices. */
export const ONE_CLICK_PROBLEMS = [
  'real_name_missing',
  'id_number_missing',
  'guardian_consent_needed',
  'form_fields_required',
] as const;
export type OneClickProblem = (typeof ONE_CLICK_PROBLEMS)[number];

/**
 * Lists why the profile alone does not fill the form. One click works when the profile has
 * the real name, the ID number when the form requires it, no guardian is needed and no
 * custom field that would be shown to this entrant is required.
 */
export function checkOneClick(form: RegistrationForm, profile: ProfileForForm): OneClickProblem[] {
  const problems: OneClickProblem[] = [];
  if (!profile.hasRealName) problems.push('real_name_missing');
  if (form.idNumber === 'required' && !profile.hasIdNumber) problems.push('id_number_missing');
  if (needsGuardianConsent(profile.age)) problems.push('guardian_consent_needed');
  const requiredShown = form.fields.some((field) => {
    if (!field.required) return false;
    const condition = field.showWhen;
    if (condition === undefined) return true;
    if (!('age' in condition)) return false;
    if (profile.age === undefined) return false;
    const { min, max } = condition.age;
    return (min === undefined || profile.age >= min) && (max === undefined || profile.age <= max);
  });
  if (requiredShown) problems.push('form_fields_required');
  return problems;
}
