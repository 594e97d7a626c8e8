import dayjs from 'dayjs';
import { api, ApiError, type Problem } from '../lib/api';
import { BUSINESS_TIME_ZONE } from './time';
import type { ConsoleEvent } from './types';

/** A poster template as GET /api/console/poster-templates lists it. */
export interface PosterTemplate {
  id: string;
  name: string;
  description: string;
}

/** Poster text. The server wraps and shrinks it to fit the template. */
export interface PosterContent {
  title: string;
  organisers: string[];
  dateLine?: string;
  venueLine?: string;
}

/** Text limits in characters, as the server checks them. */
export const POSTER_LIMITS = {
  title: 100,
  organiser: 40,
  organisers: 4,
  dateLine: 40,
  venueLine: 50,
} as const;

export const fetchPosterTemplates = () =>
  api<{ items: PosterTemplate[]; width: number; height: number }>('/api/console/poster-templates');

// Rendering a full-size poster takes the server well under a second; allow for a busy one.
const RENDER_TIMEOUT_MS = 30_000;

/**
 * Renders a poster on the server and returns the PNG. `width` in px (120 to 1080) scales it
 * down for previews and thumbnails. Throws ApiError like `api()`.
 */
export async function renderPoster(
  templateId: string,
  content: PosterContent,
  width?: number,
): Promise<Blob> {
  const query = width === undefined ? '' : `?width=${width}`;
  let response: Response;
  try {
    response = await fetch(`/api/console/posters${query}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        accept: 'image/png, application/problem+json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ templateId, ...content }),
      signal: AbortSignal.timeout(RENDER_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR' });
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiError({ ...problem, status: response.status, code: problem.code ?? 'UNKNOWN' });
  }
  return response.blob();
}

/** Formats the event's schedule as a poster date line, such as 2027年5月1日 09:00—17:00. */
export function scheduleLine(event: Pick<ConsoleEvent, 'startsAt' | 'endsAt'>): string {
  const starts = dayjs(event.startsAt).tz(BUSINESS_TIME_ZONE);
  const ends = dayjs(event.endsAt).tz(BUSINESS_TIME_ZONE);
  if (starts.isSame(ends, 'day')) {
    return `${starts.format('YYYY年M月D日 HH:mm')}—${ends.format('HH:mm')}`;
  }
  const endFormat = starts.isSame(ends, 'year') ? 'M月D日' : 'YYYY年M月D日';
  return `${starts.format('YYYY年M月D日')}—${ends.format(endFormat)}`;
}

/** Cuts text to at most `max` characters, counting a character outside the BMP as one. */
export function clip(text: string, max: number): string {
  return Array.from(text.trim()).slice(0, max).join('');
}

/** Prefills a poster from the event: its name, its organiser as host, schedule and venue. */
export function posterContentOf(event: ConsoleEvent): PosterContent {
  return {
    title: clip(event.name, POSTER_LIMITS.title),
    organisers: [clip(`主办单位：${event.organiserName}`, POSTER_LIMITS.organiser)],
    dateLine: clip(scheduleLine(event), POSTER_LIMITS.dateLine),
    venueLine: clip(event.venue, POSTER_LIMITS.venueLine),
  };
}
