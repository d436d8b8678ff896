import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as pkijs from 'pkijs';
import { type CertifiedKey, certificateFromPem } from './platform-pki.js';

const bagIds = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
};

export type ExternalPartyB = {
  partyB: CertifiedKey;
  /** The CA certificates above Party B's, nearest first, ending with the licensed CA's root. */
  chain: X509Certificate[];
};

export class PartyBP12Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`QIYUE_PARTY_B_P12: ${message}`, options);
    this.name = 'PartyBP12Error';
  }
}

/**
 * Party B's certificate and key from a PKCS#12 file issued by a licensed CA, read with pkijs
 * (integrity MAC checked, PBES2 bags decrypted). The chain is ordered from the certificates
 * the file holds; the file must hold the whole chain up to a self-signed root.
 */
export async function loadPartyBP12(path: string, password: string): Promise<ExternalPartyB> {
  let der: Buffer;
  try {
    der = readFileSync(path);
  } catch (cause) {
    throw new PartyBP12Error(`cannot read ${path}`, { cause });
  }
  const pass = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const certs: X509Certificate[] = [];
  const keys: Buffer[] = [];
  try {
    const pfx = pkijs.PFX.fromBER(new Uint8Array(der));
    await pfx.parseInternalValues({ password: pass, checkIntegrity: true });
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) throw new Error('no authenticated safe');
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: pass })) });
    for (const contents of safe.parsedValue.safeContents) {
      for (const bag of contents.value.safeBags) {
        if (bag.bagId === bagIds.pkcs8ShroudedKeyBag) {
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          // Protected in pkijs's typings, yet the way its own PKCS#12 examples decrypt a key bag.
          await (shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> }).parseInternalValues({ password: pass });
          keys.push(Buffer.from(shrouded.parsedValue!.toSchema().toBER()));
        } else if (bag.bagId === bagIds.keyBag) {
          keys.push(Buffer.from((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER()));
        } else if (bag.bagId === bagIds.certBag) {
          const certBag = bag.bagValue as pkijs.CertBag;
          if (certBag.certId !== bagIds.x509Certificate) continue;
          certs.push(new X509Certificate(Buffer.from((certBag.parsedValue as pkijs.Certificate).toSchema().toBER())));
        }
      }
    }
  } catch (cause) {
    throw new PartyBP12Error('not a PKCS#12 file this password opens', { cause });
  }
  if (keys.length !== 1) throw new PartyBP12Error(`expected one private key, found ${keys.length}`);
  const key = createPrivateKey({ key: keys[0]!, format: 'der', type: 'pkcs8' });
  const leaf = certs.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw new PartyBP12Error('no certificate in the file matches its private key');
  const chain: X509Certificate[] = [];
  for (let cert = leaf; !(cert.checkIssued(cert) && cert.verify(cert.publicKey)); ) {
    const issuer = certs.find((c) => c !== cert && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!issuer) throw new PartyBP12Error(`the file does not hold the issuer of ${cert.subject.replaceAll('\n', ', ')}`);
    if (chain.includes(issuer)) throw new PartyBP12Error('the certificates in the file form a loop');
    chain.push(issuer);
    cert = issuer;
  }
  if (!chain.length) throw new PartyBP12Error("Party B's certificate is self-signed");
  const certPem = leaf.toString();
  return { partyB: { certPem, cert: certificateFromPem(certPem), key }, chain };
}
