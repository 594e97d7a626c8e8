import {
  filingFormOf,
  missingFilingFields,
  permittedEventActions,
  registrationStatus,
  sportName,
  type AccountType,
  type EventLevel,
  type EventState,
  type ReviewRoute,
  type Section,
} from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import type { EventRow, StoredReviewStep } from '../db/schema.js';

import type { EventView } from './event.repository.js';
import type { Filing } from './event.schemas.js';

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));
const DAY = 86_400_000;

/** Reads a stored event's filing details, with null where a draft lacks one. */
export function filingOf(event: EventRow): Filing {
  return {
    name: event.name,
    level: event.level as EventLevel,
    section: event.section as Section,
    sport: event.sport,
    divisionCode: event.division_code,
    venue: event.venue,
    address: event.address,
    startsAt: isoOrNull(event.starts_at),
    endsAt: isoOrNull(event.ends_at),
    capacity: event.capacity,
    registrationOpensAt: isoOrNull(event.registration_opens_at),
    registrationClosesAt: isoOrNull(event.registration_closes_at),
    host: event.host,
    organiser: event.organiser,
    coOrganisers: event.co_organisers.length === 0 ? null : event.co_organisers,
    expectedParticipants: event.expected_participants,
    feeCents: event.fee_cents,
    rules: event.rules,
    safetyPlan: event.safety_plan,
    medicalCover: event.medical_cover,
    insurance: event.insurance,
    contactName: event.contact_name,
    contactPhone: event.contact_phone,
    description: event.description,
    contractId: event.contract_id,
  };
}

/**
 * Derives the registration status on the database clock. Registration opens only for a
 * published event, so a cancelled event is closed and an unpublished one has no status,
 * whatever its window.
 */
function statusOf(event: EventView) {
  if (event.state === 'cancelled') return 'closed';
  if (
    event.state !== 'published' ||
    event.registration_opens_at === null ||
    event.registration_closes_at === null ||
    event.capacity === null
  ) {
    return null;
  }
  return registrationStatus(
    {
      opensAt: new Date(event.registration_opens_at),
      closesAt: new Date(event.registration_closes_at),
      capacity: event.capacity,
      registeredCount: event.capacity - placesLeftOf(event, event.capacity),
    },
    new Date(event.db_now),
  );
}

/** Counts the places left: the event's, or fewer when its groups hold fewer. */
function placesLeftOf(event: EventView, capacity: number): number {
  const left = capacity - event.registered_count;
  const inGroups = event.group_places_left ?? left;
  return Math.max(0, Math.min(left, inGroups));
}

/** Fields shared by the public and console shapes, with null where a draft lacks a detail. */
function commonFields(event: EventView) {
  return {
    id: event.id,
    name: event.name,
    sport: event.sport,
    sportName: event.sport === null ? null : (sportName(event.sport) ?? event.sport),
    level: event.level as EventLevel,
    section: event.section as Section,
    divisionCode: event.division_code,
    divisionName: event.division_name,
    districtCode: event.district_code,
    districtName: event.district_name,
    venue: event.venue,
    startsAt: isoOrNull(event.starts_at),
    endsAt: isoOrNull(event.ends_at),
    capacity: event.capacity,
    registeredCount: event.registered_count,
    placesLeft: event.capacity === null ? null : placesLeftOf(event, event.capacity),
    registrationOpensAt: isoOrNull(event.registration_opens_at),
    registrationClosesAt: isoOrNull(event.registration_closes_at),
    registrationStatus: statusOf(event),
    organiserName: event.organiser_name,
    publishedAt: isoOrNull(event.published_at),
    address: event.address,
    host: event.host,
    organiser: event.organiser,
    coOrganisers: event.co_organisers,
    feeCents: event.fee_cents,
    rules: event.rules,
    description: event.description,
  };
}

function filed<T>(value: T | null, id: string, field: string): T {
  if (value === null) throw new Error(`Filed event ${id} lacks ${field}`);
  return value;
}

/**
 * Maps a filed event to the public fields, with a registration status of null until it is
 * published. The database keeps every filed event complete, so a missing detail here is a
 * programming error.
 */
