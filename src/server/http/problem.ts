import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, errorStatus, errorTitle, type Problem } from '../../shared/errors.js';
import { findPgError, isDatabaseUnavailable } from '../db/client.js';

/** Seconds a client should wait before retrying while the database is unreachable. */
export const databaseRetryAfterSeconds = 5;

export const databaseUnavailable = () =>
  new AppError('database_unavailable', undefined, { headers: { 'retry-after': String(databaseRetryAfterSeconds) } });

export function problemBody(error: AppError): Problem {
  return {
    type: `urn:qiyue:problem:${error.code}`,
    title: errorTitle[error.code],
    status: error.status,
    code: error.code,
    ...(error.message !== errorTitle[error.code] ? { detail: error.message } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

/** Turns any thrown error into problem+json; the details of a 500 stay in the log. */
export function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new AppError('validation_failed', undefined, {
      errors: error.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || String(v.params?.issue ? '' : ''),
        message: v.message ?? 'invalid',
      })),
    });
  }
  const fe = error as FastifyError;
  const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
  if (mapped) return new AppError(mapped);
  if (error instanceof SyntaxError || (fe.statusCode === 400 && /JSON|prototype|constructor/i.test(fe.message))) {
    return new AppError('invalid_json', 'The body is not valid JSON, or has a forbidden key');
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 && !isResponseSerializationError(error)) {
    const byStatus = (Object.keys(errorStatus) as ErrorCode[]).find((c) => errorStatus[c] === fe.statusCode);
    return new AppError(byStatus ?? 'validation_failed');
  }
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  // The database refused a value the schemas let through: a data exception (class 22: out of
  // range, bad date, bad number) is the input's fault; an integrity violation (class 23) is a
  // conflict with what is stored. Both are bugs of validation, logged, but not the caller's 500.
  const pgCode = findPgError(error)?.code;
  if (pgCode?.startsWith('22')) return new AppError('validation_failed', 'A value is out of the range the service can store');
  if (pgCode?.startsWith('23')) return new AppError('invalid_state', 'The request conflicts with the stored data');
  return new AppError('internal_error');
}

export function sendProblem(reply: FastifyReply, error: AppError) {
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).type('application/problem+json').send(problemBody(error));
}

export function errorHandler(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.code === 'database_unavailable') request.log.warn({ err: { message: error.message } }, 'database unavailable');
  else if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  else if (!(error instanceof AppError) && findPgError(error)) request.log.warn({ err: error }, 'database refused the input');
  return sendProblem(reply, appError);
}

/**
 * A request the HTTP parser refuses before any route sees it (raw bytes in the URL, headers
 * too large, a request not complete within `requestTimeout`) is answered as problem+json with
 * its code, like every other refusal, instead of Fastify's own body; then the connection closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new AppError('request_timeout')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError('headers_too_large')
        : new AppError('validation_failed', 'The request is not well-formed HTTP (a URL must be percent-encoded)');
  const body = JSON.stringify(problemBody(refusal));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}
