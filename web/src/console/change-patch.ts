import type { Dayjs } from 'dayjs';
import type { EventChangePatch } from './event-changes';
import { DATE_TIME_FORMAT, formatTime, isoToPickerValue, pickerValueToIso } from './time';
import type { ConsoleEvent } from './types';

/** Values of the change form: the changeable details, with times as picker values. */
export interface ChangeFormValues {
  name: string;
  district?: string;
  street?: string;
  venue: string;
  address?: string;
  startsAt?: Dayjs;
  endsAt?: Dayjs;
  registrationOpensAt?: Dayjs;
  registrationClosesAt?: Dayjs;
  capacity?: number;
  expectedParticipants?: number | null;
  /** The entry fee in yuan; the API takes fen. */
  feeYuan?: number | null;
  host?: string;
  organiser?: string;
  coOrganisers?: string[];
  rules?: string;
  safetyPlan?: string;
  medicalCover?: string;
  insurance?: string;
  contactName?: string;
  contactPhone?: string;
  description?: string;
  reason?: string;
}

const TEXT_FIELDS = [
  'name',
  'venue',
  'address',
  'host',
  'organiser',
  'rules',
  'safetyPlan',
  'medicalCover',
  'insurance',
  'contactName',
  'contactPhone',
  'description',
] as const;

const TIME_FIELDS = ['startsAt', 'endsAt', 'registrationOpensAt', 'registrationClosesAt'] as const;

/** Returns the form's starting values: the event's details as they are now. */
export function changeFormValues(event: ConsoleEvent): ChangeFormValues {
  const code = event.divisionCode ?? '';
  return {
    name: event.name,
    district: code.slice(0, 6) || undefined,
    street: code.length >= 9 ? code.slice(0, 9) : undefined,
    venue: event.venue ?? '',
    address: event.address ?? '',
    startsAt: isoToPickerValue(event.startsAt),
    endsAt: isoToPickerValue(event.endsAt),
    registrationOpensAt: isoToPickerValue(event.registrationOpensAt),
    registrationClosesAt: isoToPickerValue(event.registrationClosesAt),
    capacity: event.capacity ?? undefined,
    expectedParticipants: event.expectedParticipants,
    feeYuan: event.feeCents === null ? null : event.feeCents / 100,
    host: event.host ?? '',
    organiser: event.organiser ?? '',
    coOrganisers: event.coOrganisers,
    rules: event.rules ?? '',
    safetyPlan: event.safetyPlan ?? '',
    medicalCover: event.medicalCover ?? '',
    insurance: event.insurance ?? '',
    contactName: event.contactName ?? '',
    contactPhone: event.contactPhone ?? '',
    description: event.description ?? '',
  };
}

/**
 * Builds the patch of a change request: only the details whose value differs from the event's.
 * Text is trimmed and an emptied text becomes null. The place counts only when the division
 * fields were touched, so that an event held in a neighbourhood committee keeps its division.
 */
export function buildChangePatch(
  event: ConsoleEvent,
  values: ChangeFormValues,
  placeTouched: boolean,
): EventChangePatch {
  const patch: Record<string, unknown> = {};
  const current = event as unknown as Record<string, unknown>;

  for (const field of TEXT_FIELDS) {
    const raw = values[field];
    if (raw === undefined) continue;
    const after = raw.trim() === '' ? null : raw.trim();
    if (after !== (current[field] ?? null)) patch[field] = after;
  }
  for (const field of TIME_FIELDS) {
    const value = values[field];
    if (!value) continue;
    // The pickers show minutes, so a time still showing the stored minute is unchanged, even
    // when the stored time has seconds.
    if (value.format(DATE_TIME_FORMAT) === formatTime(event[field])) continue;
    patch[field] = pickerValueToIso(value);
  }
  if (values.capacity !== undefined && values.capacity !== event.capacity) {
    patch.capacity = values.capacity;
  }
  const participants = values.expectedParticipants ?? null;
  if (values.expectedParticipants !== undefined && participants !== event.expectedParticipants) {
    patch.expectedParticipants = participants;
  }
  if (values.feeYuan !== undefined) {
    const fee = values.feeYuan === null ? null : Math.round(values.feeYuan * 100);
    if (fee !== event.feeCents) patch.feeCents = fee;
  }
  if (values.coOrganisers !== undefined) {
    const after = values.coOrganisers.map((item) => item.trim()).filter((item) => item !== '');
    if (JSON.stringify(after) !== JSON.stringify(event.coOrganisers)) patch.coOrganisers = after;
  }
  const divisionCode = values.street ?? values.district;
  if (placeTouched && divisionCode && divisionCode !== event.divisionCode) {
    patch.divisionCode = divisionCode;
  }
  return patch as EventChangePatch;
}
