import { defineError } from '../http/problem.js';

export const EventGroupNotFound = defineError(
  'GRP_NOT_FOUND',
  'Group %s not found in event %s',
  404,
);
export const CapacityBelowTaken = defineError(
  'GRP_CAPACITY_BELOW_TAKEN',
  'Capacity %s is below the %s places already taken in group %s',
  409,
);
export const GroupHasEntries = defineError(
  'GRP_HAS_ENTRIES',
  'Group %s has entries and cannot be deleted',
  409,
);
export const OverEventCapacity = defineError(
  'GRP_OVER_EVENT_CAPACITY',
  "The groups' capacities add up to %s, over the event's capacity of %s",
  409,
);
export const InvalidGroupRule = defineError('GRP_INVALID_RULE', 'Group settings are invalid', 400);
export const GroupNameTaken = defineError(
  'GRP_NAME_TAKEN',
  'Event %s already has a group named %s',
  409,
);
export const GroupsOfCancelledEvent = defineError(
  'GRP_EVENT_CANCELLED',
  'Event %s is cancelled: its groups can no longer change',
  409,
);
