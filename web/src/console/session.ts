import { ApiError } from '../lib/api';

/**
 * Tells whether an API error means the session is missing or expired. A wrong password
 * also comes back as 401, but it belongs to the sign-in form and is not a lost session.
 */
export function isSessionLost(error: unknown): boolean {
  return (
    error instanceof ApiError && error.status === 401 && error.code !== 'ACC_INVALID_CREDENTIALS'
  );
}

/** Tells whether a failed query is worth retrying: network and server errors are, 4xx are not. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}
