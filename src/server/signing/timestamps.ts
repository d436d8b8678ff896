import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cmsOids } from './cms/oids.js';

/** Any RFC 3161 time-stamping authority: the platform's own, or one from configuration. */
export type TimestampAuthority = {
  /** A DER TimeStampToken over the SHA-256 digest given. */
  timestamp(digest: Buffer): Promise<Buffer>;
};

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
export async function stamp(tsa: TimestampAuthority, digest: Buffer): Promise<Buffer> {
  try {
    return await tsa.timestamp(digest);
  } catch (error) {
    throw new TimestampUnavailable(error);
  }
}

/** The genTime a TimeStampToken proves (its TSTInfo), or throws for something else. */
export function timestampTime(token: Buffer): Date {
  const asn = asn1js.fromBER(new Uint8Array(token));
  if (asn.offset === -1) throw new Error('the timestamp token is not DER');
  const info = new pkijs.ContentInfo({ schema: asn.result });
  const signedData = new pkijs.SignedData({ schema: info.content });
  const content = signedData.encapContentInfo;
  if (content.eContentType !== cmsOids.tstInfo || !content.eContent) throw new Error('not a timestamp token');
  const tst = pkijs.TSTInfo.fromBER(content.eContent.getValue());
  return tst.genTime;
}
