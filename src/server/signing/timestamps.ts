import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cmsOids } from './cms/oids.js';

/** Any RFC 3161 time-stamping authority: the platform's own, or one from configuration. */
export type TimestampAuthority = {
  /** A DER TimeStampToken over the SHA-256 digest given. */
  timestamp(digest: Buffer): Promise<Buffer>;
};

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
