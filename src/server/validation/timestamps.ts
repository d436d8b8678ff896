import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digest } from './crypto.js';
import { checkSignerInfo, cmsOids, parseSignedData } from './generic-cms.js';
import type { VerificationProblem } from './status.js';
import { buildChain } from './trust/chain.js';
import { type Cert, type CertPool, commonName, ekuOids, extendedKeyUsage } from './trust/certs.js';
import { pathRevocation, type RevocationData } from './trust/revocation.js';

/**
 * RFC 3161 timestamp tokens: a signature timestamp (unsigned attribute
 * id-aa-signatureTimeStampToken over the SignerInfo's signature value) or a document
 * timestamp (/SubFilter /ETSI.RFC3161 over a ByteRange). A token is valid when its imprint
 * matches, its CMS verifies, its signer is a TSA certificate (critical EKU
 * id-kp-timeStamping only) chaining to a trust anchor at genTime and not revoked by then.
 * genTime is then the proven time.
 */

export type TrustContext = { pool: CertPool; anchors: Cert[]; revocation: RevocationData };

export type TimestampResult = {
  valid: boolean;
  time: Date | null;
  tsa: string;
  path: Cert[];
  /** Certificates of the TSA path the document holds no revocation data for. */
  revocationMissing: Cert[];
  responders: Cert[];
  problem: Extract<VerificationProblem, 'timestamp_invalid' | 'timestamp_untrusted'> | null;
};

export function validateTimestampToken(token: Uint8Array, imprinted: Uint8Array[], ctx: TrustContext): TimestampResult {
  const result: TimestampResult = {
    valid: false,
    time: null,
    tsa: '',
    path: [],
    revocationMissing: [],
    responders: [],
    problem: 'timestamp_invalid',
  };
  const cms = parseSignedData(token, ctx.pool);
  if (!cms || cms.eContentType !== cmsOids.tstInfo || !cms.eContent || !cms.signer) return result;
  let info: pkijs.TSTInfo;
  try {
    const asn = asn1js.fromBER(cms.eContent);
    if (asn.offset === -1) return result;
    info = new pkijs.TSTInfo({ schema: asn.result });
  } catch {
    return result;
  }
  result.time = info.genTime;
  result.tsa = commonName(cms.signer);
  for (const crl of cms.revocation.crls) ctx.revocation.crls.push(crl);
  for (const ocsp of cms.revocation.ocsps) ctx.revocation.ocsps.push(ocsp);

  const imprint = digest(info.messageImprint.hashAlgorithm.algorithmId, ...imprinted);
  if (!imprint?.equals(Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView))) return result;
  const check = checkSignerInfo(cms, [cms.eContent], cmsOids.tstInfo);
  if (check.problems.size > 0 || !check.signingCertificateBound) return result;
  const eku = extendedKeyUsage(cms.signer);
  if (!eku?.critical || eku.oids.length !== 1 || eku.oids[0] !== ekuOids.timeStamping) return result;

  const chain = buildChain(cms.signer, ctx.pool, ctx.anchors, info.genTime);
  result.path = chain.path;
  if (!chain.ok) {
    result.problem = 'timestamp_untrusted';
    return result;
  }
  const revocation = pathRevocation(chain.path, ctx.revocation, info.genTime);
  if (revocation.revoked) return result;
  result.revocationMissing = revocation.missing;
  result.responders = revocation.responders;
  result.valid = true;
  result.problem = null;
  return result;
}
