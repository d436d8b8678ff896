import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digest, verifySignature } from '../crypto.js';
import { children, encodeTlv, readTlv, slice } from '../der.js';
import {
  type Cert,
  type CertPool,
  ekuOids,
  extendedKeyUsage,
  extension,
  extOids,
  issuedBy,
  keyUsage,
  keyUsageBits,
} from './certs.js';

/**
 * Revocation from the data the document carries (DSS /OCSPs and /CRLs, and any in the CMS):
 * an OCSP response counts when it is signed by the certificate's issuer or by a responder
 * the issuer delegated to (EKU id-kp-OCSPSigning); a CRL when the issuer signed it. A
 * certificate is revoked for a signature only if it was revoked before the time the
 * signature is proven to exist.
 */

export type RevocationData = {
  ocsps: pkijs.BasicOCSPResponse[];
  crls: pkijs.CertificateRevocationList[];
};

export type RevocationStatus =
  | { status: 'good'; source: 'ocsp' | 'crl'; responder: Cert | null }
  | { status: 'revoked'; source: 'ocsp' | 'crl'; revokedAt: Date }
  | { status: 'unknown' };

export function emptyRevocationData(): RevocationData {
  return { ocsps: [], crls: [] };
}

const basicOcspOid = Buffer.from(new asn1js.ObjectIdentifier({ value: '1.3.6.1.5.5.7.48.1.1' }).toBER());
const responderCerts = new WeakMap<pkijs.BasicOCSPResponse, Cert[]>();

/**
 * An OCSPResponse (as DSS stores it) or a bare BasicOCSPResponse; null if neither. The
 * certificates it carries go to the pool.
 */
export function parseOcsp(der: Uint8Array, pool: CertPool): pkijs.BasicOCSPResponse | null {
  try {
    let basicDer = der;
    let top = readTlv(der, 0);
    const first = children(der, top)[0];
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT
    // SEQUENCE { responseType, response OCTET STRING } }; else a bare BasicOCSPResponse.
    if (first?.tag === 0x0a) {
      if (first.end - first.contentStart !== 1 || der[first.contentStart] !== 0) return null;
      const bytes = children(der, top)[1];
      const inner = bytes && children(der, bytes)[0];
      const [type, octets] = inner ? children(der, inner) : [];
      if (!type || octets?.tag !== 0x04) return null;
      if (!Buffer.from(slice(der, type)).equals(basicOcspOid)) return null;
      basicDer = der.subarray(octets.contentStart, octets.end);
      top = readTlv(basicDer, 0);
    }
    const kept: Uint8Array[] = [];
    const certs: Cert[] = [];
    for (const part of children(basicDer, top)) {
      if (part.tag !== 0xa0) {
        kept.push(slice(basicDer, part));
        continue;
      }
      // certs [0] EXPLICIT SEQUENCE OF Certificate
      for (const list of children(basicDer, part)) {
        for (const c of children(basicDer, list)) {
          const cert = pool.add(slice(basicDer, c));
          if (cert) certs.push(cert);
        }
      }
    }
    const asn = asn1js.fromBER(new Uint8Array(encodeTlv(0x30, kept)));
    if (asn.offset === -1) return null;
    const basic = new pkijs.BasicOCSPResponse({ schema: asn.result });
    responderCerts.set(basic, certs);
    return basic;
  } catch {
    return null;
  }
}

export function parseCrl(der: Uint8Array): pkijs.CertificateRevocationList | null {
  try {
    const asn = asn1js.fromBER(der);
    if (asn.offset === -1) return null;
    return new pkijs.CertificateRevocationList({ schema: asn.result });
  } catch {
    return null;
  }
}

const serialOf = (c: Cert) => Buffer.from(c.parsed.serialNumber.valueBlock.valueHexView);
const publicKeyBits = (c: Cert) =>
  c.parsed.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;

/** Whether the response (or list) was current at `at`, or made after it. */
function current(thisUpdate: Date, nextUpdate: Date | undefined, at: Date): boolean {
  if (thisUpdate.getTime() >= at.getTime()) return true;
  return nextUpdate !== undefined && at.getTime() <= nextUpdate.getTime();
}

const ocspSignerCache = new WeakMap<pkijs.BasicOCSPResponse, Map<string, Cert | null>>();

