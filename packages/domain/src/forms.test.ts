import { describe, expect, it } from 'vitest';

import {
  ageOn,
  checkAnswers,
  checkEligibility,
  checkEntrant,
  checkFormDefinition,
  isIsoDate,
  shownFieldKeys,
  type Entrant,
  type FormField,
  type RegistrationForm,
} from './forms.js';
import { residentIdCheckCharacter } from './identifiers.js';

/** Builds a fake but well-formed ID number for a birth date (YYYYMMDD) and sequence digits. */
function fakeId(birth: string, sequence = '123'): string {
  const first17 = `310104${birth}${sequence}`;
  return first17 + residentIdCheckCharacter(first17);
}

const TODAY = new Date('2026-12-04T04:00:00Z');

const SIZE: FormField = {
  key: 'shirt_size',
  label: '服装尺码',
  type: 'single_choice',
  required: true,
  options: [
    { value: 's', label: 'S' },
    { value: 'm', label: 'M' },
    { value: 'l', label: 'L' },
  ],
};
const HAS_CLUB: FormField = {
  key: 'has_club',
  label: '是否有俱乐部',
  type: 'single_choice',
  required: true,
  options: [
    { value: 'yes', label: '是' },
    { value: 'no', label: '否' },
  ],
};
const CLUB: FormField = {
  key: 'club',
  label: '俱乐部名称',
  type: 'text',
  required: true,
  min: 2,
  max: 20,
  showWhen: { field: 'has_club', equals: 'yes' },
};
const GUARDIAN: FormField = {
  key: 'guardian_name',
  label: '监护人姓名',
  type: 'text',
  required: true,
  showWhen: { age: { max: 17 } },
};
const BEST_TIME: FormField = {
  key: 'best_minutes',
  label: '最好成绩（分钟）',
  type: 'number',
  required: false,
  min: 60,
  max: 600,
};
const EVENTS: FormField = {
  key: 'events',
  label: '参加项目',
  type: 'multiple_choice',
  required: true,
  min: 1,
  max: 2,
  options: [
    { value: '100m', label: '100米' },
    { value: '200m', label: '200米' },
    { value: 'relay', label: '接力' },
  ],
};
const RELAY_TEAM: FormField = {
  key: 'relay_team',
  label: '接力队名',
  type: 'text',
  required: true,
  showWhen: { field: 'events', includes: 'relay' },
};

describe('checkFormDefinition', () => {
  it('accepts a form with conditions on earlier fields', () => {
    const form: RegistrationForm = {
      idNumber: 'optional',
      fields: [SIZE, HAS_CLUB, CLUB, GUARDIAN, BEST_TIME, EVENTS, RELAY_TEAM],
    };
    expect(checkFormDefinition(form)).toEqual([]);
  });

  it('lists every problem at once', () => {
    const form: RegistrationForm = {
      idNumber: 'hidden',
      fields: [
        { key: 'Bad Key', label: '坏键', type: 'text', required: false },
        { ...SIZE, options: [] },
        { ...SIZE, key: 'size2', options: [SIZE.options![0]!, SIZE.options![0]!] },
        { key: 'note', label: ' ', type: 'text', required: false, options: SIZE.options },
        { key: 'age', label: '年龄', type: 'number', required: false, min: 9, max: 3 },
        { ...CLUB, key: 'club2', showWhen: { field: 'later', equals: 'x' } },
        { ...CLUB, key: 'club3', showWhen: { field: 'nowhere', equals: 'x' } },
        { ...CLUB, key: 'club4', showWhen: { field: 'size2', includes: 's' } },
        { key: 'later', label: '后面的字段', type: 'text', required: false },
        { key: 'later', label: '重复', type: 'text', required: false },
      ],
    };
    expect(checkFormDefinition(form)).toEqual([
      { path: 'fields.0.key', problem: 'invalid_key' },
      { path: 'fields.1.options', problem: 'missing_options' },
      { path: 'fields.2.options', problem: 'duplicate_option' },
      { path: 'fields.3.label', problem: 'empty_label' },
      { path: 'fields.3.options', problem: 'options_not_allowed' },
      { path: 'fields.4.min', problem: 'invalid_range' },
      { path: 'fields.5.showWhen', problem: 'condition_field_after' },
      { path: 'fields.6.showWhen', problem: 'unknown_condition_field' },
      { path: 'fields.7.showWhen', problem: 'condition_not_applicable' },
      { path: 'fields.9.key', problem: 'duplicate_key' },
    ]);
  });

  it('rejects a field conditioned on itself', () => {
    const form: RegistrationForm = {
      idNumber: 'hidden',
      fields: [{ ...CLUB, showWhen: { field: 'club', equals: 'x' } }],
    };
    expect(checkFormDefinition(form)).toEqual([
      { path: 'fields.0.showWhen', problem: 'condition_field_after' },
    ]);
  });

  it('rejects more than 40 fields', () => {
    const fields = Array.from({ length: 41 }, (_, i) => ({
      key: `f${i}`,
      label: `字段${i}`,
      type: 'text' as const,
      required: false,
    }));
    expect(checkFormDefinition({ idNumber: 'hidden', fields })).toEqual([
      { path: 'fields', problem: 'too_many_fields' },
    ]);
  });
});

