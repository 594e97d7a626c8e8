import type { EventLevel, Section } from '@cityleague/domain';
import type { Dayjs } from 'dayjs';
import { isoToPickerValue, pickerValueToIso } from '../time';
import type { ConsoleEvent, FilingDetailValues } from '../types';

/** Values of the filing form. Every detail may be empty while the filing is a draft. */
export interface FilingFormValues {
  contractId?: string;
  name?: string;
  level?: EventLevel;
  section?: Section;
  sport?: string;
  district?: string;
  street?: string;
  community?: string;
  venue?: string;
  address?: string;
  startsAt?: Dayjs;
  endsAt?: Dayjs;
  registrationOpensAt?: Dayjs;
  registrationClosesAt?: Dayjs;
  capacity?: number | null;
  host?: string;
  organiser?: string;
  coOrganisers?: string[];
  expectedParticipants?: number | null;
  /** The entry fee in yuan, with two decimals; the API takes fen (feeCents). */
  feeYuan?: number | null;
  rules?: string;
  safetyPlan?: string;
  medicalCover?: string;
  insurance?: string;
  contactName?: string;
  contactPhone?: string;
  description?: string;
}
export type FormFieldName = keyof FilingFormValues;

/** A filing as the API names its fields, with null for a detail the form leaves empty. */
export type FilingPayload = {
  name: string | null;
  level: EventLevel | null;
  section: Section | null;
} & { [K in keyof FilingDetailValues]: FilingDetailValues[K] | null };
export type PayloadField = keyof FilingPayload;

/**
 * Splits a division code into the district, street and neighbourhood committee it names.
 * Shanghai's codes nest by prefix: 310104 (district), 310104014 (street), 310104014001
 * (committee).
 */
export function divisionParts(code: string | null | undefined) {
  if (!code) return { district: undefined, street: undefined, community: undefined };
  return {
    district: code.slice(0, 6),
    street: code.length >= 9 ? code.slice(0, 9) : undefined,
    community: code.length >= 12 ? code : undefined,
  };
}

const text = (value: string | null | undefined) => value ?? undefined;

/** Reads an event into the form's values. */
export function valuesOfEvent(event: ConsoleEvent): FilingFormValues {
  // A draft may lack any detail, although the shared event type declares most of them non-null.
  const draft = event as { [K in keyof ConsoleEvent]: ConsoleEvent[K] | null };
  return {
    contractId: text(draft.contractId),
    name: event.name,
    level: event.level,
    section: event.section,
    sport: text(draft.sport),
    ...divisionParts(draft.divisionCode),
    venue: text(draft.venue),
    address: text(draft.address),
    startsAt: isoToPickerValue(draft.startsAt),
    endsAt: isoToPickerValue(draft.endsAt),
    registrationOpensAt: isoToPickerValue(draft.registrationOpensAt),
    registrationClosesAt: isoToPickerValue(draft.registrationClosesAt),
    capacity: draft.capacity,
    host: text(draft.host),
    organiser: text(draft.organiser),
    coOrganisers: draft.coOrganisers ?? [],
    expectedParticipants: draft.expectedParticipants,
    feeYuan: draft.feeCents === null ? null : draft.feeCents / 100,
    rules: text(draft.rules),
    safetyPlan: text(draft.safetyPlan),
    medicalCover: text(draft.medicalCover),
    insurance: text(draft.insurance),
    contactName: text(draft.contactName),
    contactPhone: text(draft.contactPhone),
    description: text(draft.description),
  };
}

function trimmed(value: string | undefined): string | null {
  const result = value?.trim() ?? '';
  return result === '' ? null : result;
}

function instant(value: Dayjs | undefined | null): string | null {
  return value ? pickerValueToIso(value) : null;
}

function integer(value: number | null | undefined): number | null {
  return value === undefined || value === null ? null : value;
}

/** Converts yuan to whole fen, so that 12.34 yuan is exactly 1234 fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

/** Converts the form's values to the API's fields, trimmed, with null for every empty one. */
export function payloadOfValues(values: FilingFormValues): FilingPayload {
  const coOrganisers = (values.coOrganisers ?? [])
    .map((organisation) => organisation.trim())
    .filter((organisation) => organisation !== '');
  return {
    name: trimmed(values.name),
    level: values.level ?? null,
    section: values.section ?? null,
    contractId: values.contractId ?? null,
    sport: values.sport ?? null,
    divisionCode: values.community ?? values.street ?? values.district ?? null,
    venue: trimmed(values.venue),
    address: trimmed(values.address),
    startsAt: instant(values.startsAt),
    endsAt: instant(values.endsAt),
    registrationOpensAt: instant(values.registrationOpensAt),
    registrationClosesAt: instant(values.registrationClosesAt),
    capacity: integer(values.capacity),
    host: trimmed(values.host),
    organiser: trimmed(values.organiser),
    coOrganisers: coOrganisers.length === 0 ? null : coOrganisers,
    expectedParticipants: integer(values.expectedParticipants),
    feeCents:
      values.feeYuan === undefined || values.feeYuan === null ? null : yuanToFen(values.feeYuan),
    rules: trimmed(values.rules),
    safetyPlan: trimmed(values.safetyPlan),
    medicalCover: trimmed(values.medicalCover),
    insurance: trimmed(values.insurance),
    contactName: trimmed(values.contactName),
    contactPhone: trimmed(values.contactPhone),
    description: trimmed(values.description),
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/** Lists the fields whose value differs between two versions of a filing. */
export function changedFields(current: FilingPayload, saved: FilingPayload): PayloadField[] {
  return (Object.keys(current) as PayloadField[]).filter(
    (field) => !sameValue(current[field], saved[field]),
  );
}

/** Returns a filing with no detail at all, as the server stores it before the first save. */
export function emptyPayload(): FilingPayload {
  return payloadOfValues({});
}

/** Form fields that hold each API field, in the order the forms show them. */
export const FORM_FIELDS_OF: Record<PayloadField, readonly FormFieldName[]> = {
  contractId: ['contractId'],
  name: ['name'],
  level: ['level'],
  section: ['section'],
  sport: ['sport'],
  divisionCode: ['district', 'street', 'community'],
  venue: ['venue'],
  address: ['address'],
  startsAt: ['startsAt'],
  endsAt: ['endsAt'],
  registrationOpensAt: ['registrationOpensAt'],
  registrationClosesAt: ['registrationClosesAt'],
  capacity: ['capacity'],
  host: ['host'],
  organiser: ['organiser'],
  coOrganisers: ['coOrganisers'],
  expectedParticipants: ['expectedParticipants'],
  feeCents: ['feeYuan'],
  rules: ['rules'],
  safetyPlan: ['safetyPlan'],
  medicalCover: ['medicalCover'],
  insurance: ['insurance'],
  contactName: ['contactName'],
  contactPhone: ['contactPhone'],
  description: ['description'],
};

/** Returns the API field that a form field feeds. */
export function payloadFieldOf(field: FormFieldName): PayloadField {
  const entry = Object.entries(FORM_FIELDS_OF).find(([, fields]) => fields.includes(field));
  if (!entry) throw new Error(`Form field ${field} feeds no API field`);
  return entry[0] as PayloadField;
}
