import { createHash } from 'node:crypto';

import { POSTER_LIMITS } from './poster.routes.js';
import type { PosterRequest } from './poster.service.js';

/** Widths in px that the public poster is served at; other widths would defeat the cache. */
export const EVENT_POSTER_WIDTHS = ['360', '720', '1080'] as const;

/** The details of a published event that its poster shows. */
export interface PosterEvent {
  name: string;
  section: string;
  host: string | null;
  organiser: string | null;
  venue: string;
  startsAt: string;
}

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

/** Templates by section: community events get the light one, brand events the festive one. */
const TEMPLATE_OF_SECTION: Record<string, string> = {
  community_games: 'community',
  fitness_test: 'community',
  brand_event: 'festive',
};

/** Cuts a line to a limit in characters, ending it with an ellipsis when cut. */
function fit(text: string, limit: number): string {
  const characters = Array.from(text);
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join('')}…`;
}

/** Builds the poster request of an event: its name, host and organiser, date and venue. */
export function eventPosterRequest(event: PosterEvent, width: number): PosterRequest {
  const organisers = [
    event.host ? `主办单位：${event.host}` : null,
    event.organiser ? `承办单位：${event.organiser}` : null,
  ]
    .filter((line): line is string => line !== null)
    .map((line) => fit(line, POSTER_LIMITS.organiser));
  return {
    templateId: TEMPLATE_OF_SECTION[event.section] ?? 'sports',
    width,
    title: fit(event.name, POSTER_LIMITS.title),
    organisers: organisers.length > 0 ? organisers : ['城市业余联赛'],
    dateLine: dateFormat.format(new Date(event.startsAt)),
    venueLine: fit(event.venue, POSTER_LIMITS.venueLine),
  };
}

/**
 * Version of the poster templates' drawing. Raise it when a template changes what it draws, so
 * that browsers fetch the new poster instead of revalidating the old one.
 */
const POSTER_DRAWING_VERSION = 1;

/**
 * Returns 32 hex digits that hash everything a poster request draws. The poster route sends
 * them quoted as a strong ETag and stores them beside the rendered PNG.
 */
export function posterFingerprint(request: PosterRequest): string {
  const fields = JSON.stringify([POSTER_DRAWING_VERSION, request]);
  return createHash('sha256').update(fields).digest('hex').slice(0, 32);
}
