import { z } from 'zod';
import { hasForbiddenChars, normalizeText } from '../ids.js';

/** A single-line human text: NFKC-normalised, trimmed, without invisible or control characters. */
export function humanText(options: { min?: number; max: number }) {
  return z
    .string()
    .max(options.max * 4)
    .refine((s) => !hasForbiddenChars(s), { message: 'contains control, zero-width or bidirectional characters' })
    .transform(normalizeText)
    .pipe(
      z
        .string()
        .min(options.min ?? 1)
        .max(options.max),
    );
}
