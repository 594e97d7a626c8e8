import { ACCOUNT_TYPE_LABELS } from '@cityleague/domain';
import type { ConsoleEvent, Division, PublicEvent } from './types';

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

/**
 * Names the body that reviews an event: "徐汇区体育局" for a district bureau, the account
 * type's label for the committee and the association, or null when the filing passes on submit.
 * The district's name comes from the event itself when the reviewer is its own district's
 * bureau, otherwise from the list of districts.
 */
export function reviewerName(
  event: Pick<
    ConsoleEvent,
    'reviewerAccountType' | 'reviewerDistrictCode' | 'districtCode' | 'districtName'
  >,
  districts: readonly Division[] | undefined,
): string | null {
  const type = event.reviewerAccountType;
  if (!type) return null;
  const code = event.reviewerDistrictCode;
  if (type !== 'district_bureau' || !code) return ACCOUNT_TYPE_LABELS[type];
  const district =
    code === event.districtCode
      ? event.districtName
      : districts?.find((division) => division.code === code)?.name;
  return district ? `${district}体育局` : ACCOUNT_TYPE_LABELS[type];
}
