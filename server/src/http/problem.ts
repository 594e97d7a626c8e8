import createError, { type FastifyErrorConstructor } from '@fastify/error';
import type { FastifyError, FastifyInstance } from 'fastify';

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
export const RouteNotFound = defineError('NOT_FOUND', 'Route %s %s not found', 404);
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
    const missing = typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
    const path = `${issue.instancePath}${missing}`.replace(/^\//, '').replace(/\//g, '.');
    const field = path || String(error.validationContext ?? 'body');
    return { field, code: issue.keyword, message: issue.message ?? 'is invalid' };
  });
}

function toProblem(error: FastifyError, url: string, requestId: string): ProblemBody {
  const base = { instance: url, requestId };
  if (error.validation) {
    return {
      ...base,
      type: 'about:blank',
      title: 'Request is invalid',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: `Invalid ${error.validationContext ?? 'request'}: ${error.message}`,
      errors: schemaFieldErrors(error),
    };
  }
  if (error.code && catalogue.has(error.code)) {
    const status = catalogue.get(error.code) ?? 500;
    const fieldErrors = (error as FastifyError & { fieldErrors?: FieldError[] }).fieldErrors;
    return {
      ...base,
      type: 'about:blank',
      title: error.message,
      status,
      code: error.code,
      ...(fieldErrors ? { errors: fieldErrors } : {}),
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return {
      ...base,
      type: 'about:blank',
      title: error.message,
      status,
      code: status === 429 ? 'RATE_LIMITED' : 'REQUEST_INVALID',
    };
  }
  return {
    ...base,
    type: 'about:blank',
    title: 'Internal server error',
    status: 500,
    code: 'INTERNAL_ERROR',
  };
}

/**
 * Installs the one error handler: every error becomes RFC 9457 problem details with a
 * stable code. Client errors are logged at info, server errors at error with the stack.
 */
export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request.url, request.id);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
    return reply.status(problem.status).type('application/problem+json').send(problem);
  });
}
