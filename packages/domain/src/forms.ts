import {
  checkMobile,
  checkPersonName,
  checkResidentId,
  isRealDate,
  shanghaiDate,
  toHalfWidth,
} from './identifiers.js';

/** Types of the custom fields an organiser adds to an event's registration form. */
export const FIELD_TYPES = [
  'text',
  'number',
  'date',
  'single_choice',
  'multiple_choice',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: '文本',
  number: '数字',
  date: '日期',
  single_choice: '单选',
  multiple_choice: '多选',
  file: '文件',
};

/**
 * Condition under which a field is shown: another field's answer equals a value (single
 * choice, text or number), a multiple-choice answer includes a value, or the entrant's age on
 * the event's start date lies in a range (bounds included).
 */
export type FieldCondition =
  | { field: string; equals: string | number }
  | { field: string; includes: string }
  | { age: { min?: number; max?: number } };

export interface ChoiceOption {
  value: string;
  label: string;
}

/** One custom field. `min` and `max` bound a number's value, a text's length or a choice count. */
export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  help?: string;
  /**
   * True when the answers are personal data: the console masks them as it masks mobile and ID
   * numbers and shows them in full only on an audited reveal.
   */
  sensitive?: boolean;
  options?: ChoiceOption[];
  min?: number;
  max?: number;
  showWhen?: FieldCondition;
}

/** Rule for collecting the entrant's ID number: not at all, optionally, or always. */
export type IdNumberRule = 'hidden' | 'optional' | 'required';

/** A registration form: name and mobile number always, the ID number by rule, custom fields. */
export interface RegistrationForm {
  idNumber: IdNumberRule;
  fields: FormField[];
}

export const MAX_FORM_FIELDS = 40;
export const MAX_TEXT_LENGTH = 500;
export const MAX_CHOICE_OPTIONS = 50;
export const MAX_LABEL_LENGTH = 50;
export const MAX_HELP_LENGTH = 200;
const FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;
const FILE_REFERENCE = /^[A-Za-z0-9_-]{8,64}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A problem in a form definition, at a path such as `fields.2.options`. */
export interface FormDefinitionProblem {
  path: string;
  problem:
    | 'too_many_fields'
    | 'invalid_key'
    | 'duplicate_key'
    | 'empty_label'
    | 'too_long'
    | 'missing_options'
    | 'duplicate_option'
    | 'too_many_options'
    | 'options_not_allowed'
    | 'invalid_range'
    | 'unknown_condition_field'
    | 'condition_field_after'
    | 'condition_not_applicable';
}

function isChoice(type: FieldType): boolean {
  return type === 'single_choice' || type === 'multiple_choice';
}

function checkRange(field: FormField, path: string, problems: FormDefinitionProblem[]): void {
  const { min, max } = field;
  const bad = (value: number | undefined) =>
    value !== undefined && (!Number.isFinite(value) || (field.type !== 'number' && value < 0));
  if (bad(min) || bad(max) || (min !== undefined && max !== undefined && min > max)) {
    problems.push({ path: `${path}.min`, problem: 'invalid_range' });
  }
}

function checkCondition(
  field: FormField,
  path: string,
  earlier: Map<string, FormField>,
  later: Set<string>,
  problems: FormDefinitionProblem[],
): void {
  const condition = field.showWhen;
  if (condition === undefined) return;
  if ('age' in condition) {
    const { min, max } = condition.age;
    if ((min ?? 0) < 0 || (min !== undefined && max !== undefined && min > max)) {
      problems.push({ path: `${path}.showWhen`, problem: 'invalid_range' });
    }
    return;
  }
  const target = earlier.get(condition.field);
  if (target === undefined) {
    const problem = later.has(condition.field)
      ? 'condition_field_after'
      : 'unknown_condition_field';
    problems.push({ path: `${path}.showWhen`, problem });
    return;
  }
  const applicable =
    'includes' in condition
      ? target.type === 'multiple_choice'
      : target.type !== 'multiple_choice' && target.type !== 'file';
  if (!applicable) problems.push({ path: `${path}.showWhen`, problem: 'condition_not_applicable' });
}

/**
 * Checks a form definition and lists every problem at once. A condition may only refer to an
 * earlier field, so conditions can never form a cycle.
 */
