import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import {
  fetchChildDivisions,
  fetchDistricts,
  fetchDivision,
  fetchMe,
  fetchSports,
} from './endpoints';
import type { Me } from './types';

/** Query keys shared by the pages, so that a change can invalidate every view of it. */
export const queryKeys = {
  me: ['me'] as const,
  sports: ['sports'] as const,
  districts: ['divisions', 'districts'] as const,
  childDivisions: (parentCode: string) => ['divisions', 'children', parentCode] as const,
  division: (code: string) => ['divisions', 'one', code] as const,
  consoleEvents: ['console-events'] as const,
  consoleEvent: (id: string) => ['console-event', id] as const,
  reviews: ['reviews'] as const,
  registrations: (eventId: string) => ['registrations', eventId] as const,
  teams: (eventId: string) => ['registrations', eventId, 'teams'] as const,
  dashboard: ['dashboard'] as const,
  auditEntries: ['audit-entries'] as const,
  contracts: ['contracts'] as const,
  ownContracts: ['contracts', 'mine'] as const,
  venueSuggestions: (text: string) => ['venue-suggestions', text] as const,
};

export function useMeQuery() {
  return useQuery({ queryKey: queryKeys.me, queryFn: fetchMe, staleTime: 5 * 60_000 });
}

/** The signed-in account, which the console layout provides once GET /api/me has returned. */
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe() is only available inside the console layout');
  return me;
}

// Sports and divisions change a few times a year, so one fetch per page load is enough.
export function useSports() {
  return useQuery({ queryKey: queryKeys.sports, queryFn: fetchSports, staleTime: Infinity });
}

export function useDistricts() {
  return useQuery({ queryKey: queryKeys.districts, queryFn: fetchDistricts, staleTime: Infinity });
}

export function useChildDivisions(parentCode: string | undefined) {
  return useQuery({
    queryKey: queryKeys.childDivisions(parentCode ?? ''),
    queryFn: () => fetchChildDivisions(parentCode ?? ''),
    enabled: Boolean(parentCode),
    staleTime: Infinity,
  });
}

export function useDivision(code: string | undefined) {
  return useQuery({
    queryKey: queryKeys.division(code ?? ''),
    queryFn: () => fetchDivision(code ?? ''),
    enabled: Boolean(code),
    staleTime: Infinity,
  });
}
