import { keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError } from '../lib/api';
import {
  fetchCalendar,
  fetchDistricts,
  fetchEvent,
  fetchEventPage,
  fetchGroups,
  fetchSports,
  fetchStreets,
  fetchTicket,
  type EventFilter,
} from './events-api';

/** Query keys; every key under `events` changes when a registration succeeds. */
export const queryKeys = {
  districts: ['divisions', 'district'] as const,
  streets: (district: string) => ['divisions', 'street', district] as const,
  sports: ['sports'] as const,
  events: ['events'] as const,
  eventList: (filter: EventFilter) => ['events', 'list', filter] as const,
  calendar: (month: string, filter: EventFilter) => ['events', 'calendar', month, filter] as const,
  event: (id: string) => ['events', 'detail', id] as const,
  groups: (id: string) => ['events', 'groups', id] as const,
  ticket: (code: string) => ['events', 'ticket', code] as const,
};

/** Retries a failed query once, except for client errors that a retry cannot fix. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 1;
}

export function useDistricts() {
  return useQuery({
    queryKey: queryKeys.districts,
    queryFn: fetchDistricts,
    staleTime: Infinity,
  });
}

export function useStreets(district: string) {
  return useQuery({
    queryKey: queryKeys.streets(district),
    queryFn: () => fetchStreets(district),
    staleTime: Infinity,
    enabled: district !== '',
  });
}

export function useSports() {
  return useQuery({ queryKey: queryKeys.sports, queryFn: fetchSports, staleTime: Infinity });
}

export function useEventList(filter: EventFilter, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.eventList(filter),
    queryFn: ({ pageParam }) => fetchEventPage(filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    enabled,
  });
}

export function useCalendar(month: string, filter: EventFilter) {
  return useQuery({
    queryKey: queryKeys.calendar(month, filter),
    queryFn: () => fetchCalendar(month, filter),
    placeholderData: keepPreviousData,
  });
}

/** Query options of an event's details, shared by its page and the route's prefetch. */
export function eventQuery(id: string) {
  return queryOptions({ queryKey: queryKeys.event(id), queryFn: () => fetchEvent(id) });
}

/** Query options of an event's groups, shared by its page and the route's prefetch. */
export function groupsQuery(id: string) {
  return queryOptions({ queryKey: queryKeys.groups(id), queryFn: () => fetchGroups(id) });
}

export function useEvent(id: string) {
  return useQuery(eventQuery(id));
}

export function useGroups(id: string) {
  return useQuery(groupsQuery(id));
}

export function useTicket(code: string) {
  return useQuery({
    queryKey: queryKeys.ticket(code),
    queryFn: () => fetchTicket(code),
  });
}
