import { X509Certificate } from 'node:crypto';
import { policyOids } from '../pki/platform-pki.js';
import { cachePkijsSchemas } from '../pki/pkijs-schema-cache.js';
import { PdfReader, PdfStructureError } from '../pdf-structure/reader.js';
import { analyseRevision, type RevisionAnalysis } from './diff-analysis/policy.js';
import { readDss } from './dss.js';
import { checkSignerInfo, cmsOids, parseSignedData, unsignedAttribute } from './generic-cms.js';
import { padesLevel } from './pades-level.js';
import { checkByteRange, type EmbeddedSignature, findSignatures, signedContent } from './pdf-embedded.js';
import {
  type CertificateFacts,
  lowestLevel,
  type SignatureReport,
  type SignatureRole,
  type VerificationProblem,
  type VerificationResult,
} from './status.js';
import { buildChain } from './trust/chain.js';
import { type Cert, CertPool, commonName, hasPolicy, keyUsage, keyUsageBits } from './trust/certs.js';
import { parseCrl, parseOcsp, pathRevocation, type RevocationData } from './trust/revocation.js';
import { type TimestampResult, type TrustContext, validateTimestampToken } from './timestamps.js';

cachePkijsSchemas();

export type VerifyPdfOptions = {
  /** Trust anchors: the platform root, and any external TSA or licensed CA roots. DER or PEM. */
  trustedRoots: (X509Certificate | string | Uint8Array)[];
  /** Roles that must each have a valid signature; both parties by default. */
  requiredRoles?: Exclude<SignatureRole, 'unknown' | 'document_timestamp'>[];
  /** The time to judge untimestamped signatures at (now by default). */
  now?: Date;
};

type Checked = {
  sig: EmbeddedSignature;
  rangeEnd: number;
  report: SignatureReport;
  problems: Set<VerificationProblem>;
  path: Cert[];
  timestamp: TimestampResult | null;
  hasSigningTime: boolean;
  signingCertificateV2Bound: boolean;
};

/** Far above what a contract carries (two signatures and a document timestamp). */
const maxSignatures = 16;
/** Bytes hashed over all signatures, as a multiple of the file size. */
const maxHashedFactor = 8;

const fail = (...problems: VerificationProblem[]): VerificationResult => ({
  authentic: false,
  level: null,
  signatures: [],
  revisions: [],
  problems,
});

function structureProblem(e: PdfStructureError): VerificationProblem {
  if (e.code === 'not_a_pdf') return 'not_a_pdf';
  if (e.code === 'too_large') return 'file_too_complex';
  if (e.code === 'encrypted' || e.code === 'unsupported_filter') return 'unsupported_pdf';
  return 'malformed_pdf';
}

function endsWithEof(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d || bytes[end - 1] === 0x20)) end--;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', Math.max(0, end - 5), end) === '%%EOF';
}

/**
 * Opens the file; when its last update cannot be read, falls back to the revisions before it
 * (the part earlier signatures may cover), noting that unreadable bytes follow.
 */
function openReader(bytes: Uint8Array, problems: Set<VerificationProblem>): PdfReader | null {
  let view = bytes;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const reader = PdfReader.open(view);
      if (view !== bytes) problems.add('modified_after_signing');
      return reader;
    } catch (e) {
      if (!(e instanceof PdfStructureError)) throw e;
      const fatal = structureProblem(e);
      if (fatal !== 'malformed_pdf') {
        problems.add(fatal);
        return null;
      }
      const eof = Buffer.from(view.buffer, view.byteOffset, view.byteLength).lastIndexOf('%%EOF', view.length - 6, 'latin1');
      if (eof < 0) break;
      view = view.subarray(0, eof + 5);
    }
  }
  problems.add('malformed_pdf');
  return null;
}

function anchorsFrom(pool: CertPool, roots: VerifyPdfOptions['trustedRoots']): Cert[] {
  return roots
    .map((r) => {
      const x = r instanceof X509Certificate ? r : new X509Certificate(typeof r === 'string' ? r : Buffer.from(r));
      return pool.add(x.raw);
    })
    .filter((c): c is Cert => !!c);
}

function roleOf(cert: Cert): SignatureRole {
  if (hasPolicy(cert, policyOids.partyAEvent)) return 'party_a';
  if (hasPolicy(cert, policyOids.partyBOrganisation)) return 'party_b';
  return 'unknown';
}

function certificateFacts(cert: Cert): CertificateFacts {
  return {
    subject: cert.x509.subject.replaceAll('\n', ', '),
    serial: cert.x509.serialNumber,
    issuer: cert.x509.issuer.replaceAll('\n', ', '),
    sha256: cert.id,
  };
}

