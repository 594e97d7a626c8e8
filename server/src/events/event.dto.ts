import {
  permittedEventActions,
  registrationStatus,
  sportName,
  type EventLevel,
  type EventState,
  type AccountType,
  type ReviewRoute,
  type Section,
} from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import type { EventRow } from '../db/schema.js';

import type { EventView } from './event.repository.js';

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** Maps an event to the public shape, with the registration status on the database clock. */
export function toPublicEvent(event: EventView) {
  const status = registrationStatus(
    {
      opensAt: new Date(event.registration_opens_at),
      closesAt: new Date(event.registration_closes_at),
      capacity: event.capacity,
      registeredCount: event.registered_count,
    },
    new Date(event.db_now),
  );
  return {
    id: event.id,
    name: event.name,
    sport: event.sport,
    sportName: sportName(event.sport) ?? event.sport,
    level: event.level as EventLevel,
    section: event.section as Section,
    divisionCode: event.division_code,
    divisionName: event.division_name,
    districtCode: event.district_code,
    districtName: event.district_name,
    venue: event.venue,
    startsAt: iso(event.starts_at),
    endsAt: iso(event.ends_at),
    capacity: event.capacity,
    registeredCount: event.registered_count,
    placesLeft: Math.max(0, event.capacity - event.registered_count),
    registrationOpensAt: iso(event.registration_opens_at),
    registrationClosesAt: iso(event.registration_closes_at),
    registrationStatus: status,
    organiserName: event.organiser_name,
    publishedAt: isoOrNull(event.published_at),
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

/**
 * Maps an event to the console shape: the public fields, its filing and review state, and the
 * actions the viewer may take on it, so that the console shows exactly those buttons.
 */
export function toConsoleEvent(event: EventView, viewer: Principal) {
  const actions = permittedEventActions(
    {
      accountType: viewer.accountType as AccountType,
      divisionCode: viewer.divisionCode,
      organisationId: viewer.organisationId,
    },
    {
      organisationId: event.organisation_id,
      state: event.state as EventState,
      route: storedRoute(event),
      registeredCount: event.registered_count,
    },
  );
  return {
    ...toPublicEvent(event),
    actions,
    state: event.state as EventState,
    organisationId: event.organisation_id,
    contractId: event.contract_id,
    returnReason: event.return_reason,
    reviewerAccountType: event.reviewer_type,
    reviewerDistrictCode: event.reviewer_district_code,
    submittedAt: isoOrNull(event.submitted_at),
    approvedAt: isoOrNull(event.approved_at),
    createdAt: iso(event.created_at),
    updatedAt: iso(event.updated_at),
  };
}
