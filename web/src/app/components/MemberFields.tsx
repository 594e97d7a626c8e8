import { residentIdProblem } from '@cityleague/domain';
import { Input } from 'antd-mobile';
import type { ReactNode } from 'react';
import { checkPhone, NAME_MAX_LENGTH, nameProblem } from '../registration-rules';

/** One member as typed into the form. */
export interface MemberDraft {
  name: string;
  phone: string;
  idNumber: string;
}

export type MemberErrors = Partial<Record<keyof MemberDraft, string>>;

export const EMPTY_MEMBER: MemberDraft = { name: '', phone: '', idNumber: '' };

/** Checks a member with the rules the server applies; returns the Chinese error per field. */
export function memberProblems(member: MemberDraft, idRequired: boolean): MemberErrors {
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
  return errors;
}

/** Returns the member as the API takes it: the phone normalised, an empty ID number left out. */
export function memberBody(member: MemberDraft) {
  const phone = checkPhone(member.phone);
  const idNumber = member.idNumber.trim();
  return {
    name: member.name.trim(),
    phone: 'phone' in phone ? phone.phone : member.phone.trim(),
    ...(idNumber ? { idNumber } : {}),
  };
}

/** Name, mobile number and ID number of one team member, each with its error below. */
export function MemberFields({
  label,
  value,
  errors,
  idRequired,
  idHidden = false,
  onChange,
  action,
}: {
  label: string;
  value: MemberDraft;
  errors: MemberErrors;
  idRequired: boolean;
  /** True when the event's form hides the ID number; the field is then left out. */
  idHidden?: boolean;
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
    </fieldset>
  );
}