export function checkFormDefinition(form: RegistrationForm): FormDefinitionProblem[] {
  const problems: FormDefinitionProblem[] = [];
  if (form.fields.length > MAX_FORM_FIELDS) {
    problems.push({ path: 'fields', problem: 'too_many_fields' });
  }
  const allKeys = new Set(form.fields.map((field) => field.key));
  const earlier = new Map<string, FormField>();
  form.fields.forEach((field, index) => {
    const path = `fields.${index}`;
    if (!FIELD_KEY.test(field.key)) problems.push({ path: `${path}.key`, problem: 'invalid_key' });
    else if (earlier.has(field.key)) {
      problems.push({ path: `${path}.key`, problem: 'duplicate_key' });
    }
    if (field.label.trim() === '') problems.push({ path: `${path}.label`, problem: 'empty_label' });
    else if (Array.from(field.label).length > MAX_LABEL_LENGTH) {
      problems.push({ path: `${path}.label`, problem: 'too_long' });
    }
    if (field.help !== undefined && Array.from(field.help).length > MAX_HELP_LENGTH) {
      problems.push({ path: `${path}.help`, problem: 'too_long' });
    }

    if (isChoice(field.type)) {
      const values = (field.options ?? []).map((option) => option.value);
      if (values.length === 0)
        problems.push({ path: `${path}.options`, problem: 'missing_options' });
      if (values.length > MAX_CHOICE_OPTIONS) {
        problems.push({ path: `${path}.options`, problem: 'too_many_options' });
      }
      if (new Set(values).size !== values.length) {
        problems.push({ path: `${path}.options`, problem: 'duplicate_option' });
      }
      const blank = (field.options ?? []).some(
        (option) => option.value.trim() === '' || option.label.trim() === '',
      );
      if (blank) problems.push({ path: `${path}.options`, problem: 'empty_label' });
    } else if (field.options !== undefined) {
      problems.push({ path: `${path}.options`, problem: 'options_not_allowed' });
    }
    checkRange(field, path, problems);

    const later = new Set([...allKeys].filter((key) => !earlier.has(key) && key !== field.key));
    if (field.showWhen && !('age' in field.showWhen) && field.showWhen.field === field.key) {
      later.add(field.key);
    }
    checkCondition(field, path, earlier, later, problems);
    if (!earlier.has(field.key)) earlier.set(field.key, field);
  });
  return problems;
}

/** Problems an answer can have. */
export type AnswerProblem =
  | 'required'
  | 'invalid_type'
  | 'too_short'
  | 'too_long'
  | 'below_min'
  | 'above_max'
  | 'invalid_date'
  | 'birth_date_future'
  | 'birth_date_too_early'
  | 'not_an_option'
  | 'too_few'
  | 'too_many';

export interface AnswerError {
  field: string;
  problem: AnswerProblem;
}

export type AnswerValue = string | number | string[];

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  return Array.isArray(value) && value.length === 0;
}

/** Tells whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  return isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * Computes a person's age in whole years on a date, both written YYYY-MM-DD. Someone born on
 * 29 February turns a year older on 1 March in common years.
 */
export function ageOn(birthDate: string, onDate: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  const hadBirthday = m > bm || (m === bm && d >= bd);
  return y - by - (hadBirthday ? 0 : 1);
}

type Checked = { ok: true; value: AnswerValue } | { ok: false; problem: AnswerProblem };

function checkLength(field: FormField, length: number): AnswerProblem | undefined {
  if (field.min !== undefined && length < field.min) return 'too_short';
  if (length > (field.max ?? MAX_TEXT_LENGTH)) return 'too_long';
  return undefined;
}

