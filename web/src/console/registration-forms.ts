import type { FieldType, FormField, RegistrationForm } from '@cityleague/domain';
import { api } from '../lib/api';
import { numberProblem } from './number-rules';

/** An event's form as the console reads it, with what the user may change now. */
export interface ConsoleEventForm {
  form: RegistrationForm;
  version: number;
  safetyNotice: { version: number; body: string } | null;
  canChangeForm: boolean;
  canChangeNotice: boolean;
  lockReason: 'cancelled' | 'registration_opened' | 'has_entries' | null;
}

export interface FormTemplate {
  id: string;
  name: string;
  builtIn: boolean;
  description: string | null;
  form: RegistrationForm;
  safetyNotice: string | null;
}

export const formQueryKeys = {
  form: (eventId: string) => ['registration-form', eventId] as const,
  templates: ['form-templates'] as const,
};

const formUrl = (eventId: string) =>
  `/api/console/events/${encodeURIComponent(eventId)}/registration-form`;

export function fetchEventForm(eventId: string) {
  return api<ConsoleEventForm>(formUrl(eventId));
}

export function saveEventForm(
  eventId: string,
  body: { form: RegistrationForm; safetyNotice: string | null },
) {
  return api<ConsoleEventForm>(formUrl(eventId), { method: 'PUT', body });
}

export function applyTemplate(eventId: string, templateId: string) {
  return api<ConsoleEventForm>(`${formUrl(eventId)}/apply-template`, {
    method: 'POST',
    body: { templateId },
  });
}

export async function fetchTemplates() {
  return (await api<{ items: FormTemplate[] }>('/api/console/form-templates')).items;
}

export function saveTemplate(eventId: string, name: string) {
  return api<FormTemplate>('/api/console/form-templates', {
    method: 'POST',
    body: { eventId, name },
  });
}

export const LOCK_REASON_TEXT: Record<NonNullable<ConsoleEventForm['lockReason']>, string> = {
  cancelled: '赛事已取消，报名表单不能再修改',
  registration_opened: '报名已开始，报名表单不能再修改，安全和保险提示仍可更新',
  has_entries: '赛事已有报名记录，报名表单不能再修改，安全和保险提示仍可更新',
};

/** Returns a field key not used in the form: field_1, field_2, … */
export function newFieldKey(fields: readonly FormField[]): string {
  const used = new Set(fields.map((field) => field.key));
  let n = fields.length + 1;
  while (used.has(`field_${n}`)) n += 1;
  return `field_${n}`;
}

/** Returns a copy of an object without the named keys. */
export function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Drops the settings that a field of the new type does not take. */
export function changeFieldType(field: FormField, type: FieldType): FormField {
  const rest = without(field, 'options', 'min', 'max');
  const choice = type === 'single_choice' || type === 'multiple_choice';
  return {
    ...rest,
    type,
    ...(choice ? { options: field.options ?? [] } : {}),
  };
}

/** Chinese text of a form definition problem, by the domain's problem code. */
export const FORM_PROBLEM_TEXT: Record<string, string> = {
  too_many_fields: '字段不能超过 40 个',
  invalid_key: '字段标识无效',
  duplicate_key: '字段标识重复',
  empty_label: '名称或选项不能为空',
  too_long: '名称最多 50 字，说明最多 200 字',
  missing_options: '选择题至少要有一个选项',
  duplicate_option: '选项重复',
  too_many_options: '选项不能超过 50 个',
  options_not_allowed: '只有选择题可以设置选项',
  invalid_range: '最小值不能大于最大值',
  unknown_condition_field: '显示条件引用的字段不存在',
  condition_field_after: '显示条件只能引用前面的字段',
  condition_not_applicable: '该字段类型不能用作此显示条件',
};

/** Ages a display condition accepts, in whole years, as the server's form schema allows. */
export const CONDITION_AGE = { min: 0, max: 150 };

/** Returns the message for an age bound of a display condition, or null when it is valid. */
export function conditionAgeProblem(label: string, value: number | undefined): string | null {
  return numberProblem(value, { label, ...CONDITION_AGE, unit: '周岁' });
}

/**
 * Lists the messages for invalid age bounds in the fields' display conditions, naming each
 * field by its position and label, so that a form the server would reject is not sent.
 */
export function conditionAgeProblems(fields: readonly FormField[]): string[] {
  const problems: string[] = [];
  fields.forEach((field, index) => {
    const condition = field.showWhen;
    if (!condition || !('age' in condition)) return;
    const name = `字段 ${index + 1}「${field.label || '未命名'}」`;
    for (const [label, value] of [
      ['最小年龄', condition.age.min],
      ['最大年龄', condition.age.max],
    ] as const) {
      const problem = conditionAgeProblem(label, value);
      if (problem) problems.push(`${name}：${problem}`);
    }
  });
  return problems;
}