describe('checkAnswers', () => {
  const fields = [SIZE, HAS_CLUB, CLUB, GUARDIAN, BEST_TIME, EVENTS, RELAY_TEAM];

  it('normalises answers and drops hidden fields', () => {
    const result = checkAnswers(
      fields,
      {
        shirt_size: 'm',
        has_club: 'no',
        club: '不该保存',
        guardian_name: '也不该保存',
        best_minutes: '２１０',
        events: ['100m', '100m'],
      },
      30,
    );
    expect(result).toEqual({
      ok: true,
      values: { shirt_size: 'm', has_club: 'no', best_minutes: 210, events: ['100m'] },
    });
  });

  it('requires a shown conditional field', () => {
    const result = checkAnswers(
      fields,
      { shirt_size: 's', has_club: 'yes', events: ['relay'] },
      16,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'club', problem: 'required' },
        { field: 'guardian_name', problem: 'required' },
        { field: 'relay_team', problem: 'required' },
      ],
    });
  });

  it('hides an age-conditioned field when the age is unknown', () => {
    const result = checkAnswers([GUARDIAN], {});
    expect(result).toEqual({ ok: true, values: {} });
  });

  it('shows an age-conditioned field at its bound', () => {
    expect(checkAnswers([GUARDIAN], {}, 17)).toEqual({
      ok: false,
      errors: [{ field: 'guardian_name', problem: 'required' }],
    });
    expect(checkAnswers([GUARDIAN], {}, 18)).toEqual({ ok: true, values: {} });
  });

  it.each([
    [SIZE, 'xl', 'not_an_option'],
    [SIZE, 3, 'invalid_type'],
    [{ ...CLUB, showWhen: undefined }, 'A', 'too_short'],
    [{ ...CLUB, showWhen: undefined }, '很'.repeat(21), 'too_long'],
    [{ ...CLUB, showWhen: undefined }, 42, 'invalid_type'],
    [BEST_TIME, '59', 'below_min'],
    [BEST_TIME, 601, 'above_max'],
    [BEST_TIME, '3小时', 'invalid_type'],
    [BEST_TIME, '1e3', 'invalid_type'],
    [EVENTS, [], 'required'],
    [EVENTS, ['100m', '200m', 'relay'], 'too_many'],
    [EVENTS, ['marathon'], 'not_an_option'],
    [EVENTS, '100m', 'invalid_type'],
    [{ ...EVENTS, min: 2 }, ['100m'], 'too_few'],
    [
      { key: 'd', label: '日期', type: 'date', required: true } as FormField,
      '2026-02-29',
      'invalid_date',
    ],
    [
      { key: 'd', label: '日期', type: 'date', required: true } as FormField,
      '2026/03/01',
      'invalid_date',
    ],
    [
      { key: 'f', label: '附件', type: 'file', required: true } as FormField,
      '../etc/passwd',
      'invalid_type',
    ],
    [{ ...SIZE, showWhen: undefined }, '   ', 'required'],
  ])('rejects %#: %j', (field, answer, problem) => {
    const result = checkAnswers([field], { [field.key]: answer }, 30);
    expect(result).toEqual({ ok: false, errors: [{ field: field.key, problem }] });
  });

  it('counts text length in characters, not UTF-16 units', () => {
    const field: FormField = { key: 't', label: '文本', type: 'text', required: true, max: 2 };
    expect(checkAnswers([field], { t: '𠀀𠀁' })).toEqual({ ok: true, values: { t: '𠀀𠀁' } });
  });

  it('caps text without a maximum at 500 characters', () => {
    const field: FormField = { key: 't', label: '文本', type: 'text', required: true };
    expect(checkAnswers([field], { t: 'x'.repeat(500) }).ok).toBe(true);
    expect(checkAnswers([field], { t: 'x'.repeat(501) })).toEqual({
      ok: false,
      errors: [{ field: 't', problem: 'too_long' }],
    });
  });
});

