import type { PublicEvent } from './events-api';
import { formatDateTime } from './format';

/** Returns "徐汇区 · 徐家汇街道" for a street event and "徐汇区" for a district event. */
export function placeName(event: PublicEvent): string {
  if (!event.divisionName || event.divisionName === event.districtName) return event.districtName;
  return `${event.districtName} · ${event.divisionName}`;
}

// Separators that organisers type between a place name and the venue.
const LEADING_SEPARATORS = /^[\s·•,，、\-–—]+/u;

/**
 * Returns the venue without the district and street names it starts with, because
 * `placeName` already shows them: "徐家汇街道 社区文化活动中心" in 徐家汇街道 becomes
 * "社区文化活动中心". A venue that is nothing but those names stays as it is.
 */
export function venueText(event: PublicEvent): string {
  let rest = event.venue.trim();
  for (const name of [event.districtName, event.divisionName]) {
    if (name && rest.startsWith(name))
      rest = rest.slice(name.length).replace(LEADING_SEPARATORS, '');
  }
  return rest || event.venue;
}

/** Returns the full address on one line, e.g. "徐汇区 · 徐家汇街道 · 社区文化活动中心". */
export function addressLine(event: PublicEvent): string {
  return `${placeName(event)} · ${venueText(event)}`;
}

/** Tells whether the event's end time has passed by the phone's clock. */
export function hasEnded(event: PublicEvent, now: number = Date.now()): boolean {
  return Date.parse(event.endsAt) < now;
}

/**
 * Returns the places line of a card: the places left while registration is open, and
 * otherwise why it is not, with the time that matters. An event that is over says so.
 */
export function placesLeftText(event: PublicEvent): string {
  if (hasEnded(event)) return `比赛已于 ${formatDateTime(event.endsAt)} 结束`;
  switch (event.registrationStatus) {
    case 'not_open':
      return `报名未开始（${formatDateTime(event.registrationOpensAt)} 开始）`;
    case 'closed':
      return `报名已截止（${formatDateTime(event.registrationClosesAt)}）`;
    case 'full':
      return '名额已满';
    case 'open':
      return event.placesLeft > 0 ? `剩余 ${event.placesLeft} 个名额` : '名额已满';
  }
}

/** Returns a fee in fen as text: 免费 for none, otherwise yuan, e.g. "50 元". */
export function feeText(feeCents: number | null | undefined): string {
  if (!feeCents) return '免费';
  const yuan = feeCents / 100;
  return `${Number.isInteger(yuan) ? yuan : yuan.toFixed(2)} 元`;
}

// Meeting-point words that organisers append to a venue ("… 集合"). A map search for them
// finds nothing, so the query leaves them out.
const MEETING_POINT_WORDS = /[\s·,，、]*(集合点|集合|集结|检录处?)$/u;

/**
 * Returns the postal address to show below the place line, or undefined when it only repeats
 * the venue, as "上海市" followed by the venue does.
 */
export function extraAddress(event: PublicEvent & { address?: string | null }): string | undefined {
  const address = event.address?.trim();
  if (!address || address.includes(venueText(event))) return undefined;
  return address;
}

/**
 * Returns a map search link for the event's address, or for its district and venue when it
 * has no address. The app only links to the map site and loads nothing from it. The site
 * searches the text in Shanghai.
 */
export function mapSearchUrl(event: PublicEvent & { address?: string | null }): string {
  const place = event.address?.trim() || `${event.districtName}${venueText(event)}`;
  const address = place.replace(MEETING_POINT_WORDS, '') || place;
  const query = address.startsWith('上海') ? address : `上海市${address}`;
  return `https://uri.amap.com/search?keyword=${encodeURIComponent(query)}&city=310000`;
}
