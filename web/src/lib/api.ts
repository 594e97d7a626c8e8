/** Problem details as the server sends them (RFC 9457). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  requestId?: string;
  errors?: { field: string; code: string; message: string }[];
}

/** An API call that failed; `code` is the server's stable error code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  /** Seconds to wait before trying again, from the response's Retry-After header, or null. */
  readonly retryAfterSeconds: number | null;

  constructor(problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Reads a Retry-After header (RFC 9110): a number of seconds or an HTTP date. Returns the
 * seconds from now, or null for a missing or unreadable header.
 */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Time after which a request is abandoned and reported as a network error. */
const REQUEST_TIMEOUT_MS = 20_000;

/**
 * Header that the citizens' service worker adds to an API response it serves from its cache
 * because the network failed. Keep it equal to the name in pwa/service-worker.js.
 */
export const OFFLINE_COPY_HEADER = 'x-offline-copy';

interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Lets the request outlive the page, for a save sent as the tab closes. */
  keepalive?: boolean;
}

/** Sends a JSON request to the API and returns the parsed body, or throws ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await apiWithSource<T>(path, options)).body;
}

/**
 * Sends a JSON request like `api`, and also returns whether the response is the service
 * worker's saved copy, served while offline.
 */
export async function apiWithSource<T>(
  path: string,
  options: RequestOptions = {},
): Promise<{ body: T; offlineCopy: boolean }> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      keepalive: options.keepalive,
    });
  } catch {
    // Offline, refused or timed out: the caller shows one network message for all three.
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR' });
  }

  const offlineCopy = response.headers.get(OFFLINE_COPY_HEADER) === '1';
  if (response.status === 204) return { body: undefined as T, offlineCopy };
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = (body ?? {}) as Partial<Problem>;
    throw new ApiError(
      { ...problem, status: response.status, code: problem.code ?? 'UNKNOWN' },
      retryAfterSeconds(response.headers.get('retry-after')),
    );
  }
  return { body: body as T, offlineCopy };
}
