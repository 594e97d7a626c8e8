import type { PublicEvent } from './types';

/** Names where an event takes place: the district, then the street when it is not the district. */
export function eventPlace(
  event: Pick<PublicEvent, 'districtName' | 'divisionName' | 'divisionCode' | 'districtCode'>,
): string {
  if (event.divisionCode === event.districtCode) return event.districtName;
  return `${event.districtName} ${event.divisionName}`;
}

/** Formats a share as a percentage with one decimal, or a dash when there is nothing to divide. */
export function formatRate(part: number, whole: number): string {
  if (whole <= 0) return '-';
  return `${((part / whole) * 100).toFixed(1)}%`;
}
