import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Where the service publishes what relying parties fetch, under the public URL at issue time. */
export type PkiEndpoints = {
  rootCrt: string;
  rootPem: string;
  issuingCrt: string;
  rootCrl: string;
  issuingCrl: string;
  ocsp: string;
  tsa: string;
};

export function pkiEndpoints(publicUrl: string): PkiEndpoints {
  const base = `${publicUrl.replace(/\/$/, '')}/pki`;
  return {
    rootCrt: `${base}/root.crt`,
    rootPem: `${base}/root.pem`,
    issuingCrt: `${base}/issuing.crt`,
    rootCrl: `${base}/crl/root.crl`,
    issuingCrl: `${base}/crl/issuing.crl`,
    ocsp: `${base}/ocsp`,
    tsa: `${base}/tsa`,
  };
}

export const profileOids = {
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  extKeyUsage: '2.5.29.37',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  adCaIssuers: '1.3.6.1.5.5.7.48.2',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** Policy OIDs of the platform's trust services (UUID arc, like the certificate policies). */
export const servicePolicyOids = {
  /** TSTInfo.policy of every token the embedded TSA issues. */
  timestampPolicy: '2.25.305532742847608244107723653131650653714',
  tsaCertificate: '2.25.336889796743130002809288051897386546439',
  ocspResponderCertificate: '2.25.103063986938191234235255909255906992237',
} as const;

/** What a certificate profile adds beyond basic constraints, key usage and key identifiers. */
export type ProfileExtensions = {
  /** The CRL of the certificate's issuer (RFC 5280 4.2.1.13). */
  crlUrl?: string;
  /** The issuer's OCSP responder (RFC 5280 4.2.2.1, id-ad-ocsp). */
  ocspUrl?: string;
  /** Where the issuer's certificate can be fetched (id-ad-caIssuers). */
  caIssuersUrl?: string;
  /** Extended key usage, always critical here: the certificate may serve these purposes only. */
  extendedKeyUsage?: string[];
  /** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): relying parties do not check the responder. */
  ocspNoCheck?: boolean;
};

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER() });
}

const uri = (value: string) => new pkijs.GeneralName({ type: 6, value });

export function profileExtensions(p: ProfileExtensions): pkijs.Extension[] {
  const out: pkijs.Extension[] = [];
  if (p.crlUrl) {
    const points = new pkijs.CRLDistributionPoints({
      distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [uri(p.crlUrl)] })],
    });
    out.push(extension(profileOids.crlDistributionPoints, false, points.toSchema()));
  }
  const access: pkijs.AccessDescription[] = [];
  if (p.ocspUrl) access.push(new pkijs.AccessDescription({ accessMethod: profileOids.adOcsp, accessLocation: uri(p.ocspUrl) }));
  if (p.caIssuersUrl) access.push(new pkijs.AccessDescription({ accessMethod: profileOids.adCaIssuers, accessLocation: uri(p.caIssuersUrl) }));
  if (access.length) {
    out.push(extension(profileOids.authorityInfoAccess, false, new pkijs.InfoAccess({ accessDescriptions: access }).toSchema()));
  }
  if (p.extendedKeyUsage?.length) {
    out.push(extension(profileOids.extKeyUsage, true, new pkijs.ExtKeyUsage({ keyPurposes: p.extendedKeyUsage }).toSchema()));
  }
  if (p.ocspNoCheck) out.push(extension(profileOids.ocspNoCheck, false, new asn1js.Null()));
  return out;
}

/** The extensions a leaf certificate issued by the issuing CA carries. */
export function leafProfile(publicUrl: string | undefined): ProfileExtensions {
  if (!publicUrl) return {};
  const e = pkiEndpoints(publicUrl);
  return { crlUrl: e.issuingCrl, ocspUrl: e.ocsp, caIssuersUrl: e.issuingCrt };
}

/** The issuing CA's: the root's CRL and certificate; the root runs no OCSP responder. */
export function issuingCaProfile(publicUrl: string): ProfileExtensions {
  const e = pkiEndpoints(publicUrl);
  return { crlUrl: e.rootCrl, caIssuersUrl: e.rootCrt };
}
