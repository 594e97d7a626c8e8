import createError, { type FastifyErrorConstructor } from '@fastify/error';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A problem with one input field, as listed in a 400 response. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

const catalogue = new Map<string, number>();

/**
 * Defines an error of a module's catalogue with a stable code. Codes are unique across the
 * platform and never reused for a different meaning.
 */
export function defineError(code: string, message: string, statusCode: number) {
  if (catalogue.has(code)) throw new Error(`Error code ${code} is defined twice`);
  catalogue.set(code, statusCode);
  return createError(code, message, statusCode);
}

/** Returns the catalogue of codes and their HTTP status, for docs and tests. */
export function errorCatalogue(): ReadonlyMap<string, number> {
  return catalogue;
}

export const ValidationFailed = defineError('VALIDATION_FAILED', 'Request is invalid', 400);
export const RequestInvalid = defineError('REQUEST_INVALID', '%s', 400);
export const InvalidJson = defineError('INVALID_JSON', 'Request body is not valid JSON', 400);
export const InvalidCursor = defineError(
  'INVALID_CURSOR',
  'cursor is malformed: pass the nextCursor of the previous page unchanged',
  400,
);
export const RequestTooLarge = defineError(
  'REQUEST_TOO_LARGE',
  'Request body is larger than the limit',
  413,
);
export const UnsupportedMediaType = defineError(
  'UNSUPPORTED_MEDIA_TYPE',
  'Content-Type is not supported: send application/json',
  415,
);
export const UnsupportedContentEncoding = defineError(
  'UNSUPPORTED_CONTENT_ENCODING',
  'Content-Encoding %s is not supported: send the body uncompressed',
  415,
);
export const RateLimited = defineError('RATE_LIMITED', 'Too many requests', 429);
export const UrlTooLong = defineError(
  'URL_TOO_LONG',
  'A path segment is longer than 100 characters',
  414,
);
export const NotReady = defineError('NOT_READY', 'The database is not reachable', 503);
export const RequestUnreadable = defineError(
  'REQUEST_UNREADABLE',
  'The request could not be read: percent-encode characters outside ASCII in the URL',
  400,
);
export const RequestHeadersTooLarge = defineError(
  'REQUEST_HEADERS_TOO_LARGE',
  'Request headers are larger than the limit',
  431,
);
export const RequestTimedOut = defineError(
  'REQUEST_TIMED_OUT',
  'The request was not received in time',
  408,
);
export const RouteNotFound = defineError('NOT_FOUND', 'Route %s %s not found', 404);
export const MethodNotAllowed = defineError(
  'METHOD_NOT_ALLOWED',
  'Method %s is not allowed on %s',
  405,
);
export const InternalError = defineError('INTERNAL_ERROR', 'Internal server error', 500);

/** Creates an error carrying field errors, shown in the problem's `errors` member. */
export function withFieldErrors<E extends Error>(error: E, errors: FieldError[]): E {
  return Object.assign(error, { fieldErrors: errors });
}

/** Throws VALIDATION_FAILED listing every field error, when there is any. */
export function throwIfFieldErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw withFieldErrors(new ValidationFailed(), errors);
}

export type AppErrorConstructor = FastifyErrorConstructor;

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
}

function schemaFieldErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as Record<string, unknown>;
    // A missing or unknown property is reported on its parent, so the field names it.
    const property = params.missingProperty ?? params.additionalProperty;
    const named = typeof property === 'string' ? `/${property}` : '';
    const path = `${issue.instancePath}${named}`.replace(/^\//, '').replace(/\//g, '.');
    const field = path || String(error.validationContext ?? 'body');
    return { field, code: issue.keyword, message: issue.message ?? 'is invalid' };
  });
}

// Fastify's own client errors, mapped to codes of the catalogue.
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'REQUEST_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
};

function problem(status: number, code: string, detail: string | undefined, base: object) {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    ...(detail ? { detail } : {}),
    ...base,
  } as ProblemBody;
}

function toProblem(error: FastifyError, url: string, requestId: string): ProblemBody {
  const base = { instance: url, requestId };
  if (error.validation) {
    return {
      ...problem(
        400,
        'VALIDATION_FAILED',
        `Invalid ${error.validationContext ?? 'request'}: ${error.message}`,
        base,
      ),
      errors: schemaFieldErrors(error),
    };
  }

  const code = FRAMEWORK_CODES[error.code] ?? error.code;
  if (code && catalogue.has(code)) {
    const status = catalogue.get(code) ?? 500;
    const fieldErrors = (error as FastifyError & { fieldErrors?: FieldError[] }).fieldErrors;
    // The message of VALIDATION_FAILED alone is generic, so its detail names the fields, as the
    // detail of a schema error does.
    const detail =
      code === 'VALIDATION_FAILED' && fieldErrors?.length
        ? `${error.message}: ${fieldErrors.map((field) => `${field.field} ${field.message}`).join('; ')}`
        : error.message;
    return {
      ...problem(status, code, detail, base),
      ...(fieldErrors ? { errors: fieldErrors } : {}),
    };
  }

  const status = error.statusCode ?? 500;
  if (status === 400 && error instanceof SyntaxError) {
    return problem(400, 'INVALID_JSON', error.message, base);
  }
  if (status >= 400 && status < 500) {
    return problem(
      status,
      status === 429 ? 'RATE_LIMITED' : 'REQUEST_INVALID',
      error.message,
      base,
    );
  }
  return problem(500, 'INTERNAL_ERROR', undefined, base);
}

/**
 * Installs the one error handler: every error becomes RFC 9457 problem details with a
 * stable code. Client errors are logged at info, server errors at error with the stack.
 */
export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendProblem);
}

/**
 * Keeps the parts of an error that are safe to log: its type, message, code and stack, and
 * the same of its cause. Database drivers attach the failed query and its parameters, which
 * may carry names and phone numbers, so those and any other fields are dropped.
 */
export function loggableError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-error value thrown' };
  const fields = error as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    message: error.message,
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields.statusCode === 'number' ? { statusCode: fields.statusCode } : {}),
    stack: error.stack,
    ...(error.cause !== undefined && depth < 3
      ? { cause: loggableError(error.cause, depth + 1) }
      : {}),
  };
}

/**
 * Sends an error as problem details. Fastify's `frameworkErrors` option calls it too, for the
 * URLs that its router rejects before any route or error handler runs.
 */
export function sendProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // The router's message repeats the whole path, which may carry personal data.
  const reported = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new UrlTooLong() : error;
  const problem = toProblem(reported, request.url, request.id);
  if (problem.status >= 500) request.log.error({ err: loggableError(error) }, 'request failed');
  else request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
  // Router errors skip the onRequest hook that sets this header on every other response.
  reply.header('x-request-id', request.id);
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

/**
 * Sends problem details for a request that Node's HTTP parser rejected before routing, such as
 * raw UTF-8 bytes in the URL. Used as Fastify's `clientErrorHandler`, so there is no request id.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const ErrorClass =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? RequestHeadersTooLarge
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? RequestTimedOut
        : RequestUnreadable;
  const { statusCode, code, message } = new ErrorClass();
  const body = JSON.stringify(problem(statusCode, code, message, {}));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Content-Type: application/problem+json\r\nConnection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
