import { describe, expect, it } from 'vitest';

import {
  BUILT_IN_FORM_TEMPLATES,
  checkOneClick,
  DEFAULT_REGISTRATION_FORM,
  needsGuardianConsent,
  YOUTH_REGISTRATION_FORM,
} from './form-templates.js';
import { ageOn, checkAnswers, checkFormDefinition, type RegistrationForm } from './forms.js';

describe('built-in form templates', () => {
  it.each(BUILT_IN_FORM_TEMPLATES.map((template) => [template.id, template.form] as const))(
    'defines %s without problems',
    (_id, form) => {
      expect(checkFormDefinition(form)).toEqual([]);
    },
  );

  it('asks nothing beyond name and mobile by default', () => {
    expect(DEFAULT_REGISTRATION_FORM.fields).toEqual([]);
    expect(DEFAULT_REGISTRATION_FORM.idNumber).toBe('optional');
  });

  it('asks a guardian of an entrant under 18 only', () => {
    const fields = YOUTH_REGISTRATION_FORM.fields;
    expect(checkAnswers(fields, {}, 17)).toEqual({
      ok: false,
      errors: [
        { field: 'guardian_name', problem: 'required' },
        { field: 'guardian_phone', problem: 'required' },
      ],
    });
    expect(checkAnswers(fields, { guardian_name: '王大明' }, 18)).toEqual({
      ok: true,
      values: {},
    });
  });
});

describe('needsGuardianConsent', () => {
  it.each([
    [13, true],
    [14, false],
    [0, true],
    [undefined, false],
  ])('age %s needs consent: %s', (age, expected) => {
    expect(needsGuardianConsent(age)).toBe(expected);
  });

  it('turns 14 on 1 March for a 29 February birthday in a common year', () => {
    expect(needsGuardianConsent(ageOn('2012-02-29', '2026-02-28'))).toBe(true);
    expect(needsGuardianConsent(ageOn('2012-02-29', '2026-03-01'))).toBe(false);
  });

  it('counts a 29 February birthday in leap years', () => {
    expect(needsGuardianConsent(ageOn('2016-02-29', '2030-02-28'))).toBe(true);
    expect(needsGuardianConsent(ageOn('2016-02-29', '2030-03-01'))).toBe(false);
    expect(ageOn('2016-02-29', '2032-02-29')).toBe(16);
    expect(ageOn('2016-02-29', '2032-02-28')).toBe(15);
  });
});

describe('checkOneClick', () => {
  const full = { hasRealName: true, hasIdNumber: true, age: 30 };

  it('accepts a profile that fills the default form', () => {
    expect(
      checkOneClick(DEFAULT_REGISTRATION_FORM, { hasRealName: true, hasIdNumber: false }),
    ).toEqual([]);
  });

  it('lists every missing part at once', () => {
    const form: RegistrationForm = {
      idNumber: 'required',
      fields: [{ key: 'size', label: '尺码', type: 'text', required: true }],
    };
    expect(checkOneClick(form, { hasRealName: false, hasIdNumber: false, age: 10 })).toEqual([
      'real_name_missing',
      'id_number_missing',
      'guardian_consent_needed',
      'form_fields_required',
    ]);
  });

  it('ignores required fields hidden for this entrant', () => {
    expect(checkOneClick(YOUTH_REGISTRATION_FORM, full)).toEqual([]);
    expect(checkOneClick(YOUTH_REGISTRATION_FORM, { ...full, age: 16 })).toEqual([
      'form_fields_required',
    ]);
    const conditional: RegistrationForm = {
      idNumber: 'hidden',
      fields: [
        { key: 'club', label: '俱乐部', type: 'text', required: false },
        {
          key: 'club_name',
          label: '俱乐部名称',
          type: 'text',
          required: true,
          showWhen: { field: 'club', equals: 'yes' },
        },
      ],
    };
    expect(checkOneClick(conditional, full)).toEqual([]);
  });

  it('accepts optional custom fields', () => {
    const form: RegistrationForm = {
      idNumber: 'optional',
      fields: [{ key: 'note', label: '备注', type: 'text', required: false }],
    };
    expect(checkOneClick(form, full)).toEqual([]);
  });
});
