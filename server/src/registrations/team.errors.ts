import { defineError } from '../http/problem.js';

export const TeamNotFound = defineError('TEAM_NOT_FOUND', 'Team %s not found in event %s', 404);
export const IndividualGroup = defineError(
  'TEAM_INDIVIDUAL_GROUP',
  'Group %s takes individual entries only',
  409,
);
export const InvalidTeamName = defineError(
  'TEAM_INVALID_NAME',
  'Team name must be 1 to 30 characters',
  400,
);
export const TeamNameTaken = defineError(
  'TEAM_NAME_TAKEN',
  'Event %s already has a team named %s',
  409,
);
export const TeamSizeOutOfRange = defineError(
  'TEAM_SIZE_OUT_OF_RANGE',
  "A team of %s members is outside the group's range of %s members",
  400,
);
export const InvalidMember = defineError(
  'TEAM_INVALID_MEMBER',
  'One or more team members are invalid',
  400,
);
export const DuplicateMember = defineError(
  'TEAM_DUPLICATE_MEMBER',
  'The same person is listed twice in the team',
  400,
);
export const MemberAlreadyRegistered = defineError(
  'TEAM_MEMBER_ALREADY_REGISTERED',
  'One or more members already hold an entry in event %s',
  409,
);
export const MemberNotFound = defineError(
  'TEAM_MEMBER_NOT_FOUND',
  'Member %s is not a current member of team %s',
  404,
);
export const TeamCancelled = defineError(
  'TEAM_CANCELLED',
  'Team %s is cancelled and can no longer change',
  409,
);
export const TeamAlreadyCancelled = defineError(
  'TEAM_ALREADY_CANCELLED',
  'Team %s is already cancelled',
  409,
);
export const EntryOfTeam = defineError(
  'TEAM_ENTRY_OF_TEAM',
  'Registration %s belongs to a team: change the team members or cancel the whole team',
  409,
);
