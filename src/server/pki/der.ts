/**
 * A minimal DER writer for the few structures we emit (certificates, CMS SignedData).
 * asn1js/pkijs cost ~3 ms per certificate in object churn; concatenating TLVs costs ~50 µs,
 * and generation runs in the request path. Parsing stays with pkijs (verify.ts).
 */

export type Der = Buffer;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Der {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

export const sequence = (...items: Der[]): Der => tlv(0x30, Buffer.concat(items));

/** SET OF in DER order: elements sorted by their encodings (X.690 11.6). */
export function setOf(...items: Der[]): Der {
  return tlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));
}

export const explicit = (n: number, ...items: Der[]): Der => tlv(0xa0 + n, Buffer.concat(items));
export const implicitConstructed = (n: number, ...items: Der[]): Der =>
  tlv(0xa0 + n, Buffer.concat(items));

export function integer(value: number | Uint8Array): Der {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const out: number[] = [];
    let v = value;
    do {
      out.unshift(v & 0xff);
      v = Math.floor(v / 256);
    } while (v > 0);
    bytes = Buffer.from(out);
  } else {
    bytes = Buffer.from(value);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  bytes = bytes.subarray(start);
  if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Der {
  const parts = dotted.split('.').map((p) => BigInt(p));
  if (parts.length < 2) throw new Error(`bad OID ${dotted}`);
  const arcs = [parts[0]! * 40n + parts[1]!, ...parts.slice(2)];
  const out: number[] = [];
  for (const arc of arcs) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

export const nullValue = (): Der => Buffer.from([0x05, 0x00]);
export const boolean = (v: boolean): Der => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const octetString = (b: Uint8Array): Der => tlv(0x04, b);
export const bitString = (b: Uint8Array, unusedBits = 0): Der =>
  tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));
export const utf8String = (s: string): Der => tlv(0x0c, Buffer.from(s, 'utf8'));
export function printableString(s: string): Der {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new Error(`not a PrintableString: ${s}`);
  return tlv(0x13, Buffer.from(s, 'latin1'));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050; seconds, Zulu. */
export function time(d: Date): Der {
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(
    d.getUTCMinutes(),
  )}${pad(d.getUTCSeconds())}Z`;
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${pad(y % 100)}${rest}`, 'latin1'));
  return tlv(0x18, Buffer.from(`${pad(y, 4)}${rest}`, 'latin1'));
}

/** Reads the outer TLV at `offset`: where its content starts and ends. */
export function readTlv(buf: Uint8Array, offset = 0): { tag: number; start: number; end: number } {
  const tag = buf[offset];
  let len = buf[offset + 1];
  if (tag === undefined || len === undefined) throw new Error('truncated DER');
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[start + i];
      if (b === undefined) throw new Error('truncated DER');
      len = len * 256 + b;
    }
    start += n;
  }
  if (start + len > buf.length) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}