function checkSignature(sig: EmbeddedSignature, reader: PdfReader, trust: TrustContext, now: Date): Checked {
  const problems = new Set<VerificationProblem>(sig.problems);
  const rangeEnd = checkByteRange(reader, sig);
  for (const p of sig.problems) problems.add(p);
  const checked: Checked = {
    sig,
    rangeEnd,
    problems,
    path: [],
    timestamp: null,
    hasSigningTime: false,
    signingCertificateV2Bound: false,
    report: {
      role: sig.kind === 'document_timestamp' ? 'document_timestamp' : 'unknown',
      signer: '',
      signedAt: sig.claimedTime?.toISOString() ?? null,
      timestamp: null,
      keyCustody: null,
      certificate: null,
      valid: false,
      coversWholeDocument: false,
      level: null,
      problems: [],
    },
  };
  const content = signedContent(reader, sig);
  if (!sig.contents) return checked;

  if (sig.kind === 'document_timestamp') {
    const ts = validateTimestampToken(sig.contents, content ?? [new Uint8Array(0)], trust);
    checked.timestamp = ts;
    checked.path = ts.path;
    checked.report.signer = ts.tsa;
    if (ts.time) checked.report.signedAt = ts.time.toISOString();
    if (ts.valid && ts.time) checked.report.timestamp = { time: ts.time.toISOString(), tsa: ts.tsa };
    if (!content) problems.add('digest_mismatch');
    else if (ts.problem) problems.add(ts.problem);
    return checked;
  }

  const cms = parseSignedData(sig.contents, trust.pool);
  if (!cms?.signer) {
    problems.add('malformed_signature');
    return checked;
  }
  for (const crl of cms.revocation.crls) trust.revocation.crls.push(crl);
  for (const ocsp of cms.revocation.ocsps) trust.revocation.ocsps.push(ocsp);
  const signer = cms.signer;
  checked.report.signer = commonName(signer);
  checked.report.certificate = certificateFacts(signer);
  const cmsCheck = checkSignerInfo(cms, content ?? [], cmsOids.data);
  for (const p of cmsCheck.problems) problems.add(p);
  if (!content) problems.add('digest_mismatch');
  checked.hasSigningTime = cmsCheck.hasSigningTime;
  checked.signingCertificateV2Bound = cmsCheck.hasSigningCertificateV2 && cmsCheck.signingCertificateBound;
  if (!sig.claimedTime && cmsCheck.claimedSigningTime) checked.report.signedAt = cmsCheck.claimedSigningTime.toISOString();

  // The time a valid signature timestamp proves; the claimed time never counts.
  const token = unsignedAttribute(cms, cmsOids.signatureTimeStampToken)[0] ?? null;
  let provenTime: Date | null = null;
  if (token) {
    const ts = validateTimestampToken(token, [cms.signerInfo.signature.valueBlock.valueHexView], trust);
    checked.timestamp = ts;
    if (ts.valid && ts.time) {
      provenTime = ts.time;
      checked.report.timestamp = { time: ts.time.toISOString(), tsa: ts.tsa };
      checked.report.signedAt = ts.time.toISOString();
    } else if (ts.problem) problems.add(ts.problem);
  }
  const at = provenTime ?? now;
  const chain = buildChain(signer, trust.pool, trust.anchors, at);
  checked.path = chain.path;
  if (!chain.ok) problems.add(chain.problem);
  const ku = keyUsage(signer);
  if (ku && !ku.has(keyUsageBits.digitalSignature) && !ku.has(keyUsageBits.nonRepudiation)) {
    problems.add('certificate_not_for_signing');
  }
  if (chain.ok) {
    if (pathRevocation(chain.path, trust.revocation, at).revoked) problems.add('certificate_revoked');
    checked.report.role = roleOf(signer);
    // Every Party A key is held by the platform until signer-held keys arrive.
    if (checked.report.role === 'party_a') checked.report.keyCustody = 'platform';
  }
  return checked;
}

function dssRevocation(certs: Uint8Array[], ocsps: Uint8Array[], crls: Uint8Array[], pool: CertPool): RevocationData {
  for (const der of certs) pool.add(der);
  return {
    ocsps: ocsps.map((o) => parseOcsp(o, pool)).filter((o) => o !== null),
    crls: crls.map(parseCrl).filter((c) => c !== null),
  };
}

/** Verifies every signature and timestamp of a PDF. Never throws; fails closed. */
export function verifyPdf(input: Uint8Array, options: VerifyPdfOptions): VerificationResult {
  try {
    return verifyPdfUnsafe(input, options);
  } catch (e) {
    return fail(e instanceof PdfStructureError ? structureProblem(e) : 'malformed_pdf');
  }
}

