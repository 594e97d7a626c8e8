import {
  CHANGE_STATES,
  EVENT_LEVELS,
  REVIEW_STEPS,
  EVENT_STATES,
  PERMITTED_EVENT_ACTIONS,
  SECTIONS,
  type RegistrationStatus,
} from '@cityleague/domain';
import { Type, type Static } from 'typebox';
import { FormalText, StringEnum } from '../http/schemas.js';

const Timestamp = Type.String({ format: 'date-time', examples: ['2026-12-05T01:00:00.000Z'] });
// The service trims names and venues, so a value of spaces alone must be rejected here.
const NOT_BLANK = '\\S';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: NOT_BLANK });
// Names and addresses that filings, SMS and printed documents show verbatim reject emoji. The
// long texts (rules, plans, description) accept them.
const Name = (maxLength: number) => FormalText({ minLength: 1, maxLength, pattern: NOT_BLANK });

/** Every detail of a filing. Drafts may leave out any of them but name, level and section. */
const filingFields = {
  sport: Type.String({ minLength: 1, maxLength: 40 }),
  divisionCode: Type.String({ pattern: '^[0-9]{6,12}$' }),
  venue: FormalText({ minLength: 2, maxLength: 200, pattern: NOT_BLANK }),
  address: Name(300),
  startsAt: Timestamp,
  endsAt: Timestamp,
  capacity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  registrationOpensAt: Timestamp,
  registrationClosesAt: Timestamp,
  host: Name(200),
  organiser: Name(200),
  coOrganisers: Type.Array(Name(200), { maxItems: 10 }),
  expectedParticipants: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  /** The entry fee in fen (hundredths of a yuan); 0 for a free event. */
  feeCents: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  rules: Text(20_000),
  safetyPlan: Text(20_000),
  medicalCover: Text(5_000),
  insurance: Text(5_000),
  contactName: Name(50),
  contactPhone: Type.String({ pattern: '^\\+?[0-9][0-9 -]{6,19}$', maxLength: 20 }),
  description: Text(5_000),
  /**
   * The contract the event is filed under. Required from contractors, and then level,
   * section, sport, district and year must match the contract.
   */
  contractId: Type.String({ format: 'uuid' }),
};

const required = {
  name: FormalText({ minLength: 2, maxLength: 100, pattern: NOT_BLANK }),
  level: StringEnum(EVENT_LEVELS),
  section: StringEnum(SECTIONS),
};

