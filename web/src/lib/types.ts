import type { DivisionLevel, EventLevel, RegistrationStatus, Section } from '@cityleague/domain';

/** An administrative division as GET /api/divisions returns it. */
export interface Division {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
}

/** A sport of the catalogue as GET /api/sports returns it. */
export interface Sport {
  code: string;
  name: string;
  category: string;
  categoryName: string;
  /** Pinyin initials of the name (篮球: lq), which the sport picker matches. */
  initials: string;
}

/** An event as the public endpoints return it; times are ISO 8601 strings in UTC. */
export interface PublicEvent {
  id: string;
  name: string;
  sport: string;
  sportName: string;
  level: EventLevel;
  section: Section;
  divisionCode: string;
  divisionName: string;
  districtCode: string;
  districtName: string;
  venue: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  registeredCount: number;
  placesLeft: number;
  registrationOpensAt: string;
  registrationClosesAt: string;
  registrationStatus: RegistrationStatus;
  organiserName: string;
  /** Null until the event is published; console lists show unpublished events too. */
  publishedAt: string | null;
}