describe('ageOn', () => {
  it.each([
    ['2000-06-15', '2026-06-14', 25],
    ['2000-06-15', '2026-06-15', 26],
    ['2008-02-29', '2026-02-28', 17],
    ['2008-02-29', '2026-03-01', 18],
    ['2008-02-29', '2028-02-29', 20],
    ['2012-12-31', '2026-01-01', 13],
  ])('born %s is on %s aged %i', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });
});

describe('isIsoDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['20260101', false],
  ])('%s is %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });
});

describe('checkEntrant', () => {
  it('normalises identifiers and derives birth date and gender', () => {
    const id = fakeId('20080229', '122');
    const result = checkEntrant(
      'required',
      {
        name: ' 测试用户 ',
        phone: '+86 １３８ 0013 8000',
        idNumber: id.toLowerCase().replace(/(.{6})/g, '$1 '),
      },
      '2026-03-01',
      TODAY,
    );
    expect(result).toEqual({
      ok: true,
      entrant: {
        name: '测试用户',
        phone: '13800138000',
        idNumber: id,
        birthDate: '2008-02-29',
        gender: 'female',
        age: 18,
      },
    });
  });

  it('uses the typed birth date without an ID number', () => {
    const result = checkEntrant(
      'optional',
      { name: '测试用户', phone: '13800138001', birthDate: '2014-05-01', gender: 'male' },
      '2026-05-01',
      TODAY,
    );
    expect(result).toEqual({
      ok: true,
      entrant: {
        name: '测试用户',
        phone: '13800138001',
        birthDate: '2014-05-01',
        gender: 'male',
        age: 12,
      },
    });
  });

  it('ignores an ID number the form does not ask for', () => {
    const result = checkEntrant(
      'hidden',
      { name: '测试用户', phone: '13800138001', idNumber: 'not checked' },
      '2026-05-01',
      TODAY,
    );
    expect(result).toEqual({ ok: true, entrant: { name: '测试用户', phone: '13800138001' } });
  });

  it('lists every entrant error at once', () => {
    const result = checkEntrant(
      'required',
      { name: '', phone: '12345', birthDate: '2030-01-01', gender: 'other' },
      '2026-05-01',
      TODAY,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'name', problem: 'required' },
        { field: 'phone', problem: 'invalid_type' },
        { field: 'idNumber', problem: 'required' },
        { field: 'birthDate', problem: 'birth_date_future' },
        { field: 'gender', problem: 'not_an_option' },
      ],
    });
  });

  it('rejects a birth date over 120 years ago', () => {
    const input = { name: '测试用户', phone: '13800138003' };
    const check = (birthDate: string) =>
      checkEntrant('optional', { ...input, birthDate }, '2026-05-01', TODAY);
    expect(check('1900-01-01')).toEqual({
      ok: false,
      errors: [{ field: 'birthDate', problem: 'birth_date_too_early' }],
    });
    // TODAY is 2026-12-04 in Shanghai.
    expect(check('1906-12-03').ok).toBe(false);
    expect(check('1906-12-04').ok).toBe(true);
  });

  it('rejects a birth date that is not a date', () => {
    const result = checkEntrant(
      'optional',
      { name: '测试用户', phone: '13800138004', birthDate: '2001-02-30' },
      '2026-05-01',
      TODAY,
    );
    expect(result).toEqual({
      ok: false,
      errors: [{ field: 'birthDate', problem: 'invalid_date' }],
    });
  });

  it('rejects a birth date or gender that contradicts the ID number', () => {
    const id = fakeId('19900101', '131');
    const result = checkEntrant(
      'optional',
      {
        name: '测试用户',
        phone: '13800138002',
        idNumber: id,
        birthDate: '1990-01-02',
        gender: 'female',
      },
      '2026-05-01',
      TODAY,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'birthDate', problem: 'not_an_option' },
        { field: 'gender', problem: 'not_an_option' },
      ],
    });
  });

  it('rejects an ID number with a wrong check character', () => {
    const id = fakeId('19900101');
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    const result = checkEntrant(
      'optional',
      { name: '测试用户', phone: '13800138003', idNumber: wrong },
      '2026-05-01',
      TODAY,
    );
    expect(result).toEqual({ ok: false, errors: [{ field: 'idNumber', problem: 'invalid_type' }] });
  });
});