/** The certificate that signed an OCSP response on behalf of `issuer`, if any verifies. */
function ocspSigner(basic: pkijs.BasicOCSPResponse, issuer: Cert): Cert | null {
  let perIssuer = ocspSignerCache.get(basic);
  if (!perIssuer) {
    perIssuer = new Map();
    ocspSignerCache.set(basic, perIssuer);
  }
  const cached = perIssuer.get(issuer.id);
  if (cached !== undefined) return cached;
  const candidates = [issuer, ...(responderCerts.get(basic) ?? [])];
  let found: Cert | null = null;
  for (const candidate of candidates) {
    const delegated =
      candidate.id !== issuer.id &&
      issuedBy(candidate, issuer) &&
      (extendedKeyUsage(candidate)?.oids.includes(ekuOids.ocspSigning) ?? false);
    if (candidate.id !== issuer.id && !delegated) continue;
    const ok = verifySignature(
      basic.signatureAlgorithm.algorithmId,
      null,
      basic.tbsResponseData.tbsView,
      basic.signature.valueBlock.valueHexView,
      candidate.x509.publicKey,
    );
    if (ok === true) {
      found = candidate;
      break;
    }
  }
  perIssuer.set(issuer.id, found);
  return found;
}

/** Whether an OCSP responder certificate needs no revocation check (id-pkix-ocsp-nocheck). */
export function ocspNoCheck(cert: Cert): boolean {
  return extension(cert, extOids.ocspNoCheck) !== null;
}

export function revocationStatus(
  cert: Cert,
  issuer: Cert,
  data: RevocationData,
  at: Date,
): RevocationStatus {
  const serial = serialOf(cert);
  for (const basic of data.ocsps) {
    for (const single of basic.tbsResponseData.responses) {
      const id = single.certID;
      if (!Buffer.from(id.serialNumber.valueBlock.valueHexView).equals(serial)) continue;
      const alg = id.hashAlgorithm.algorithmId;
      const nameHash = digest(alg, issuer.subjectDer);
      const keyHash = digest(alg, publicKeyBits(issuer));
      if (
        !nameHash?.equals(Buffer.from(id.issuerNameHash.valueBlock.valueHexView)) ||
        !keyHash?.equals(Buffer.from(id.issuerKeyHash.valueBlock.valueHexView))
      ) {
        continue;
      }
      const signer = ocspSigner(basic, issuer);
      if (!signer) continue;
      const tag = (single.certStatus as asn1js.BaseBlock).idBlock.tagNumber;
      if (tag === 1) {
        const revokedAt = revocationTime(single.certStatus);
        if (revokedAt && revokedAt.getTime() <= at.getTime()) return { status: 'revoked', source: 'ocsp', revokedAt };
        if (revokedAt) return { status: 'good', source: 'ocsp', responder: signer };
      }
      if (tag === 0 && current(single.thisUpdate, single.nextUpdate, at)) {
        return { status: 'good', source: 'ocsp', responder: signer === issuer ? null : signer };
      }
    }
  }
  for (const crl of data.crls) {
    if (!Buffer.from(crl.issuer.toSchema().toBER()).equals(cert.issuerDer)) continue;
    const ku = keyUsage(issuer);
    if (ku && !ku.has(keyUsageBits.cRLSign)) continue;
    const ok = verifySignature(
      crl.signatureAlgorithm.algorithmId,
      null,
      crl.tbsView,
      crl.signatureValue.valueBlock.valueHexView,
      issuer.x509.publicKey,
    );
    if (ok !== true) continue;
    const entry = crl.revokedCertificates?.find((r) =>
      Buffer.from(r.userCertificate.valueBlock.valueHexView).equals(serial),
    );
    if (entry) {
      const revokedAt = entry.revocationDate.value;
      if (revokedAt.getTime() <= at.getTime()) return { status: 'revoked', source: 'crl', revokedAt };
      return { status: 'good', source: 'crl', responder: null };
    }
    if (current(crl.thisUpdate.value, crl.nextUpdate?.value, at)) return { status: 'good', source: 'crl', responder: null };
  }
  return { status: 'unknown' };
}

function revocationTime(status: unknown): Date | null {
  // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] … }, [1] IMPLICIT.
  const block = status as asn1js.Constructed;
  const first = block.valueBlock?.value?.[0];
  if (first instanceof asn1js.GeneralizedTime) return first.toDate();
  if (first && 'valueBlock' in first) {
    try {
      const text = Buffer.from((first as asn1js.GeneralizedTime).valueBlock.valueHexView).toString('latin1');
      const g = new asn1js.GeneralizedTime({ value: text });
      return g.toDate();
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Revocation of each non-anchor certificate of a path ([leaf, …, anchor]) at `at`: revoked
 * wins, unknown means the document lacks data for it (a B-LT matter, not validity).
 */
export function pathRevocation(
  path: Cert[],
  data: RevocationData,
  at: Date,
): { revoked: boolean; missing: Cert[]; responders: Cert[] } {
  let revoked = false;
  const missing: Cert[] = [];
  const responders: Cert[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const cert = path[i]!;
    if (ocspNoCheck(cert)) continue;
    const status = revocationStatus(cert, path[i + 1]!, data, at);
    if (status.status === 'revoked') revoked = true;
    else if (status.status === 'unknown') missing.push(cert);
    else if (status.responder) responders.push(status.responder);
  }
  return { revoked, missing, responders };
}