function checkAnswer(field: FormField, raw: unknown): Checked {
  switch (field.type) {
    case 'text': {
      if (typeof raw !== 'string') return { ok: false, problem: 'invalid_type' };
      const value = raw.trim();
      const problem = checkLength(field, Array.from(value).length);
      return problem ? { ok: false, problem } : { ok: true, value };
    }
    case 'number': {
      let normalised = '';
      if (typeof raw === 'number') normalised = String(raw);
      if (typeof raw === 'string') normalised = toHalfWidth(raw).trim();
      if (!/^-?\d+(\.\d+)?$/.test(normalised)) return { ok: false, problem: 'invalid_type' };
      const value = Number(normalised);
      if (field.min !== undefined && value < field.min) return { ok: false, problem: 'below_min' };
      if (field.max !== undefined && value > field.max) return { ok: false, problem: 'above_max' };
      return { ok: true, value };
    }
    case 'date': {
      if (typeof raw !== 'string') return { ok: false, problem: 'invalid_type' };
      const value = toHalfWidth(raw).trim();
      return isIsoDate(value) ? { ok: true, value } : { ok: false, problem: 'invalid_date' };
    }
    case 'single_choice': {
      if (typeof raw !== 'string') return { ok: false, problem: 'invalid_type' };
      const known = (field.options ?? []).some((option) => option.value === raw);
      return known ? { ok: true, value: raw } : { ok: false, problem: 'not_an_option' };
    }
    case 'multiple_choice': {
      if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string')) {
        return { ok: false, problem: 'invalid_type' };
      }
      const chosen = [...new Set(raw as string[])];
      const values = new Set((field.options ?? []).map((option) => option.value));
      if (chosen.some((value) => !values.has(value)))
        return { ok: false, problem: 'not_an_option' };
      if (field.min !== undefined && chosen.length < field.min) {
        return { ok: false, problem: 'too_few' };
      }
      if (field.max !== undefined && chosen.length > field.max) {
        return { ok: false, problem: 'too_many' };
      }
      return { ok: true, value: chosen };
    }
    case 'file':
      return typeof raw === 'string' && FILE_REFERENCE.test(raw)
        ? { ok: true, value: raw }
        : { ok: false, problem: 'invalid_type' };
  }
}

function conditionHolds(
  condition: FieldCondition | undefined,
  values: Record<string, AnswerValue>,
  age: number | undefined,
): boolean {
  if (condition === undefined) return true;
  if ('age' in condition) {
    if (age === undefined) return false;
    const { min, max } = condition.age;
    return (min === undefined || age >= min) && (max === undefined || age <= max);
  }
  const answer = values[condition.field];
  if (answer === undefined) return false;
  if ('includes' in condition) return Array.isArray(answer) && answer.includes(condition.includes);
  return String(answer) === String(condition.equals);
}

/**
 * Returns the keys of the fields shown for these answers, by the rule `checkAnswers` applies:
 * a condition sees the valid answers of earlier shown fields and the entrant's age.
 */
export function shownFieldKeys(
  fields: readonly FormField[],
  answers: Record<string, unknown>,
  age?: number,
): Set<string> {
  const values: Record<string, AnswerValue> = {};
  const shown = new Set<string>();
  for (const field of fields) {
    if (!conditionHolds(field.showWhen, values, age)) continue;
    shown.add(field.key);
    const raw = answers[field.key];
    if (isEmpty(raw)) continue;
    const checked = checkAnswer(field, raw);
    if (checked.ok) values[field.key] = checked.value;
  }
  return shown;
}

/** Outcome of checking a set of answers: the normalised answers of shown fields, or every error. */
export type AnswersResult =
  { ok: true; values: Record<string, AnswerValue> } | { ok: false; errors: AnswerError[] };

/**
 * Checks the answers to a form's custom fields, in field order, and lists every error at
 * once. A field whose condition does not hold is hidden: its answer is dropped and it is never
 * required. `age` is the entrant's age on the event's start date, when known.
 */