export function toFiledEvent(event: EventView) {
  const common = commonFields(event);
  const need = <T>(value: T | null, field: string) => filed(value, event.id, field);
  return {
    ...common,
    sport: need(common.sport, 'sport'),
    sportName: need(common.sportName, 'sport'),
    divisionCode: need(common.divisionCode, 'divisionCode'),
    divisionName: need(common.divisionName, 'divisionCode'),
    districtCode: need(common.districtCode, 'districtCode'),
    districtName: need(common.districtName, 'districtCode'),
    venue: need(common.venue, 'venue'),
    startsAt: need(common.startsAt, 'startsAt'),
    endsAt: need(common.endsAt, 'endsAt'),
    capacity: need(common.capacity, 'capacity'),
    placesLeft: need(common.placesLeft, 'capacity'),
    registrationOpensAt: need(common.registrationOpensAt, 'registrationOpensAt'),
    registrationClosesAt: need(common.registrationClosesAt, 'registrationClosesAt'),
  };
}

/**
 * Maps a published or cancelled event to the public shape. Only such events are public, so a
 * missing status here is a programming error.
 */
export function toPublicEvent(event: EventView) {
  const fields = toFiledEvent(event);
  return {
    ...fields,
    registrationStatus: filed(fields.registrationStatus, event.id, 'registration status'),
  };
}

/** Returns the review route stored on a filing: approval on submit, or the named reviewer. */
export function storedRoute(
  event: Pick<EventRow, 'reviewer_type' | 'reviewer_district_code'>,
): ReviewRoute {
  if (!event.reviewer_type) return { kind: 'auto' };
  return {
    kind: 'reviewer',
    reviewerType: event.reviewer_type as 'committee',
    ...(event.reviewer_district_code ? { districtCode: event.reviewer_district_code } : {}),
  };
}

/** A change request as the console shows it. */
export interface ChangeView {
  id: string;
  event_id: string;
  state: string;
  fields: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  reason: string;
  return_reason: string | null;
  submitted_at: Date | string;
  decided_at: Date | string | null;
}

export function toChangeRequest(change: ChangeView) {
  return {
    id: change.id,
    eventId: change.event_id,
    state: change.state as 'pending',
    fields: change.fields,
    before: change.before,
    after: change.after,
    reason: change.reason,
    returnReason: change.return_reason,
    submittedAt: iso(change.submitted_at),
    decidedAt: isoOrNull(change.decided_at),
  };
}

function daysSince(since: Date | string | null, now: Date | string): number | null {
  if (since === null) return null;
  return Math.max(0, Math.floor((new Date(now).getTime() - new Date(since).getTime()) / DAY));
}

/**
 * Maps an event to the console shape: its filing details, its review state, and the actions
 * the viewer may take on it, so that the console shows exactly those buttons.
 */
export function toConsoleEvent(
  event: EventView,
  viewer: Principal,
  pendingChange: ChangeView | null = null,
) {
  const state = event.state as EventState;
  const actions = permittedEventActions(
    {
      accountType: viewer.accountType as AccountType,
      divisionCode: viewer.divisionCode,
      organisationId: viewer.organisationId,
    },
    {
      organisationId: event.organisation_id,
      state,
      route: storedRoute(event),
      registeredCount: event.registered_count,
      hasPendingChange: event.pending_change_id !== null,
    },
  );
  const form = filingFormOf({
    level: event.level as EventLevel,
    section: event.section as Section,
  });
  const filing = filingOf(event);
  const waitingSince =
    state === 'submitted' ? event.submitted_at : (pendingChange?.submitted_at ?? null);
  return {
    ...commonFields(event),
    expectedParticipants: event.expected_participants,
    safetyPlan: event.safety_plan,
    medicalCover: event.medical_cover,
    insurance: event.insurance,
    contactName: event.contact_name,
    contactPhone: event.contact_phone,
    form,
    missingFields: missingFilingFields(form, filing),
    reviewSteps: event.review_steps as (StoredReviewStep & { step: 'pre_review' })[],
    pendingChange: pendingChange === null ? null : toChangeRequest(pendingChange),
    cancelReason: event.cancel_reason,
    copiedFrom: event.copied_from,
    cancelledAt: isoOrNull(event.cancelled_at),
    actions,
    state,
    organisationId: event.organisation_id,
    contractId: event.contract_id,
    returnReason: event.return_reason,
    reviewerAccountType: event.reviewer_type,
    reviewerDistrictCode: event.reviewer_district_code,
    submittedAt: isoOrNull(event.submitted_at),
    approvedAt: isoOrNull(event.approved_at),
    createdAt: iso(event.created_at),
    updatedAt: iso(event.updated_at),
    daysWaiting: daysSince(waitingSince, event.db_now),
  };
}