function verifyPdfUnsafe(input: Uint8Array, options: VerifyPdfOptions): VerificationResult {
  if (!(input instanceof Uint8Array) || input.length < 16) return fail('not_a_pdf');
  const bytes = input;
  if (Buffer.from(bytes.buffer, bytes.byteOffset, 5).toString('latin1') !== '%PDF-') return fail('not_a_pdf');
  const problems = new Set<VerificationProblem>();
  if (!endsWithEof(bytes)) problems.add('truncated_file');
  const reader = openReader(bytes, problems);
  if (!reader) return fail(...problems);

  const pool = new CertPool();
  const anchors = anchorsFrom(pool, options.trustedRoots);
  const dss = readDss(reader);
  const dssData = dssRevocation(dss.certs, dss.ocsps, dss.crls, pool);
  const trust: TrustContext = {
    pool,
    anchors,
    revocation: { ocsps: [...dssData.ocsps], crls: [...dssData.crls] },
  };
  const now = options.now ?? new Date();
  const sigs = findSignatures(reader);
  // Each signature hashes up to the whole file: many of them would make the work quadratic.
  const hashed = sigs.reduce((n, s) => n + (signedContent(reader, s) ? s.byteRange![1] + s.byteRange![3] : 0), 0);
  if (sigs.length > maxSignatures || hashed > bytes.length * maxHashedFactor) return fail('file_too_complex');
  if (sigs.filter((s) => s.kind === 'signature').length === 0) problems.add('no_signature');
  const checked = sigs.map((s) => checkSignature(s, reader, trust, now)).sort((a, b) => a.rangeEnd - b.rangeEnd);

  // Revisions: what each changed, and whether the certification allows it.
  const certification = checked.find((c) => c.sig.docMdp !== null && c.problems.size === 0);
  const firstSigned = Math.min(...checked.map((c) => c.sig.revision), reader.revisions.length);
  const permission = certification?.sig.docMdp ?? 3;
  const from = certification?.sig.revision ?? firstSigned;
  const analyses: RevisionAnalysis[] = reader.revisions.map((_, r) => {
    if (r === 0) return { index: 0, changes: ['original_document'], allowed: true, dssOnly: false };
    const a = analyseRevision(reader, r, permission, readDss(reader, r).objects);
    return r > from ? a : { ...a, allowed: true };
  });
  if (analyses.some((a) => !a.allowed)) problems.add('modification_not_permitted');

  // Coverage: the last signature or document timestamp ends a revision, and only DSS-only
  // updates may follow it.
  const last = reader.revisions.at(-1)!;
  const lastEnd = Math.max(-1, ...checked.map((c) => c.rangeEnd));
  const coveredRevision = reader.revisions.findIndex((r) => r.end === lastEnd || r.eofEnd === lastEnd);
  if (checked.length > 0) {
    if (coveredRevision < 0 || analyses.slice(coveredRevision + 1).some((a) => !a.dssOnly)) {
      problems.add('modified_after_signing');
    }
  }
  const trailing = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(last.end);
  if (trailing.some((b) => b !== 0x0a && b !== 0x0d && b !== 0x20 && b !== 0x00)) problems.add('modified_after_signing');
  if (bytes.length < last.end) problems.add('truncated_file');

  // Levels: B-LT needs the DSS (after the signature) to hold every chain's certificates and
  // revocation data; B-LTA a valid document timestamp after that DSS.
  const dssCertIds = new Set(dss.certs.map((d) => pool.add(d)?.id).filter((id): id is string => !!id));
  const anchorIds = new Set(anchors.map((a) => a.id));
  const dssRevocationData: RevocationData = dssData;
  const dssCovers = (path: Cert[], at: Date) =>
    path.length > 0 &&
    path.every((c) => anchorIds.has(c.id) || dssCertIds.has(c.id)) &&
    pathRevocation(path, dssRevocationData, at).missing.length === 0;
  const archive = checked.some(
    (c) => c.sig.kind === 'document_timestamp' && c.problems.size === 0 && dss.revision !== null && c.sig.revision > dss.revision,
  );

  for (const c of checked) {
    c.report.problems = [...c.problems];
    c.report.valid = c.problems.size === 0;
    c.report.coversWholeDocument =
      c.report.valid && (c.rangeEnd === bytes.length || (c.rangeEnd === last.eofEnd && last.end === bytes.length));
    if (c.sig.kind === 'signature') {
      const ts = c.timestamp?.valid ? c.timestamp : null;
      const at = ts?.time ?? now;
      c.report.level = padesLevel({
        signatureValid: c.report.valid,
        subFilter: c.sig.subFilter,
        hasSigningTime: c.hasSigningTime,
        signingCertificateV2Bound: c.signingCertificateV2Bound,
        timestampValid: ts !== null,
        dssComplete:
          dss.revision !== null &&
          dss.revision > c.sig.revision &&
          dssCovers(c.path, at) &&
          ts !== null &&
          dssCovers(ts.path, ts.time ?? at),
        archiveTimestamp: archive,
      });
    }
    for (const p of c.problems) problems.add(p);
  }

  const required = options.requiredRoles ?? ['party_a', 'party_b'];
  for (const role of required) {
    if (!checked.some((c) => c.report.role === role && c.report.valid)) {
      problems.add(role === 'party_a' ? 'party_a_signature_missing' : 'party_b_signature_missing');
    }
  }
  const signatures = checked.map((c) => c.report);
  const level = lowestLevel(signatures.filter((s) => s.role !== 'document_timestamp').map((s) => s.level));
  return {
    authentic: problems.size === 0 && signatures.some((s) => s.role !== 'document_timestamp'),
    level,
    signatures,
    revisions: analyses.map(({ index, changes, allowed }) => ({ index, changes, allowed })),
    problems: [...problems],
  };
}