describe('checkEligibility', () => {
  const adult: Entrant = { name: '测试用户', phone: '13800138000', gender: 'male', age: 30 };

  it.each([
    [{ gender: 'any' }, adult, []],
    [{ gender: 'female' }, adult, ['gender']],
    [{ gender: 'any', minAge: 30, maxAge: 30 }, adult, []],
    [{ gender: 'any', minAge: 31 }, adult, ['too_young']],
    [{ gender: 'any', maxAge: 29 }, adult, ['too_old']],
    [{ gender: 'female', maxAge: 29 }, adult, ['gender', 'too_old']],
    [{ gender: 'any', minAge: 6 }, { name: '测试用户', phone: '13800138000' }, ['age_unknown']],
    [{ gender: 'male' }, { name: '测试用户', phone: '13800138000' }, ['gender']],
  ] as const)('group %j and entrant %j: %j', (group, entrant, problems) => {
    expect(checkEligibility(group, entrant)).toEqual(problems);
  });
});

describe('checkAnswers by field type', () => {
  it.each([
    [{ key: 't', label: '文本', type: 'text', required: true }, '  队长  ', '队长'],
    [{ key: 'n', label: '数字', type: 'number', required: true }, '－3'.replace('－', '-'), -3],
    [{ key: 'n', label: '数字', type: 'number', required: true }, 12.5, 12.5],
    [{ key: 'd', label: '日期', type: 'date', required: true }, '２０２４-02-29', '2024-02-29'],
    [
      {
        key: 'c',
        label: '单选',
        type: 'single_choice',
        required: true,
        options: [{ value: 'a', label: 'A' }],
      },
      'a',
      'a',
    ],
    [
      {
        key: 'm',
        label: '多选',
        type: 'multiple_choice',
        required: true,
        options: [
          { value: 'a', label: 'A' },
          { value: 'b', label: 'B' },
        ],
      },
      ['b', 'a'],
      ['b', 'a'],
    ],
    [
      { key: 'f', label: '附件', type: 'file', required: true },
      '0190f2c4-3b1e-7cc1-9a7e-6d1f0b8e2a11',
      '0190f2c4-3b1e-7cc1-9a7e-6d1f0b8e2a11',
    ],
  ] as [FormField, unknown, unknown][])('accepts %#: %j', (field, answer, stored) => {
    expect(checkAnswers([field], { [field.key]: answer })).toEqual({
      ok: true,
      values: { [field.key]: stored },
    });
  });

  it('shows a field conditioned on a number answer', () => {
    const fields: FormField[] = [
      { key: 'laps', label: '圈数', type: 'number', required: true },
      {
        key: 'pace',
        label: '配速',
        type: 'text',
        required: true,
        showWhen: { field: 'laps', equals: 10 },
      },
    ];
    expect(checkAnswers(fields, { laps: '１０' })).toEqual({
      ok: false,
      errors: [{ field: 'pace', problem: 'required' }],
    });
    expect(checkAnswers(fields, { laps: 9, pace: '5分' })).toEqual({
      ok: true,
      values: { laps: 9 },
    });
  });

  it('shows an age-conditioned field from a minimum age', () => {
    const field: FormField = {
      key: 'medical',
      label: '体检证明',
      type: 'file',
      required: true,
      showWhen: { age: { min: 60 } },
    };
    expect(checkAnswers([field], {}, 59)).toEqual({ ok: true, values: {} });
    expect(checkAnswers([field], {}, 60)).toEqual({
      ok: false,
      errors: [{ field: 'medical', problem: 'required' }],
    });
  });
});

describe('checkFormDefinition limits', () => {
  it('rejects long labels, long help and blank options', () => {
    const form: RegistrationForm = {
      idNumber: 'optional',
      fields: [
        { key: 'a', label: '长'.repeat(51), type: 'text', required: false, help: '帮'.repeat(201) },
        {
          key: 'b',
          label: '选项',
          type: 'single_choice',
          required: false,
          options: [{ value: 'x', label: ' ' }],
        },
      ],
    };
    expect(checkFormDefinition(form)).toEqual([
      { path: 'fields.0.label', problem: 'too_long' },
      { path: 'fields.0.help', problem: 'too_long' },
      { path: 'fields.1.options', problem: 'empty_label' },
    ]);
  });
});

describe('shownFieldKeys', () => {
  it('follows answers and age as checkAnswers does', () => {
    const fields = [SIZE, HAS_CLUB, CLUB, GUARDIAN, EVENTS, RELAY_TEAM];
    expect([...shownFieldKeys(fields, { has_club: 'yes', events: ['relay'] }, 16)]).toEqual([
      'shirt_size',
      'has_club',
      'club',
      'guardian_name',
      'events',
      'relay_team',
    ]);
    expect([...shownFieldKeys(fields, { has_club: 'no', events: ['marathon'] }, 30)]).toEqual([
      'shirt_size',
      'has_club',
      'events',
    ]);
  });
});
