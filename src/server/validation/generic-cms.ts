import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digest, verifySignature } from './crypto.js';
import type { VerificationProblem } from './status.js';
import { children, encodeTlv, readTlv, slice } from './der.js';
import { type Cert, type CertPool, extension, extOids } from './trust/certs.js';
import { parseCrl, parseOcsp, type RevocationData } from './trust/revocation.js';

/**
 * CMS SignedData checks (RFC 5652, with the CAdES/PAdES attribute rules): the message
 * digest over the signed content, the signature over the signed attributes, and the ESS
 * signing-certificate attribute naming the certificate that signed. Shared by PDF signatures
 * and RFC 3161 timestamp tokens.
 */

export const cmsOids = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  adbeRevocationInfoArchival: '1.2.840.113583.1.1.8',
  ocspRevocationInfo: '1.3.6.1.5.5.7.16.2',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

export type ParsedCms = {
  signedData: pkijs.SignedData;
  signerInfo: pkijs.SignerInfo;
  signer: Cert | null;
  /** eContent for encapsulated content (a TSTInfo), null when detached. */
  eContent: Uint8Array | null;
  eContentType: string;
  revocation: RevocationData;
  /** The signer's unsigned attributes (raw DER values): the signature timestamp lives here. */
  unsigned: { type: Buffer; values: Uint8Array[] }[];
};

/** The raw values of an unsigned attribute of the signer. */
export function unsignedAttribute(cms: ParsedCms, oid: string): Uint8Array[] {
  const type = oidBytes(oid);
  return cms.unsigned.find((a) => a.type.equals(type))?.values ?? [];
}

const oidTlv = new Map<string, Buffer>();
const oidBytes = (oid: string) => {
  let der = oidTlv.get(oid);
  if (!der) {
    der = Buffer.from(new asn1js.ObjectIdentifier({ value: oid }).toBER());
    oidTlv.set(oid, der);
  }
  return der;
};

type SplitCms = { signedData: Buffer; certs: Uint8Array[]; unsigned: { type: Buffer; values: Uint8Array[] }[] };

/**
 * ContentInfo → SignedData with its certificates and the signer's unsigned attributes cut
 * out as raw DER (see der.ts for why). Null unless it is a SignedData with one SignerInfo.
 */
function splitSignedData(der: Uint8Array): SplitCms | null {
  const info = readTlv(der, 0);
  const [type, wrapped] = children(der, info);
  if (info.tag !== 0x30 || !type || !wrapped || wrapped.tag !== 0xa0) return null;
  if (!Buffer.from(slice(der, type)).equals(oidBytes(cmsOids.signedData))) return null;
  const [sd] = children(der, wrapped);
  if (sd?.tag !== 0x30) return null;
  const parts = children(der, sd);
  const certs: Uint8Array[] = [];
  const unsigned: SplitCms['unsigned'] = [];
  const kept: Uint8Array[] = [];
  for (const part of parts) {
    if (part.tag === 0xa0) {
      for (const c of children(der, part)) if (c.tag === 0x30) certs.push(slice(der, c));
    } else if (part.tag === 0x31 && part === parts.at(-1)) {
      const infos = children(der, part);
      if (infos.length !== 1 || infos[0]!.tag !== 0x30) return null;
      const signerParts = children(der, infos[0]!);
      const signerKept: Uint8Array[] = [];
      for (const sp of signerParts) {
        if (sp.tag !== 0xa1) {
          signerKept.push(slice(der, sp));
          continue;
        }
        for (const attr of children(der, sp)) {
          const [attrType, values] = children(der, attr);
          if (!attrType || values?.tag !== 0x31) return null;
          unsigned.push({ type: Buffer.from(slice(der, attrType)), values: children(der, values).map((v) => slice(der, v)) });
        }
      }
      kept.push(encodeTlv(0x31, [encodeTlv(0x30, signerKept)]));
    } else {
      kept.push(slice(der, part));
    }
  }
  return { signedData: encodeTlv(0x30, kept), certs, unsigned };
}

