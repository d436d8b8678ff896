import type { Timestamp, TimestampAuthority } from '../pki/tsa.js';

export type { Timestamp, TimestampAuthority } from '../pki/tsa.js';

/**
 * The TSA failed (unreachable, refused, garbage): signing stops, nothing is stored. Its
 * message starts with a marker so that it survives the trip out of a worker thread, where
 * structured clone keeps an error's message but not its class.
 */
export class TimestampUnavailable extends Error {
  static readonly marker = 'timestamp_unavailable: ';
  constructor(cause: unknown) {
    super(`${TimestampUnavailable.marker}${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TimestampUnavailable';
  }
  static is(error: unknown): boolean {
    return error instanceof Error && error.message.startsWith(TimestampUnavailable.marker);
  }
}

/** Asks the TSA, turning any failure into TimestampUnavailable. */
export async function stamp(tsa: TimestampAuthority, digest: Buffer): Promise<Timestamp> {
  try {
    return await tsa.timestamp(digest);
  } catch (error) {
    throw new TimestampUnavailable(error);
  }
}