export function checkAnswers(
  fields: readonly FormField[],
  answers: Record<string, unknown>,
  age?: number,
): AnswersResult {
  const values: Record<string, AnswerValue> = {};
  const errors: AnswerError[] = [];
  for (const field of fields) {
    if (!conditionHolds(field.showWhen, values, age)) continue;
    const raw = answers[field.key];
    if (isEmpty(raw)) {
      if (field.required) errors.push({ field: field.key, problem: 'required' });
      continue;
    }
    const checked = checkAnswer(field, raw);
    if (checked.ok) values[field.key] = checked.value;
    else errors.push({ field: field.key, problem: checked.problem });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}

/** The person an entry is for, as typed into the form. */
export interface EntrantInput {
  name?: unknown;
  phone?: unknown;
  idNumber?: unknown;
  /** YYYY-MM-DD; used for the age when no ID number is given. */
  birthDate?: unknown;
  gender?: unknown;
}

export interface Entrant {
  name: string;
  phone: string;
  idNumber?: string;
  birthDate?: string;
  gender?: 'male' | 'female';
  /** Age on the event's start date, when a birth date is known. */
  age?: number;
}

export type EntrantResult = { ok: true; entrant: Entrant } | { ok: false; errors: AnswerError[] };

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Oldest age, in years, that a birth date typed into a form may give. */
export const MAX_AGE_YEARS = 120;

/**
 * Returns the earliest birth date (YYYY-MM-DD) accepted on the day `todayIso`: MAX_AGE_YEARS
 * before it. An earlier one is taken as a typing mistake.
 */
export function earliestBirthDate(todayIso: string): string {
  return `${Number(todayIso.slice(0, 4)) - MAX_AGE_YEARS}${todayIso.slice(4)}`;
}

/**
 * Checks and normalises the entrant's own fields: name and mobile number always, the ID
 * number by the form's rule. The birth date and gender come from the ID number when one is
 * given and must agree with any typed in. `eventDate` is the event's start date, YYYY-MM-DD;
 * a birth date after `today` (in Shanghai) is invalid.
 */
export function checkEntrant(
  rule: IdNumberRule,
  input: EntrantInput,
  eventDate: string,
  today: Date = new Date(),
): EntrantResult {
  const todayIso = shanghaiDate(today);
  const errors: AnswerError[] = [];
  const entrant: Partial<Entrant> = {};

  const name = text(input.name);
  const checkedName = name === undefined ? undefined : checkPersonName(name);
  if (!checkedName) errors.push({ field: 'name', problem: 'required' });
  else if (!checkedName.ok) errors.push({ field: 'name', problem: 'invalid_type' });
  else entrant.name = checkedName.value;

  const phone = text(input.phone);
  const checkedPhone = phone === undefined ? undefined : checkMobile(phone);
  if (!checkedPhone) errors.push({ field: 'phone', problem: 'required' });
  else if (!checkedPhone.ok) errors.push({ field: 'phone', problem: 'invalid_type' });
  else entrant.phone = checkedPhone.value;

  const idNumber = rule === 'hidden' ? undefined : text(input.idNumber);
  if (idNumber === undefined) {
    if (rule === 'required') errors.push({ field: 'idNumber', problem: 'required' });
  } else {
    const checkedId = checkResidentId(idNumber, today);
    if (!checkedId.ok) errors.push({ field: 'idNumber', problem: 'invalid_type' });
    else {
      entrant.idNumber = checkedId.value.id;
      entrant.birthDate = checkedId.value.birthDate;
      entrant.gender = checkedId.value.sex;
    }
  }

  const birthDate = text(input.birthDate);
  if (birthDate !== undefined) {
    const value = toHalfWidth(birthDate).trim();
    if (!isIsoDate(value)) {
      errors.push({ field: 'birthDate', problem: 'invalid_date' });
    } else if (value > todayIso) {
      errors.push({ field: 'birthDate', problem: 'birth_date_future' });
    } else if (value < earliestBirthDate(todayIso)) {
      errors.push({ field: 'birthDate', problem: 'birth_date_too_early' });
    } else if (entrant.birthDate !== undefined && entrant.birthDate !== value) {
      errors.push({ field: 'birthDate', problem: 'not_an_option' });
    } else entrant.birthDate = value;
  }

  const gender = input.gender;
  if (gender !== undefined && gender !== null && gender !== '') {
    if (gender !== 'male' && gender !== 'female') {
      errors.push({ field: 'gender', problem: 'not_an_option' });
    } else if (entrant.gender !== undefined && entrant.gender !== gender) {
      errors.push({ field: 'gender', problem: 'not_an_option' });
    } else entrant.gender = gender;
  }

  if (errors.length > 0) return { ok: false, errors };
  if (entrant.birthDate !== undefined) entrant.age = ageOn(entrant.birthDate, eventDate);
  return { ok: true, entrant: entrant as Entrant };
}

/** Entry rule of a group (组别): a gender and an age range on the event's start date. */
export interface GroupRule {
  gender: 'any' | 'male' | 'female';
  minAge?: number;
  maxAge?: number;
}

export type EligibilityProblem = 'gender' | 'age_unknown' | 'too_young' | 'too_old';

/** Lists why an entrant may not enter a group; an empty list means the entrant may. */
export function checkEligibility(group: GroupRule, entrant: Entrant): EligibilityProblem[] {
  const problems: EligibilityProblem[] = [];
  if (group.gender !== 'any' && entrant.gender !== group.gender) problems.push('gender');
  if (group.minAge !== undefined || group.maxAge !== undefined) {
    if (entrant.age === undefined) problems.push('age_unknown');
    else if (group.minAge !== undefined && entrant.age < group.minAge) problems.push('too_young');
    else if (group.maxAge !== undefined && entrant.age > group.maxAge) problems.push('too_old');
  }
  return problems;
}
