import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { policyOids } from '../pki/platform-pki.js';
import { cmsOids } from '../signing/cms/oids.js';

/**
 * Verifies the signatures of a contract PDF, failing closed: anything unexpected makes the
 * file not authentic, with a stable machine-readable problem code. Never throws.
 */

export type SignatureRole = 'party_a' | 'party_b' | 'unknown';

export type VerificationProblem =
  | 'not_a_pdf'
  | 'truncated_file'
  | 'no_signature'
  | 'malformed_signature'
  | 'byte_range_not_at_start'
  | 'byte_range_overlap'
  | 'byte_range_gap'
  | 'byte_range_beyond_eof'
  | 'signature_not_at_revision_end'
  | 'modified_after_signing'
  | 'digest_mismatch'
  | 'signature_invalid'
  | 'unsupported_algorithm'
  | 'untrusted_certificate'
  | 'certificate_not_valid_at_signing_time'
  | 'certificate_not_for_signing'
  | 'party_a_signature_missing'
  | 'party_b_signature_missing';

export type SignatureReport = {
  role: SignatureRole;
  signer: string;
  signedAt: string | null;
  valid: boolean;
  coversWholeDocument: boolean;
  problems: VerificationProblem[];
};

export type VerificationResult = {
  authentic: boolean;
  signatures: SignatureReport[];
  problems: VerificationProblem[];
};

export type VerifyOptions = {
  rootCertPem: string;
  /** Roles that must each have a valid signature; both parties by default. */
  requiredRoles?: Exclude<SignatureRole, 'unknown'>[];
};

