/**
 * Just enough DER to cut a CMS apart before pkijs sees it. asn1js decodes every nested block
 * (each certificate, each embedded timestamp token with its own certificates), which makes up
 * most of a verification's time; the certificates are parsed once per thread instead (see
 * trust/certs.ts) and timestamp tokens on their own.
 */

export type Tlv = { tag: number; start: number; contentStart: number; end: number };

export class DerError extends Error {}

/** The element at `at` (single-byte tags; definite lengths, as DER requires). */
export function readTlv(bytes: Uint8Array, at: number, limit = bytes.length): Tlv {
  if (at + 2 > limit) throw new DerError('truncated');
  const tag = bytes[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tag');
  let length = bytes[at + 1]!;
  let pos = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || pos + n > limit) throw new DerError('bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[pos + i]!;
    pos += n;
  }
  if (pos + length > limit) throw new DerError('element runs past its parent');
  return { tag, start: at, contentStart: pos, end: pos + length };
}

export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(bytes, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function encodeTlv(tag: number, parts: Uint8Array[]): Buffer {
  const length = parts.reduce((n, p) => n + p.length, 0);
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), ...parts]);
}

export const slice = (bytes: Uint8Array, t: Tlv) => bytes.subarray(t.start, t.end);
