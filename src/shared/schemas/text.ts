import { z } from 'zod';
import { hasForbiddenChars, normalizeText } from '../ids.js';

/**
 * A single-line human text, trimmed, without invisible or control characters. Names are
 * NFKC-normalised so that full-width and half-width spellings compare equal; free text keeps
 * its Chinese punctuation (NFKC would turn '，' into ',') and is only NFC-normalised.
 */
export function humanText(options: { min?: number; max: number; kind?: 'name' | 'text' }) {
  const normalize = options.kind === 'name' ? normalizeText : (s: string) => s.normalize('NFC').trim();
  return z
    .string()
    .max(options.max * 4)
    .refine((s) => !hasForbiddenChars(s), { message: 'contains control, zero-width or bidirectional characters' })
    .transform(normalize)
    .pipe(
      z
        .string()
        .min(options.min ?? 1)
        .max(options.max),
    );
}
