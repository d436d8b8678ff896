import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { hasUnstorableChars } from '../../shared/ids.js';


/** The first path in a parsed body whose string holds a NUL byte or a lone surrogate. */
function findBadString(value: unknown, path: string, depth = 0): string | null {
  if (depth > 20) return path;
  if (typeof value === 'string') return hasUnstorableChars(value) ? path || '(body)' : null;
  // A raw body (an uploaded PDF) holds bytes, not fields; walking its 20 million indices
  // blocked the event loop for minutes.
  if (ArrayBuffer.isView(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadString(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = findBadString(k, path, depth + 1) ? k : findBadString(v, path ? `${path}.${k}` : k, depth + 1);
      if (bad) return bad;
    }
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
