// Party A's signing key, made and used in this browser only (WebCrypto, ECDSA P-256). The
// private key is created non-extractable: no code, ours included, can read it out of the
// browser's key store; the platform receives the public key and one signature.

/** The parameters of Party A's key: what the platform's event certificate is issued for. */
export const keyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signatureAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;

export type BrowserKey = {
  /** The public key as the server takes it (JWK, RFC 7518). */
  publicJwk: JsonWebKey;
  /** Signs the DER the server prepared; answers base64 of r ‖ s (IEEE P1363), as the server expects. */
  sign(toBeSignedBase64: string): Promise<string>;
};

/** WebCrypto only exists in a secure context (HTTPS, or localhost). */
export const hasWebCrypto = () => typeof crypto !== 'undefined' && Boolean(crypto.subtle);

export async function generateBrowserKey(): Promise<BrowserKey> {
  const pair = await crypto.subtle.generateKey(keyAlgorithm, false, ['sign', 'verify']);
  // The public half is always exportable, whatever `extractable` says for the private one.
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    publicJwk: { kty, crv, x, y },
    async sign(toBeSignedBase64) {
      const signature = await crypto.subtle.sign(signatureAlgorithm, pair.privateKey, fromBase64(toBeSignedBase64));
      return toBase64(new Uint8Array(signature));
    },
  };
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
