// Party A's signing key, made and used in this browser only (WebCrypto, ECDSA P-256). The
// private key is created non-extractable: no code, ours included, can read it out of the
// browser's key store; the platform receives the public key and one signature.

/** The parameters of Party A's key: what the platform's event certificate is issued for. */
export const keyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signatureAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;

export type BrowserKey = {
  /** The pair itself (the private half non-extractable), what IndexedDB keeps. */
  pair: CryptoKeyPair;
  /** The public key as the server takes it (JWK, RFC 7518). */
  publicJwk: JsonWebKey;
  /** Signs the DER the server prepared; answers base64 of r ‖ s (IEEE P1363), as the server expects. */
  sign(toBeSignedBase64: string): Promise<string>;
};

/** WebCrypto only exists in a secure context (HTTPS, or localhost). */
export const hasWebCrypto = () => typeof crypto !== 'undefined' && Boolean(crypto.subtle);

export async function generateBrowserKey(): Promise<BrowserKey> {
  return browserKeyOf(await crypto.subtle.generateKey(keyAlgorithm, false, ['sign', 'verify']));
}

async function browserKeyOf(pair: CryptoKeyPair): Promise<BrowserKey> {
  // The public half is always exportable, whatever `extractable` says for the private one.
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    pair,
    publicJwk: { kty, crv, x, y },
    async sign(toBeSignedBase64) {
      const signature = await crypto.subtle.sign(signatureAlgorithm, pair.privateKey, fromBase64(toBeSignedBase64));
      return toBase64(new Uint8Array(signature));
    },
  };
}

// A big attachment's signature is finished after its contract job has prepared it, perhaps
// after the user left and came back: the pair waits in IndexedDB under the signing's id.
// Structured clone stores the CryptoKey itself, still non-extractable; only this origin reads it.
const database = 'qiyue-signing-keys';
const store = 'keys';

function openKeys(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(database, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(store);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openKeys();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

type KeptKey = { pair: CryptoKeyPair; keptAt: number };

/** A signing is over 15 minutes after its document was prepared: a key kept a day is of no use. */
const keptForMs = 24 * 60 * 60_000;

/**
 * Keeps the key until the signing `signingId` completes (or its job ends), and drops keys of
 * signings the user never came back to.
 */
export async function keepBrowserKey(signingId: string, key: BrowserKey) {
  await withStore('readwrite', (s) => {
    const stale = s.openCursor();
    stale.onsuccess = () => {
      const cursor = stale.result;
      if (!cursor) return;
      if (Date.now() - ((cursor.value as KeptKey).keptAt ?? 0) > keptForMs) cursor.delete();
      cursor.continue();
    };
    return s.put({ pair: key.pair, keptAt: Date.now() } satisfies KeptKey, signingId);
  });
}

/** The key kept for `signingId` in this browser, or null (another browser, or its data cleared). */
export async function loadBrowserKey(signingId: string): Promise<BrowserKey | null> {
  const kept = (await withStore('readonly', (s) => s.get(signingId))) as KeptKey | undefined;
  return kept ? browserKeyOf(kept.pair) : null;
}

export const dropBrowserKey = async (signingId: string) => {
  await withStore('readwrite', (s) => s.delete(signingId));
};

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
