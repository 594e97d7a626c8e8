import { residentIdProblem } from '@cityleague/domain';
import { Checkbox, Input } from 'antd-mobile';
import type { ReactNode } from 'react';
import {
  checkPhone,
  GUARDIAN_CONSENT_MISSING,
  guardianHint,
  guardianNameProblem,
  guardianNeededFor,
  NAME_MAX_LENGTH,
  nameProblem,
  normaliseName,
} from '../registration-rules';

/** One member as typed into the form, with the guardian that a member under 14 needs. */
export interface MemberDraft {
  name: string;
  phone: string;
  idNumber: string;
  guardianName: string;
  guardianPhone: string;
  guardianConsent: boolean;
}

export type MemberErrors = Partial<Record<keyof MemberDraft, string>>;

export const EMPTY_MEMBER: MemberDraft = {
  name: '',
  phone: '',
  idNumber: '',
  guardianName: '',
  guardianPhone: '',
  guardianConsent: false,
};

/** The draft's field for each field of a server error at `members.<index>.guardian.<field>`. */
export const GUARDIAN_DRAFT_FIELDS: Record<string, keyof MemberDraft> = {
  name: 'guardianName',
  phone: 'guardianPhone',
  consent: 'guardianConsent',
};

/**
 * Checks a member with the rules the server applies and returns the Chinese error per field.
 * `startsAt` is the event's start, on which a member under 14 by the ID number needs a guardian.
 */
export function memberProblems(
  member: MemberDraft,
  idRequired: boolean,
  startsAt: string | null,
): MemberErrors {
  const errors: MemberErrors = {};
  const name = nameProblem(member.name);
  if (name) errors.name = name;
  const phone = checkPhone(member.phone);
  if ('problem' in phone) errors.phone = phone.problem;
  const id = member.idNumber.trim();
  if (id === '') {
    if (idRequired) errors.idNumber = '该组别有性别或年龄要求，请填写身份证号码';
  } else {
    const problem = residentIdProblem(id);
    if (problem) errors.idNumber = problem;
  }
  if (guardianNeededFor(member.idNumber, startsAt)) {
    const guardianName = guardianNameProblem(member.guardianName);
    if (guardianName) errors.guardianName = guardianName;
    const guardianPhone = checkPhone(member.guardianPhone);
    if ('problem' in guardianPhone) errors.guardianPhone = guardianPhone.problem;
    if (!member.guardianConsent) errors.guardianConsent = GUARDIAN_CONSENT_MISSING;
  }
  return errors;
}

/**
 * Returns the member as the API takes it: the phone normalised, an empty ID number left out,
 * and the guardian only for a member under 14 on the event's start date.
 */
export function memberBody(member: MemberDraft, startsAt: string | null) {
  const phone = checkPhone(member.phone);
  const idNumber = member.idNumber.trim();
  const guardianPhone = checkPhone(member.guardianPhone);
  const guardian = guardianNeededFor(idNumber, startsAt)
    ? {
        guardian: {
          name: normaliseName(member.guardianName),
          phone: 'phone' in guardianPhone ? guardianPhone.phone : member.guardianPhone.trim(),
          consent: member.guardianConsent,
        },
      }
    : {};
  return {
    name: member.name.trim(),
    phone: 'phone' in phone ? phone.phone : member.phone.trim(),
    ...(idNumber ? { idNumber } : {}),
    ...guardian,
  };
}

/**
 * Name, mobile number and ID number of one team member, each with its error below. A member
 * under 14 on the event's start date also gets the guardian's name, mobile number and consent.
 */
export function MemberFields({
  label,
  value,
  errors,
  idRequired,
  idHidden = false,
  startsAt,
  onChange,
  action,
}: {
  label: string;
  value: MemberDraft;
  errors: MemberErrors;
  idRequired: boolean;
  /** True when the event's form hides the ID number; the field is then left out. */
  idHidden?: boolean;
  /** The event's start, on which the member's age is taken. */
  startsAt: string | null;
  onChange: (value: MemberDraft) => void;
  action?: ReactNode;
}) {
  const field = (key: keyof MemberDraft, title: string, required: boolean, input: ReactNode) => (
    <label className={errors[key] ? 'member-field invalid' : 'member-field'}>
      <span className="member-field-label">
        {title}
        {required && <span className="member-required"> *</span>}
      </span>
      {input}
      {errors[key] && (
        <span className="member-field-error" role="alert">
          {errors[key]}
        </span>
      )}
    </label>
  );
  return (
    <fieldset className="member-card">
      <legend className="member-card-head">
        <span>{label}</span>
        {action}
      </legend>
      {field(
        'name',
        '姓名',
        true,
        <Input
          value={value.name}
          onChange={(name) => onChange({ ...value, name })}
          placeholder="真实姓名"
          maxLength={NAME_MAX_LENGTH}
          aria-label={`${label}姓名`}
          clearable
        />,
      )}
      {field(
        'phone',
        '手机号码',
        true,
        <Input
          value={value.phone}
          onChange={(phone) => onChange({ ...value, phone })}
          type="tel"
          inputMode="tel"
          placeholder="11位手机号码"
          maxLength={20}
          aria-label={`${label}手机号码`}
          clearable
        />,
      )}
      {!idHidden &&
        field(
          'idNumber',
          idRequired ? '身份证号码' : '身份证号码（选填）',
          idRequired,
          <Input
            value={value.idNumber}
            onChange={(idNumber) => onChange({ ...value, idNumber })}
            placeholder="18位身份证号码"
            maxLength={20}
            aria-label={`${label}身份证号码`}
            clearable
          />,
        )}
      {!idHidden && guardianNeededFor(value.idNumber, startsAt) && (
        <div className="member-guardian" role="group" aria-label={`${label}监护人同意`}>
          <p className="member-guardian-hint">{guardianHint('该队员')}</p>
          {field(
            'guardianName',
            '监护人姓名',
            true,
            <Input
              value={value.guardianName}
              onChange={(guardianName) => onChange({ ...value, guardianName })}
              placeholder="监护人真实姓名"
              maxLength={NAME_MAX_LENGTH}
              aria-label={`${label}监护人姓名`}
              clearable
            />,
          )}
          {field(
            'guardianPhone',
            '监护人手机号码',
            true,
            <Input
              value={value.guardianPhone}
              onChange={(guardianPhone) => onChange({ ...value, guardianPhone })}
              type="tel"
              inputMode="tel"
              placeholder="11位手机号码"
              maxLength={20}
              aria-label={`${label}监护人手机号码`}
              clearable
            />,
          )}
          <div className={errors.guardianConsent ? 'member-field invalid' : 'member-field'}>
            <Checkbox
              className="safety-checkbox"
              checked={value.guardianConsent}
              onChange={(guardianConsent) => onChange({ ...value, guardianConsent })}
            >
              监护人已同意该队员参加本次赛事
            </Checkbox>
            {errors.guardianConsent && (
              <span className="member-field-error" role="alert">
                {errors.guardianConsent}
              </span>
            )}
          </div>
        </div>
      )}
    </fieldset>
  );
}
