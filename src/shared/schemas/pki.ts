import { z } from 'zod';

export const revocationReason = z.enum(['key_compromise', 'identity_fraud', 'affiliation_changed', 'superseded', 'cessation_of_operation', 'unspecified']);

export const revokeCertificateBody = z.object({ reason: revocationReason });

export const certificatePurpose = z.enum(['root', 'issuing', 'party_b', 'event', 'tsa', 'ocsp']);

export const revokeCertificateResponse = z.object({
  certificate: z.object({
    serial: z.string(),
    purpose: certificatePurpose,
    revokedAt: z.iso.datetime(),
    /** The RFC 5280 CRLReason the operator's reason became. */
    crlReason: z.string(),
  }),
  /** The certificate issued in its place (Party B, TSA, OCSP responder). */
  replacement: z.object({ serial: z.string(), purpose: certificatePurpose }).nullable(),
});

export const trustResponse = z.object({
  root: z.object({
    subject: z.string(),
    /** SHA-256 of the DER certificate, upper-case hex pairs joined by colons. */
    sha256Fingerprint: z.string(),
    notAfter: z.iso.datetime(),
    der: z.string(),
    pem: z.string(),
  }),
});
