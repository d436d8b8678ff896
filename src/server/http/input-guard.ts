import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { hasUnstorableChars } from '../../shared/ids.js';

// Deeper than any request schema nests; a body nested further is refused, not walked.
const maxDepth = 20;

/**
 * The first path in a parsed body whose string holds a NUL byte or a lone surrogate. Only
 * JSON shapes are walked: a binary body (a PDF upload is a Buffer) is bytes, not text, and
 * enumerating it index by index cost seconds per megabyte. Each value is visited once.
 */
export function findBadString(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return hasUnstorableChars(value) ? path || '(body)' : null;
  if (value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return null;
  if (depth >= maxDepth) return path || '(body)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadString(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  // Streams and other class instances are not parsed input.
  if (proto !== Object.prototype && proto !== null) return null;
  for (const k of Object.keys(value)) {
    const keyPath = path ? `${path}.${k}` : k;
    if (hasUnstorableChars(k)) return keyPath;
    const bad = findBadString((value as Record<string, unknown>)[k], keyPath, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/** NUL bytes and lone surrogates are refused in any field before schemas run: no field stores them. */
export function registerInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const bad = findBadString(request.body, '') ?? findBadString(request.query, '') ?? findBadString(request.params, '');
    if (bad)
      throw new AppError('validation_failed', 'A field contains a NUL byte or an unpaired surrogate', {
        errors: [{ path: bad, message: 'contains a NUL byte or an unpaired surrogate' }],
      });
  });
}