/** A new filing: name, level and section, and any details known yet. */
export const EventInputSchema = Type.Object(
  {
    ...required,
    ...Object.fromEntries(
      Object.entries(filingFields).map(([key, schema]) => [key, Type.Optional(schema)]),
    ),
  } as typeof required & {
    [K in keyof typeof filingFields]: ReturnType<typeof Type.Optional<(typeof filingFields)[K]>>;
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInputSchema>;

/**
 * A null that clears a detail. The validator coerces 0, false and '' to null for a null type, and
 * null to '' or 0 for the other types. So the null is a `const`, first in each union, and a
 * capacity of 0 fails instead of clearing the capacity.
 */
const Clear = Type.Unsafe<null>({ const: null });

/**
 * A change to a filing. A null clears a detail of a draft or returned filing; submit then
 * lists it as missing.
 */
export const EventPatchSchema = Type.Object(
  {
    name: Type.Optional(required.name),
    level: Type.Optional(required.level),
    section: Type.Optional(required.section),
    ...Object.fromEntries(
      Object.entries(filingFields).map(([key, schema]) => [
        key,
        Type.Optional(Type.Union([Clear, schema])),
      ]),
    ),
  } as {
    name: ReturnType<typeof Type.Optional<typeof required.name>>;
    level: ReturnType<typeof Type.Optional<typeof required.level>>;
    section: ReturnType<typeof Type.Optional<typeof required.section>>;
  } & {
    [K in keyof typeof filingFields]: ReturnType<
      typeof Type.Optional<ReturnType<typeof Type.Union<[(typeof filingFields)[K], typeof Clear]>>>
    >;
  },
  { additionalProperties: false },
);
export type EventPatch = Static<typeof EventPatchSchema>;

/** A filing's details as stored: every field present, null where a draft lacks it. */
export type Filing = {
  name: string;
  level: EventInput['level'];
  section: EventInput['section'];
} & {
  [K in Exclude<keyof EventInput, 'name' | 'level' | 'section'>]-?: Exclude<
    EventInput[K],
    undefined
  > | null;
};

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const RegistrationStatusSchema = StringEnum<RegistrationStatus>([
  'not_open',
  'open',
  'closed',
  'full',
]);

const publicFields = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  sport: Type.String(),
  sportName: Type.String(),
  level: StringEnum(EVENT_LEVELS),
  section: StringEnum(SECTIONS),
  divisionCode: Type.String(),
  divisionName: Type.String(),
  districtCode: Type.String(),
  districtName: Type.String(),
  venue: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  capacity: Type.Integer(),
  registeredCount: Type.Integer(),
  placesLeft: Type.Integer(),
  registrationOpensAt: Timestamp,
  registrationClosesAt: Timestamp,
  registrationStatus: RegistrationStatusSchema,
  organiserName: Type.String(),
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  address: NullableString,
  host: NullableString,
  organiser: NullableString,
  coOrganisers: Type.Array(Type.String()),
  feeCents: Type.Union([Type.Integer(), Type.Null()]),
  rules: NullableString,
  description: NullableString,
};

export const PublicEventSchema = Type.Object(publicFields);

const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** A detail a draft may still lack. */
const draftFields = {
  sport: NullableString,
  sportName: NullableString,
  divisionCode: NullableString,
  divisionName: NullableString,
  districtCode: NullableString,
  districtName: NullableString,
  venue: NullableString,
  startsAt: NullableTimestamp,
  endsAt: NullableTimestamp,
  capacity: Nullable(Type.Integer()),
  placesLeft: Nullable(Type.Integer()),
  registrationOpensAt: NullableTimestamp,
  registrationClosesAt: NullableTimestamp,
  registrationStatus: Nullable(RegistrationStatusSchema),
  expectedParticipants: Nullable(Type.Integer()),
  safetyPlan: NullableString,
  medicalCover: NullableString,
  insurance: NullableString,
  contactName: NullableString,
  contactPhone: NullableString,
};

export const ReviewStepSchema = Type.Object({
  step: StringEnum(REVIEW_STEPS),
  federation: Type.Optional(Type.String()),
  done: Type.Union([
    Type.Object({ at: Timestamp, by: Type.String(), byName: Type.String(), note: Type.String() }),
    Type.Null(),
  ]),
});

export const ChangeRequestSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  eventId: Type.String({ format: 'uuid' }),
  state: StringEnum(CHANGE_STATES),
  fields: Type.Array(Type.String()),
  before: Type.Record(Type.String(), Type.Unknown()),
  after: Type.Record(Type.String(), Type.Unknown()),
  reason: Type.String(),
  returnReason: NullableString,
  submittedAt: Timestamp,
  decidedAt: NullableTimestamp,
});

export const ConsoleEventSchema = Type.Object({
  ...publicFields,
  ...draftFields,
  form: StringEnum(['full', 'short'] as const, {
    description: 'The filing form: full for city and district events, short for community games',
  }),
  missingFields: Type.Array(Type.String(), {
    description: 'Required details the filing still lacks; submit is rejected until it is empty',
  }),
  reviewSteps: Type.Array(ReviewStepSchema),
  pendingChange: Type.Union([ChangeRequestSchema, Type.Null()]),
  cancelReason: NullableString,
  copiedFrom: NullableString,
  cancelledAt: NullableTimestamp,
  actions: Type.Array(StringEnum(PERMITTED_EVENT_ACTIONS), {
    description: 'What the signed-in user may do with this event; the console shows these buttons',
  }),
  state: StringEnum(EVENT_STATES),
  organisationId: Type.String(),
  contractId: Type.Union([Type.String(), Type.Null()]),
  returnReason: Type.Union([Type.String(), Type.Null()]),
  /** The reviewer the filing goes to on submit; null when it passes on submit. */
  reviewerAccountType: Type.Union([Type.String(), Type.Null()]),
  reviewerDistrictCode: Type.Union([Type.String(), Type.Null()]),
  submittedAt: NullableTimestamp,
  approvedAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Whole days the filing or its pending change has waited for the reviewer, else null. */
  daysWaiting: Nullable(Type.Integer()),
});

export const TimelineSchema = Type.Array(
  Type.Object({
    at: Timestamp,
    action: Type.String(),
    actorName: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Record(Type.String(), Type.Unknown()),
  }),
);

export const ConsoleEventDetailSchema = Type.Object({
  ...ConsoleEventSchema.properties,
  timeline: TimelineSchema,
});

export const EventIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};