const digestNames: Record<string, string> = {
  [cmsOids.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const ecdsaSignatureOids: Record<string, string | null> = {
  '1.2.840.10045.2.1': null, // id-ecPublicKey: hash from digestAlgorithm
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const rsaSignatureOids: Record<string, string | null> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption: hash from digestAlgorithm
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

/** Clock skew tolerated between a signingTime and a certificate's validity. */
const skewMs = 5 * 60 * 1000;

type SignatureObject = {
  objStart: number;
  text: string;
};

/** Finds every object that looks like a signature dictionary (has /ByteRange or /Type /Sig). */
function findSignatureObjects(pdf: Buffer): SignatureObject[] {
  const latin = pdf.toString('latin1');
  const starts = new Set<number>();
  const found: SignatureObject[] = [];
  for (const m of latin.matchAll(/\/ByteRange\b|\/Type\s*\/Sig(?![A-Za-z0-9])/g)) {
    const at = m.index ?? 0;
    // The enclosing indirect object: nearest "N G obj" before, "endobj" after.
    const before = latin.lastIndexOf(' obj', at);
    const head = before < 0 ? -1 : latin.lastIndexOf('\n', before);
    const objStart = Math.max(0, head);
    const end = latin.indexOf('endobj', at);
    if (starts.has(objStart)) continue;
    starts.add(objStart);
    found.push({ objStart, text: latin.slice(objStart, end < 0 ? latin.length : end) });
  }
  return found;
}

function decodeHex(hex: string): Buffer | null {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return null;
  return Buffer.from(clean, 'hex');
}

function commonName(cert: X509Certificate): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? cert.subject;
}

function extensionValue(cert: pkijs.Certificate, oid: string): asn1js.AsnType | null {
  const ext = cert.extensions?.find((e) => e.extnID === oid);
  if (!ext) return null;
  const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  return parsed.offset === -1 ? null : parsed.result;
}

const policyDer = new Map<string, Buffer>();

/**
 * Whether the certificate asserts the policy. Compared as DER: asn1js encodes UUID arcs
 * (2.25.<128-bit>) correctly but prints them in hex.
 */
function hasPolicy(cert: pkijs.Certificate, policy: string): boolean {
  const value = extensionValue(cert, '2.5.29.32');
  if (!(value instanceof asn1js.Sequence)) return false;
  let wanted = policyDer.get(policy);
  if (!wanted) {
    wanted = Buffer.from(new asn1js.ObjectIdentifier({ value: policy }).toBER());
    policyDer.set(policy, wanted);
  }
  return value.valueBlock.value.some((info) => {
    const id = info instanceof asn1js.Sequence ? info.valueBlock.value[0] : undefined;
    return id instanceof asn1js.ObjectIdentifier && Buffer.from(id.toBER()).equals(wanted);
  });
}

function allowsSigning(cert: pkijs.Certificate): boolean {
  const value = extensionValue(cert, '2.5.29.15');
  if (!(value instanceof asn1js.BitString)) return true; // no keyUsage: unrestricted
  const first = value.valueBlock.valueHexView[0] ?? 0;
  return (first & 0x80) !== 0 || (first & 0x40) !== 0; // digitalSignature | nonRepudiation
}

function validAt(cert: X509Certificate, at: Date): boolean {
  const t = at.getTime();
  return (
    new Date(cert.validFrom).getTime() - skewMs <= t && t <= new Date(cert.validTo).getTime() + skewMs
  );
}

/**
 * Walks issuer links from the signer up through the CMS's certificates until one is issued
 * by the trusted root. Only the root passed in is trusted: a root embedded in the CMS, or a
 * look-alike CA with the same names, never is.
 */
function chainsToRoot(
  signer: X509Certificate,
  pool: X509Certificate[],
  root: X509Certificate,
  at: Date,
): 'ok' | 'untrusted_certificate' | 'certificate_not_valid_at_signing_time' {
  let current = signer;
  for (let depth = 0; depth < 8; depth++) {
    if (!validAt(current, at)) return 'certificate_not_valid_at_signing_time';
    if (current.raw.equals(root.raw)) return 'ok';
    if (current.checkIssued(root) && current.verify(root.publicKey)) {
      return validAt(root, at) ? 'ok' : 'certificate_not_valid_at_signing_time';
    }
    const issuer = pool.find(
      (c) => c.ca && !c.raw.equals(current.raw) && current.checkIssued(c) && current.verify(c.publicKey),
    );
    if (!issuer) return 'untrusted_certificate';
    current = issuer;
  }
  return 'untrusted_certificate';
}

type ParsedSignature = {
  report: SignatureReport;
  rangeEnd: number;
};

function checkSignature(
  pdf: Buffer,
  obj: SignatureObject,
  root: X509Certificate,
): ParsedSignature {
  const problems = new Set<VerificationProblem>();
  const report: SignatureReport = {
    role: 'unknown',
    signer: '',
    signedAt: null,
    valid: false,
    coversWholeDocument: false,
    problems: [],
  };
  const done = (rangeEnd: number): ParsedSignature => {
    report.problems = [...problems];
    report.valid = problems.size === 0;
    return { report, rangeEnd };
  };

  const br = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(obj.text);
  const contents = /\/Contents\s*<([^>]*)>/.exec(obj.text);
  if (!br || !contents) {
    problems.add('malformed_signature');
    return done(-1);
  }
  const [start, len1, off2, len2] = br.slice(1, 5).map(Number) as [number, number, number, number];
  const rangeEnd = off2 + len2;
  if (start !== 0) problems.add('byte_range_not_at_start');
  if (start + len1 > off2) problems.add('byte_range_overlap');
  // The only gap allowed is this dictionary's own /Contents hex string, brackets included.
  const contentsStart = obj.objStart + (contents.index ?? 0) + contents[0].indexOf('<');
  const contentsEnd = contentsStart + contents[1]!.length + 2;
  if (start + len1 <= off2 && (start + len1 !== contentsStart || off2 !== contentsEnd)) {
    problems.add('byte_range_gap');
  }
  if (rangeEnd > pdf.length) problems.add('byte_range_beyond_eof');
  report.coversWholeDocument = start === 0 && rangeEnd === pdf.length && problems.size === 0;

  const mDate = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(obj.text);
  if (mDate) {
    const [y, mo, d, h, mi, s] = mDate.slice(1).map(Number) as number[];
    report.signedAt = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)).toISOString();
  }

  const raw = decodeHex(contents[1]!);
  let signedData: pkijs.SignedData;
  let signerInfo: pkijs.SignerInfo;
  try {
    if (!raw) throw new Error('bad hex');
    // The CMS is followed by the zero padding of /Contents: asn1js reads the first element.
    const cms = asn1js.fromBER(raw);
    if (cms.offset === -1) throw new Error('malformed CMS');
    const info = new pkijs.ContentInfo({ schema: cms.result });
    if (info.contentType !== cmsOids.signedData) throw new Error('not SignedData');
    signedData = new pkijs.SignedData({ schema: info.content });
    if (signedData.signerInfos.length !== 1) throw new Error('expected one signer');
    signerInfo = signedData.signerInfos[0]!;
    if (!signerInfo.signedAttrs) throw new Error('no signed attributes');
  } catch {
    problems.add('malformed_signature');
    return done(rangeEnd);
  }

  const attrs = signerInfo.signedAttrs.attributes;
  const attr = (oid: string) => attrs.find((a) => a.type === oid)?.values[0];
  const messageDigest = attr(cmsOids.messageDigest);
  const contentType = attr(cmsOids.contentType);
  const signingTime = attr(cmsOids.signingTime);
  if (
    !(messageDigest instanceof asn1js.OctetString) ||
    !(contentType instanceof asn1js.ObjectIdentifier) ||
    contentType.valueBlock.toString() !== cmsOids.data
  ) {
    problems.add('malformed_signature');
    return done(rangeEnd);
  }
  let signedAt: Date | null = null;
  if (signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime) {
    signedAt = signingTime.toDate();
    report.signedAt = signedAt.toISOString();
  }

  const hash = digestNames[signerInfo.digestAlgorithm.algorithmId];
  if (!hash) {
    problems.add('unsupported_algorithm');
    return done(rangeEnd);
  }
  if (rangeEnd <= pdf.length && start === 0 && start + len1 <= off2) {
    const digest = createHash(hash)
      .update(pdf.subarray(start, start + len1))
      .update(pdf.subarray(off2, rangeEnd))
      .digest();
    if (!digest.equals(Buffer.from(messageDigest.valueBlock.valueHexView))) {
      problems.add('digest_mismatch');
    }
  } else {
    problems.add('digest_mismatch');
  }

  const parsedCerts = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const sid = signerInfo.sid;
  const signerParsed =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? parsedCerts.find(
          (c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
        )
      : undefined;
  if (!signerParsed) {
    problems.add('malformed_signature');
    return done(rangeEnd);
  }
  const pool = parsedCerts.map((c) => new X509Certificate(Buffer.from(c.toSchema().toBER())));
  const signer = new X509Certificate(Buffer.from(signerParsed.toSchema().toBER()));
  report.signer = commonName(signer);

  const sigAlg = signerInfo.signatureAlgorithm.algorithmId;
  const keyType = signer.publicKey.asymmetricKeyType;
  const table = keyType === 'ec' ? ecdsaSignatureOids : keyType === 'rsa' ? rsaSignatureOids : {};
  const sigHash = sigAlg in table ? (table[sigAlg] ?? hash) : undefined;
  if (!sigHash) {
    problems.add('unsupported_algorithm');
  } else {
    const ok = cryptoVerify(
      sigHash,
      Buffer.from(signerInfo.signedAttrs.encodedValue),
      signer.publicKey,
      Buffer.from(signerInfo.signature.valueBlock.valueHexView),
    );
    if (!ok) problems.add('signature_invalid');
  }

  const chain = chainsToRoot(signer, pool, root, signedAt ?? new Date());
  if (chain !== 'ok') problems.add(chain);
  if (!allowsSigning(signerParsed)) problems.add('certificate_not_for_signing');
  if (chain === 'ok') {
    report.role = hasPolicy(signerParsed, policyOids.partyAEvent)
      ? 'party_a'
      : hasPolicy(signerParsed, policyOids.partyBOrganisation)
        ? 'party_b'
        : 'unknown';
  }
  return done(rangeEnd);
}

export function verifyPdfSignatures(bytes: Buffer, options: VerifyOptions): VerificationResult {
  const fail = (...problems: VerificationProblem[]): VerificationResult => ({
    authentic: false,
    signatures: [],
    problems,
  });
  let root: X509Certificate;
  try {
    root = new X509Certificate(options.rootCertPem);
  } catch {
    // A misconfigured trust anchor is the caller's bug, not the document's.
    throw new Error('verifyPdfSignatures: rootCertPem is not a certificate');
  }
  try {
    if (!Buffer.isBuffer(bytes) || bytes.length < 16 || bytes.toString('latin1', 0, 5) !== '%PDF-') {
      return fail('not_a_pdf');
    }
    const problems = new Set<VerificationProblem>();
    const tail = bytes.toString('latin1', Math.max(0, bytes.length - 64));
    if (!/%%EOF\s*$/.test(tail)) problems.add('truncated_file');

    const parsed = findSignatureObjects(bytes)
      .map((obj) => {
        try {
          return checkSignature(bytes, obj, root);
        } catch {
          return {
            rangeEnd: -1,
            report: {
              role: 'unknown',
              signer: '',
              signedAt: null,
              valid: false,
              coversWholeDocument: false,
              problems: ['malformed_signature'],
            } satisfies SignatureReport,
          };
        }
      })
      .sort((a, b) => a.rangeEnd - b.rangeEnd);

    if (parsed.length === 0) problems.add('no_signature');
    for (const p of parsed) for (const code of p.report.problems) problems.add(code);

    const last = parsed.at(-1);
    if (last && last.rangeEnd >= 0 && last.rangeEnd < bytes.length) {
      problems.add('modified_after_signing');
    }
    // Earlier signatures must end where a revision ends, or the bytes between them and the
    // next revision were never signed by anyone.
    for (const p of parsed.slice(0, -1)) {
      if (p.rangeEnd < 0) continue;
      const end = bytes.toString('latin1', Math.max(0, p.rangeEnd - 7), p.rangeEnd);
      if (!/%%EOF\s*$/.test(end)) problems.add('signature_not_at_revision_end');
    }

    const required = options.requiredRoles ?? ['party_a', 'party_b'];
    for (const role of required) {
      if (!parsed.some((p) => p.report.role === role && p.report.valid)) {
        problems.add(role === 'party_a' ? 'party_a_signature_missing' : 'party_b_signature_missing');
      }
    }
    const signatures = parsed.map((p) => p.report);
    return {
      authentic: problems.size === 0 && signatures.length > 0,
      signatures,
      problems: [...problems],
    };
  } catch {
    return fail('malformed_signature');
  }
}