/** Parses a ContentInfo holding SignedData with one signer; null if it is anything else. */
export function parseSignedData(der: Uint8Array, pool: CertPool): ParsedCms | null {
  try {
    const split = splitSignedData(der);
    if (!split) return null;
    const asn = asn1js.fromBER(new Uint8Array(split.signedData));
    if (asn.offset === -1) return null;
    const signedData = new pkijs.SignedData({ schema: asn.result });
    if (signedData.signerInfos.length !== 1) return null;
    const signerInfo = signedData.signerInfos[0]!;
    const certs = split.certs.map((c) => pool.add(c)).filter((c): c is Cert => !!c);
    const revocation: RevocationData = { ocsps: [], crls: [] };
    for (const crl of signedData.crls ?? []) {
      if (crl instanceof pkijs.CertificateRevocationList) revocation.crls.push(crl);
      else if (crl instanceof pkijs.OtherRevocationInfoFormat && crl.otherRevInfoFormat === cmsOids.ocspRevocationInfo) {
        const basic = parseOcsp(new Uint8Array(crl.otherRevInfo.toBER()), pool);
        if (basic) revocation.ocsps.push(basic);
      }
    }
    const archival = signerInfo.signedAttrs?.attributes.find((a) => a.type === cmsOids.adbeRevocationInfoArchival);
    if (archival) addArchival(archival.values[0], revocation, pool);
    const eContent = signedData.encapContentInfo.eContent;
    return {
      signedData,
      signerInfo,
      signer: findSigner(signerInfo, certs),
      eContent: eContent ? octets(eContent) : null,
      eContentType: signedData.encapContentInfo.eContentType,
      revocation,
      unsigned: split.unsigned,
    };
  } catch {
    return null;
  }
}

function octets(s: asn1js.OctetString): Uint8Array {
  // A constructed OCTET STRING keeps its pieces; DER writers send it primitive.
  if (s.valueBlock.isConstructed) {
    return Buffer.concat(s.valueBlock.value.map((v) => Buffer.from((v as asn1js.OctetString).valueBlock.valueHexView)));
  }
  return s.valueBlock.valueHexView;
}

/** adbe-revocationInfoArchival: SEQUENCE { crl [0] SEQ OF CRL, ocsp [1] SEQ OF OCSPResponse, … }. */
function addArchival(value: unknown, into: RevocationData, pool: CertPool) {
  if (!(value instanceof asn1js.Sequence)) return;
  for (const tagged of value.valueBlock.value) {
    if (!(tagged instanceof asn1js.Constructed)) continue;
    const inner = tagged.valueBlock.value[0];
    const list = inner instanceof asn1js.Sequence ? inner.valueBlock.value : [];
    for (const item of list) {
      const der = new Uint8Array(item.toBER());
      if (tagged.idBlock.tagNumber === 0) {
        const crl = parseCrl(der);
        if (crl) into.crls.push(crl);
      } else if (tagged.idBlock.tagNumber === 1) {
        const basic = parseOcsp(der, pool);
        if (basic) into.ocsps.push(basic);
      }
    }
  }
}

function findSigner(signerInfo: pkijs.SignerInfo, certs: Cert[]): Cert | null {
  const sid = signerInfo.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return (
      certs.find((c) => c.parsed.issuer.isEqual(sid.issuer) && c.parsed.serialNumber.isEqual(sid.serialNumber)) ?? null
    );
  }
  // [0] SubjectKeyIdentifier
  const ski = Buffer.from((sid as asn1js.Primitive).valueBlock?.valueHexView ?? []);
  return (
    certs.find((c) => {
      const ext = extension(c, extOids.subjectKeyIdentifier);
      return ext?.value instanceof asn1js.OctetString && Buffer.from(ext.value.valueBlock.valueHexView).equals(ski);
    }) ?? null
  );
}

export type CmsCheck = {
  problems: Set<VerificationProblem>;
  hasSigningTime: boolean;
  /** The ESS signing-certificate(-v2) attribute is present and names the signer. */
  signingCertificateBound: boolean;
  hasSigningCertificateV2: boolean;
  claimedSigningTime: Date | null;
};

