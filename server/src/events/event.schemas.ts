import {
  EVENT_LEVELS,
  EVENT_STATES,
  PERMITTED_EVENT_ACTIONS,
  SECTIONS,
  type RegistrationStatus,
} from '@cityleague/domain';
import { Type, type Static } from 'typebox';
import { StringEnum } from '../http/schemas.js';

const Timestamp = Type.String({ format: 'date-time', examples: ['2026-12-05T01:00:00.000Z'] });
// The service trims names and venues, so a value of spaces alone must be rejected here.
const NOT_BLANK = '\\S';

export const EventInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 100, pattern: NOT_BLANK }),
    sport: Type.String({ minLength: 1, maxLength: 40 }),
    level: StringEnum(EVENT_LEVELS),
    section: StringEnum(SECTIONS),
    divisionCode: Type.String({ pattern: '^[0-9]{6,12}$' }),
    venue: Type.String({ minLength: 2, maxLength: 200, pattern: NOT_BLANK }),
    startsAt: Timestamp,
    endsAt: Timestamp,
    capacity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    registrationOpensAt: Timestamp,
    registrationClosesAt: Timestamp,
    /**
     * The contract the event is filed under. Required from contractors, and then level,
     * section, sport, district and year must match the contract.
     */
    contractId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInputSchema>;

export const EventPatchSchema = Type.Partial(EventInputSchema, { additionalProperties: false });
export type EventPatch = Static<typeof EventPatchSchema>;

const RegistrationStatusSchema = StringEnum<RegistrationStatus>([
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
};

export const PublicEventSchema = Type.Object(publicFields);

const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const ConsoleEventSchema = Type.Object({
  ...publicFields,
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
