import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';

/** A group of an event as GET /api/events/:id/groups returns it. */
export interface EventGroup {
  id: string;
  name: string;
  capacity: number;
  placesLeft: number;
  gender: 'any' | 'male' | 'female';
  minAge: number | null;
  maxAge: number | null;
  entryType: 'individual' | 'team';
  teamMin: number | null;
  teamMax: number | null;
  waitingList: 'off' | 'auto' | 'offer';
}

/** A team member as the captain sees them; phone and ID number are masked. */
export interface TeamMember {
  id: string;
  name: string;
  phoneMasked: string;
  idMasked: string | null;
  status: 'active' | 'waiting' | 'offered' | 'cancelled';
  code: string | null;
  checkedInAt: string | null;
}

export interface Team {
  id: string;
  eventId: string;
  groupId: string;
  groupName: string | null;
  name: string;
  status: 'active' | 'waiting' | 'cancelled';
  size: number;
  queuePosition: number | null;
  createdAt: string;
  cancelledAt: string | null;
  members: TeamMember[];
}

/** A team with what its captain may still do, as GET /api/citizen/events/:id/teams/:teamId returns it. */
export interface CaptainTeam extends Team {
  eventName: string;
  /** The event's start, on which a member under 14 needs a guardian. */
  eventStartsAt: string | null;
  teamMin: number;
  teamMax: number;
  placesLeft: number;
  idNumberRequired: boolean;
  /** True when the event's form hides the ID number. */
  idNumberHidden: boolean;
  membersChangeable: boolean;
  cancellable: boolean;
}

/** A person the captain enters; the server normalises phone and ID number. */
export interface NewMember {
  name: string;
  phone: string;
  idNumber?: string;
  /** Required for a member under 14 on the event's start date. */
  guardian?: { name: string; phone: string; consent: boolean };
}

export const TEAM_STATUS_LABELS: Record<Team['status'], string> = {
  active: '报名成功',
  waiting: '候补中',
  cancelled: '已取消',
};

export const teamKeys = {
  groups: (eventId: string) => ['events', 'groups', eventId] as const,
  team: (eventId: string, teamId: string) => ['teams', eventId, teamId] as const,
  mine: ['teams', 'mine'] as const,
};

/** Tells whether a group reads gender or age from the ID number, which makes it required. */
export function groupNeedsIdNumber(group: EventGroup): boolean {
  return group.gender !== 'any' || group.minAge !== null || group.maxAge !== null;
}

export function teamPath(eventId: string, teamId: string): string {
  return `/events/${encodeURIComponent(eventId)}/teams/${encodeURIComponent(teamId)}`;
}

export function useEventGroups(eventId: string) {
  return useQuery({
    queryKey: teamKeys.groups(eventId),
    queryFn: () =>
      api<{ items: EventGroup[] }>(`/api/events/${encodeURIComponent(eventId)}/groups`).then(
        (body) => body.items,
      ),
  });
}

export function useCaptainTeam(eventId: string, teamId: string) {
  return useQuery({
    queryKey: teamKeys.team(eventId, teamId),
    queryFn: () =>
      api<CaptainTeam>(
        `/api/citizen/events/${encodeURIComponent(eventId)}/teams/${encodeURIComponent(teamId)}`,
      ),
  });
}

export function useMyTeams() {
  return useQuery({
    queryKey: teamKeys.mine,
    queryFn: () =>
      api<{ items: (Team & { eventName: string })[] }>('/api/citizen/teams').then(
        (body) => body.items,
      ),
  });
}

/** Registers a team; the same idempotency key returns the first team. */
export function createTeam(
  eventId: string,
  input: {
    name: string;
    groupId: string;
    members: NewMember[];
    /** Must be true when any member has an ID number. */
    idConsent?: boolean;
    /** Version of the event's safety notice the captain accepted; required when it has one. */
    safetyNoticeVersion?: number;
  },
  idempotencyKey: string,
): Promise<Team> {
  return api<Team>(`/api/citizen/events/${encodeURIComponent(eventId)}/teams`, {
    method: 'POST',
    body: input,
    headers: { 'idempotency-key': idempotencyKey },
  });
}

/** Sends the team's new member list: current members by id, new people in full. */
export function replaceMembers(
  eventId: string,
  teamId: string,
  members: ({ id: string } | NewMember)[],
): Promise<CaptainTeam> {
  return api<CaptainTeam>(
    `/api/citizen/events/${encodeURIComponent(eventId)}/teams/${encodeURIComponent(teamId)}/members`,
    { method: 'PUT', body: { members } },
  );
}

export function cancelTeam(eventId: string, teamId: string) {
  return api<{ id: string; status: string; released: number }>(
    `/api/citizen/events/${encodeURIComponent(eventId)}/teams/${encodeURIComponent(teamId)}/cancel`,
    { method: 'POST' },
  );
}