export function attribute(signerInfo: pkijs.SignerInfo, oid: string): unknown {
  return signerInfo.signedAttrs?.attributes.find((a) => a.type === oid)?.values[0];
}

/**
 * Checks one SignerInfo: the content (given as the byte ranges it covers) against
 * messageDigest, the contentType, the signature, and the ESS certificate binding.
 */
export function checkSignerInfo(cms: ParsedCms, content: Uint8Array[], expectedContentType: string): CmsCheck {
  const problems = new Set<VerificationProblem>();
  const result: CmsCheck = {
    problems,
    hasSigningTime: false,
    signingCertificateBound: false,
    hasSigningCertificateV2: false,
    claimedSigningTime: null,
  };
  const { signerInfo, signer } = cms;
  if (!signerInfo.signedAttrs || !signer) {
    problems.add('malformed_signature');
    return result;
  }
  const contentType = attribute(signerInfo, cmsOids.contentType);
  const messageDigest = attribute(signerInfo, cmsOids.messageDigest);
  if (
    !(messageDigest instanceof asn1js.OctetString) ||
    !(contentType instanceof asn1js.ObjectIdentifier) ||
    contentType.valueBlock.toString() !== expectedContentType ||
    cms.eContentType !== expectedContentType
  ) {
    problems.add('malformed_signature');
    return result;
  }
  const signingTime = attribute(signerInfo, cmsOids.signingTime);
  if (signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime) {
    result.hasSigningTime = true;
    result.claimedSigningTime = signingTime.toDate();
  }
  const digestOid = signerInfo.digestAlgorithm.algorithmId;
  const actual = digest(digestOid, ...content);
  if (!actual || digestOid === '1.3.14.3.2.26') {
    problems.add('unsupported_algorithm');
    return result;
  }
  if (!actual.equals(Buffer.from(messageDigest.valueBlock.valueHexView))) problems.add('digest_mismatch');

  const ok = verifySignature(
    signerInfo.signatureAlgorithm.algorithmId,
    digestOid,
    new Uint8Array(signerInfo.signedAttrs.encodedValue),
    signerInfo.signature.valueBlock.valueHexView,
    signer.x509.publicKey,
  );
  if (ok === 'unsupported') problems.add('unsupported_algorithm');
  else if (!ok) problems.add('signature_invalid');

  const v2 = attribute(signerInfo, cmsOids.signingCertificateV2);
  const v1 = attribute(signerInfo, cmsOids.signingCertificate);
  result.hasSigningCertificateV2 = v2 !== undefined;
  if (v2 !== undefined || v1 !== undefined) {
    result.signingCertificateBound = essNamesSigner(v2 ?? v1, signer, v2 !== undefined);
    if (!result.signingCertificateBound) problems.add('signing_certificate_mismatch');
  }
  return result;
}

/**
 * SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), … }; the first
 * names the signer: ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash,
 * issuerSerial OPTIONAL }, ESSCertID ::= SEQUENCE { certHash (SHA-1), issuerSerial OPTIONAL }.
 */
function essNamesSigner(value: unknown, signer: Cert, v2: boolean): boolean {
  if (!(value instanceof asn1js.Sequence)) return false;
  const certs = value.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return false;
  const first = certs.valueBlock.value[0];
  if (!(first instanceof asn1js.Sequence)) return false;
  const parts = first.valueBlock.value;
  let i = 0;
  let hashOid = v2 ? cmsOids.sha256 : '1.3.14.3.2.26';
  if (v2 && parts[0] instanceof asn1js.Sequence) {
    const alg = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
    hashOid = alg.algorithmId;
    i = 1;
  }
  const hash = parts[i];
  if (!(hash instanceof asn1js.OctetString)) return false;
  const expected = digest(hashOid, signer.der);
  if (!expected?.equals(Buffer.from(hash.valueBlock.valueHexView))) return false;
  const issuerSerial = parts[i + 1];
  if (issuerSerial instanceof asn1js.Sequence) {
    try {
      const is = new pkijs.IssuerSerial({ schema: issuerSerial });
      if (!is.serialNumber.isEqual(signer.parsed.serialNumber)) return false;
    } catch {
      return false;
    }
  }
  return true;
}
