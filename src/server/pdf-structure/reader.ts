import { inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from 'pdf-lib';

/**
 * A revision-aware PDF reader. It follows the file's own structure (startxref, classic
 * cross-reference tables and cross-reference streams, the /Prev chain and hybrid /XRefStm)
 * and reads each object where the cross-reference says it is, in the file or in an object
 * stream. It never scans the bytes for objects, so what it reports is what a conforming
 * viewer shows.
 *
 * The work it does is bounded by the file size: every byte it parses or inflates counts
 * against a budget proportional to the input, and revisions, objects and nesting are capped,
 * so a hostile file fails with a PdfStructureError instead of running long.
 */

export type PdfStructureErrorCode =
  | 'not_a_pdf'
  | 'no_startxref'
  | 'malformed_xref'
  | 'xref_loop'
  | 'malformed_object'
  | 'unsupported_filter'
  | 'encrypted'
  | 'too_large';

export class PdfStructureError extends Error {
  readonly code: PdfStructureErrorCode;
  constructor(code: PdfStructureErrorCode, message: string) {
    super(message);
    this.name = 'PdfStructureError';
    this.code = code;
  }
}

export type XrefEntry =
  | { kind: 'offset'; offset: number; gen: number }
  | { kind: 'compressed'; stream: number; index: number }
  | { kind: 'free'; gen: number };

export type Revision = {
  index: number;
  /** Offset of this revision's cross-reference section (table or stream). */
  xrefOffset: number;
  /** Byte just past this revision's %%EOF and its end-of-line marker. */
  end: number;
  /**
   * Byte just past `%%EOF` itself. A signature made over a file whose final EOL was dropped
   * (as @signpdf and our writer do) ends here, and the next update starts with the EOL.
   */
  eofEnd: number;
  /** Whether `startxref … %%EOF` was found right after the section (false: `end` is a guess). */
  hasEof: boolean;
  xrefKind: 'table' | 'stream' | 'hybrid';
  /** The trailer dictionary (for a cross-reference stream, the stream's dictionary). */
  trailer: PDFDict;
  /** The entries written by this section only. */
  entries: Map<number, XrefEntry>;
  /** Object numbers of the cross-reference streams of this section: structure, not content. */
  xrefStreams: number[];
};

export type ReaderLimits = {
  maxRevisions?: number;
  maxObjects?: number;
  /** Bytes parsed and inflated in total, as a multiple of the file size (plus 1 MiB). */
  workFactor?: number;
  /** Largest decoded stream, in bytes. */
  maxStreamBytes?: number;
};

export type Span = { start: number; end: number };

/** A pdf-lib object class (their constructors are private, so `new` signatures do not fit). */
// biome-ignore lint/complexity/noBannedTypes: instanceof needs a constructor-like value.
export type Kind<T> = Function & { prototype: T };

const defaults = {
  maxRevisions: 256,
  maxObjects: 500_000,
  workFactor: 8,
  maxStreamBytes: 64 * 1024 * 1024,
} satisfies Required<ReaderLimits>;

const maxDepth = 64;

const ch = (s: string) => s.charCodeAt(0);
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const ascii = (s: string) => [...s].map(ch);
const kw = {
  obj: ascii('obj'),
  endobj: ascii('endobj'),
  stream: ascii('stream'),
  endstream: ascii('endstream'),
  xref: ascii('xref'),
  trailer: ascii('trailer'),
  startxref: ascii('startxref'),
  eof: ascii('%%EOF'),
};

/**
 * The byte cursor pdf-lib's parser reads from (the same contract as its ByteStream, without
 * line/column bookkeeping, which nothing here needs).
 */
class Cursor {
  private idx = 0;
  constructor(
    readonly bytes: Uint8Array,
    private readonly base = 0,
  ) {}
  moveTo(offset: number) {
    this.idx = offset;
  }
  next(): number {
    return this.bytes[this.idx++]!;
  }
  assertNext(expected: number): number {
    if (this.bytes[this.idx] !== expected) {
      throw new PdfStructureError(
        'malformed_object',
        `expected ${String.fromCharCode(expected)} at ${this.base + this.idx}`,
      );
    }
    return this.next();
  }
  peek(): number {
    return this.bytes[this.idx]!;
  }
  peekAhead(steps: number): number {
    return this.bytes[this.idx + steps]!;
  }
  peekAt(offset: number): number {
    return this.bytes[offset]!;
  }
  done(): boolean {
    return this.idx >= this.bytes.length;
  }
  offset(): number {
    return this.idx;
  }
  slice(start: number, end: number): Uint8Array {
    return this.bytes.subarray(start, end);
  }
  position() {
    return { line: 0, column: 0, offset: this.base + this.idx };
  }
}

type StreamLength = (ref: PDFRef) => number | undefined;

/**
 * pdf-lib's object parser with the changes a verifier needs: bounded nesting, a stream's end
 * taken from its /Length (direct or indirect) and never searched for, no console output on
 * odd numbers, and the byte span of each dictionary value (to check where /Contents lies).
 */
class ObjectParser extends PDFObjectParser {
  private depth = 0;
  readonly cursor: Cursor;
  constructor(
    cursor: Cursor,
    context: PDFContext,
    private readonly spans: WeakMap<PDFDict, Map<string, Span>> | null,
    private readonly streamLength: StreamLength,
  ) {
    // biome-ignore lint/suspicious/noExplicitAny: Cursor honours ByteStream's public contract.
    super(cursor as any, context);
    this.cursor = cursor;
  }

  get at() {
    return this.cursor.offset();
  }

  skipWs() {
    this.skipWhitespaceAndComments();
  }

  /** Whitespace only: `%%EOF` looks like a comment to skipWs. */
  skipWhite() {
    this.skipWhitespace();
  }

  int(): number {
    if (!isDigit(this.cursor.peek())) {
      throw new PdfStructureError('malformed_object', `expected a number at ${this.at}`);
    }
    return this.parseRawInt();
  }

  keyword(word: number[]): boolean {
    return this.matchKeyword(word);
  }

  protected override parseRawNumber(): number {
    const start = this.cursor.offset();
    let b = this.cursor.peek();
    if (b === 0x2b || b === 0x2d) this.cursor.next();
    while (!this.cursor.done()) {
      b = this.cursor.peek();
      if (!isDigit(b) && b !== 0x2e) break;
      this.cursor.next();
    }
    if (this.cursor.offset() - start > 64) {
      throw new PdfStructureError('malformed_object', `number too long at ${start}`);
    }
    const text = String.fromCharCode(...this.cursor.slice(start, this.cursor.offset()));
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) {
      throw new PdfStructureError('malformed_object', `bad number at ${start}`);
    }
    return value;
  }

  override parseObject(): PDFObject {
    if (++this.depth > maxDepth) {
      throw new PdfStructureError('malformed_object', 'objects nested too deeply');
    }
    try {
      if (this.cursor.done()) throw new PdfStructureError('malformed_object', 'unexpected end');
      return super.parseObject();
    } finally {
      this.depth--;
    }
  }

  /** pdf-lib builds hex strings a character at a time; a signature's /Contents is ~24 KB of them. */
  protected override parseHexString(): PDFHexString {
    this.cursor.assertNext(ch('<'));
    const start = this.cursor.offset();
    const bytes = this.cursor.bytes;
    const end = bytes.indexOf(ch('>'), start);
    if (end < 0) throw new PdfStructureError('malformed_object', `unterminated hex string at ${start}`);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
    this.cursor.moveTo(end + 1);
    return PDFHexString.of(text);
  }

  protected override parseArray(): PDFArray {
    this.cursor.assertNext(ch('['));
    this.skipWhitespaceAndComments();
    const array = PDFArray.withContext(this.context);
    while (this.cursor.peek() !== ch(']')) {
      if (this.cursor.done()) throw new PdfStructureError('malformed_object', 'unterminated array');
      array.push(this.parseObject());
      this.skipWhitespaceAndComments();
    }
    this.cursor.assertNext(ch(']'));
    return array;
  }

  protected override parseDict(): PDFDict {
    this.cursor.assertNext(ch('<'));
    this.cursor.assertNext(ch('<'));
    this.skipWhitespaceAndComments();
    const map = new Map<PDFName, PDFObject>();
    const spans = this.spans ? new Map<string, Span>() : null;
    while (this.cursor.peek() !== ch('>')) {
      if (this.cursor.done()) throw new PdfStructureError('malformed_object', 'unterminated dict');
      const key = this.parseName();
      this.skipWhitespaceAndComments();
      const start = this.cursor.offset();
      const value = this.parseObject();
      spans?.set(key.decodeText(), { start, end: this.cursor.offset() });
      map.set(key, value);
      this.skipWhitespaceAndComments();
    }
    this.cursor.assertNext(ch('>'));
    this.cursor.assertNext(ch('>'));
    // Plain dictionaries only: pdf-lib's Catalog/Page classes would look things up in a
    // context that is empty here.
    const dict = PDFDict.fromMapWithContext(map, this.context);
    if (spans && this.spans) this.spans.set(dict, spans);
    return dict;
  }

  protected override parseDictOrStream(): PDFDict | PDFStream {
    const dict = this.parseDict();
    const afterDict = this.cursor.offset();
    this.skipWhitespaceAndComments();
    if (!this.matchKeyword(kw.stream)) {
      this.cursor.moveTo(afterDict);
      return dict;
    }
    // The keyword is followed by CRLF or LF (a lone CR is tolerated).
    if (this.cursor.peek() === 0x0d) this.cursor.next();
    if (this.cursor.peek() === 0x0a) this.cursor.next();
    const start = this.cursor.offset();
    const lengthObj = dict.get(PDFName.of('Length'));
    const length =
      lengthObj instanceof PDFNumber
        ? lengthObj.asNumber()
        : lengthObj instanceof PDFRef
          ? this.streamLength(lengthObj)
          : undefined;
    if (length === undefined || !Number.isInteger(length) || length < 0) {
      throw new PdfStructureError('malformed_object', `stream at ${start} has no usable /Length`);
    }
    const end = start + length;
    if (end > this.cursor.bytes.length) {
      throw new PdfStructureError('malformed_object', `stream at ${start} runs past the end`);
    }
    this.cursor.moveTo(end);
    this.skipWhitespaceAndComments();
    if (!this.matchKeyword(kw.endstream)) {
      throw new PdfStructureError('malformed_object', `stream at ${start} has a wrong /Length`);
    }
    return PDFRawStream.of(dict, this.cursor.slice(start, end));
  }
}

/** A parsed indirect object, with where it sits in the file. */
type Located = { object: PDFObject; span: Span; num: number; gen: number };

/** PNG predictors (PDF 7.4.4.4), as cross-reference streams commonly use. */
function unpredict(data: Uint8Array, parms: PDFDict | undefined): Uint8Array {
  const num = (key: string, d: number) => {
    const v = parms?.get(PDFName.of(key));
    return v instanceof PDFNumber ? v.asNumber() : d;
  };
  const predictor = num('Predictor', 1);
  if (predictor === 1) return data;
  if (predictor < 10) {
    throw new PdfStructureError('unsupported_filter', `predictor ${predictor} is not supported`);
  }
  const colors = num('Colors', 1);
  const bpc = num('BitsPerComponent', 8);
  const columns = num('Columns', 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  if (rowLength <= 0 || rowLength > 1 << 20) {
    throw new PdfStructureError('malformed_object', 'bad predictor parameters');
  }
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const raw = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0:
          v = raw;
          break;
        case 1:
          v = raw + left;
          break;
        case 2:
          v = raw + up;
          break;
        case 3:
          v = raw + ((left + up) >> 1);
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw new PdfStructureError('malformed_object', `bad PNG predictor row type ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

export class PdfReader {
  readonly bytes: Uint8Array;
  /** Oldest first. */
  readonly revisions: Revision[];
  private readonly limits: Required<ReaderLimits>;
  private readonly context = PDFContext.create();
  private readonly spans = new WeakMap<PDFDict, Map<string, Span>>();
  private readonly byOffset = new Map<number, Located>();
  private readonly resolved = new Map<string, PDFObject | undefined>();
  private readonly objectStreams = new WeakMap<PDFRawStream, { bytes: Uint8Array; index: number[][] }>();
  private readonly decoded = new WeakMap<PDFRawStream, Uint8Array>();
  private readonly resolving = new Set<string>();
  private work = 0;
  private readonly workBudget: number;

  private constructor(bytes: Uint8Array, limits: ReaderLimits) {
    this.bytes = bytes;
    this.limits = { ...defaults, ...limits };
    this.workBudget = bytes.length * this.limits.workFactor + (1 << 20);
    this.revisions = [];
  }

  static open(bytes: Uint8Array, limits: ReaderLimits = {}): PdfReader {
    if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 5)) !== '%PDF-') {
      throw new PdfStructureError('not_a_pdf', 'the file does not start with %PDF-');
    }
    const reader = new PdfReader(bytes, limits);
    reader.readRevisions();
    return reader;
  }

  /** Counts parsed or inflated bytes against the budget; this is what keeps cost linear. */
  private spend(n: number) {
    this.work += n;
    if (this.work > this.workBudget) {
      throw new PdfStructureError('too_large', 'the file needs more work than its size allows');
    }
  }

  private parser(bytes: Uint8Array, keepSpans: boolean, base = 0): ObjectParser {
    return new ObjectParser(new Cursor(bytes, base), this.context, keepSpans ? this.spans : null, (ref) => {
      const v = this.resolveRef(ref, this.revisions.length - 1);
      return v instanceof PDFNumber ? v.asNumber() : undefined;
    });
  }

  // ---- cross-reference structure ----

  /** Offset of the file's last `startxref` value, found in the last KiB. */
  private finalStartxref(): { offset: number } {
    const tailStart = Math.max(0, this.bytes.length - 1024);
    const tail = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + tailStart, this.bytes.length - tailStart);
    const eof = tail.lastIndexOf('%%EOF', undefined, 'latin1');
    const sx = eof < 0 ? -1 : tail.lastIndexOf('startxref', eof, 'latin1');
    if (sx < 0) throw new PdfStructureError('no_startxref', 'no startxref/%%EOF at the end of the file');
    const p = this.parser(this.bytes, false);
    p.cursor.moveTo(tailStart + sx + kw.startxref.length);
    p.skipWs();
    try {
      return { offset: p.int() };
    } catch {
      throw new PdfStructureError('no_startxref', 'startxref is not followed by an offset');
    }
  }

  private readRevisions() {
    const start = this.finalStartxref().offset;
    const chain: Omit<Revision, 'index'>[] = [];
    const seen = new Set<number>();
    let objects = 0;
    for (let at: number | null = start; at !== null; ) {
      if (seen.has(at)) throw new PdfStructureError('xref_loop', 'the /Prev chain loops');
      seen.add(at);
      if (chain.length >= this.limits.maxRevisions) {
        throw new PdfStructureError('too_large', `more than ${this.limits.maxRevisions} revisions`);
      }
      const section = this.readSection(at);
      objects += section.entries.size;
      if (objects > this.limits.maxObjects) {
        throw new PdfStructureError('too_large', `more than ${this.limits.maxObjects} objects`);
      }
      const prev = section.trailer.get(PDFName.of('Prev'));
      const next = prev instanceof PDFNumber ? prev.asNumber() : null;
      if (prev !== undefined && next === null) {
        throw new PdfStructureError('malformed_xref', '/Prev is not a number');
      }
      const last = chain.at(-1);
      if (last && at > last.xrefOffset) {
        // A linearized file's first-page section points forward to the main one: both are
        // one revision, and the entries of the first-page section win.
        for (const [num, e] of section.entries) if (!last.entries.has(num)) last.entries.set(num, e);
        last.xrefStreams.push(...section.xrefStreams);
        if (section.end > last.end) {
          last.end = section.end;
          last.eofEnd = section.eofEnd;
        }
      } else {
        chain.push(section);
      }
      at = next;
    }
    chain.reverse();
    chain.forEach((r, index) => {
      this.revisions.push({ ...r, index });
    });
    const lastTrailer = this.revisions.at(-1)!.trailer;
    if (lastTrailer.get(PDFName.of('Encrypt')) !== undefined) {
      throw new PdfStructureError('encrypted', 'encrypted PDF files are not supported');
    }
  }

  private readSection(at: number): Omit<Revision, 'index'> {
    if (!Number.isInteger(at) || at < 0 || at >= this.bytes.length) {
      throw new PdfStructureError('malformed_xref', `cross-reference offset ${at} is out of range`);
    }
    const p = this.parser(this.bytes, false);
    p.cursor.moveTo(at);
    try {
      if (p.keyword(kw.xref)) return this.readTable(p, at);
      return this.readXrefStream(at);
    } catch (e) {
      if (e instanceof PdfStructureError && e.code !== 'malformed_object') throw e;
      throw new PdfStructureError('malformed_xref', `bad cross-reference section at ${at}: ${(e as Error).message}`);
    }
  }

  private readTable(p: ObjectParser, at: number): Omit<Revision, 'index'> {
    const entries = new Map<number, XrefEntry>();
    p.skipWs();
    while (isDigit(p.cursor.peek())) {
      const first = p.int();
      p.skipWs();
      const count = p.int();
      p.skipWs();
      if (count > this.limits.maxObjects || count * 18 > this.bytes.length - p.at) {
        throw new PdfStructureError('malformed_xref', 'cross-reference subsection longer than the file');
      }
      for (let i = 0; i < count; i++) {
        const offset = p.int();
        p.skipWs();
        const gen = p.int();
        p.skipWs();
        const type = p.cursor.next();
        p.skipWs();
        const num = first + i;
        if (type === ch('n')) entries.set(num, { kind: 'offset', offset, gen });
        else if (type === ch('f')) entries.set(num, { kind: 'free', gen });
        else throw new PdfStructureError('malformed_xref', `bad cross-reference entry for ${num}`);
      }
    }
    if (!p.keyword(kw.trailer)) throw new PdfStructureError('malformed_xref', 'no trailer');
    p.skipWs();
    const trailer = p.parseObject();
    if (!(trailer instanceof PDFDict)) throw new PdfStructureError('malformed_xref', 'trailer is not a dictionary');
    this.spend(p.at - at);
    const { end, eofEnd, hasEof } = this.revisionEnd(p);
    const section: Omit<Revision, 'index'> = {
      xrefOffset: at,
      end,
      eofEnd,
      hasEof,
      xrefKind: 'table',
      trailer,
      entries,
      xrefStreams: [],
    };
    const stm = trailer.get(PDFName.of('XRefStm'));
    if (stm instanceof PDFNumber) {
      // Hybrid file: the stream lists what the table leaves free for older readers.
      const hybrid = this.readXrefStream(stm.asNumber());
      for (const [num, e] of hybrid.entries) {
        if (entries.get(num)?.kind !== 'offset') entries.set(num, e);
      }
      section.xrefStreams.push(...hybrid.xrefStreams);
      section.xrefKind = 'hybrid';
    }
    return section;
  }

  private readXrefStream(at: number): Omit<Revision, 'index'> {
    const located = this.parseIndirectAt(at, null);
    const stream = located.object;
    const num = located.num;
    if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of('Type')) !== PDFName.of('XRef')) {
      throw new PdfStructureError('malformed_xref', `no cross-reference table or stream at ${at}`);
    }
    const dict = stream.dict;
    const numbers = (key: string): number[] | null => {
      const v = dict.get(PDFName.of(key));
      if (!(v instanceof PDFArray)) return null;
      return v.asArray().map((x) => {
        if (!(x instanceof PDFNumber)) throw new PdfStructureError('malformed_xref', `bad /${key}`);
        return x.asNumber();
      });
    };
    const w = numbers('W');
    const sizeObj = dict.get(PDFName.of('Size'));
    if (w?.length !== 3 || w.some((x) => !Number.isInteger(x) || x < 0 || x > 8) || !(sizeObj instanceof PDFNumber)) {
      throw new PdfStructureError('malformed_xref', 'bad cross-reference stream /W or /Size');
    }
    const index = numbers('Index') ?? [0, sizeObj.asNumber()];
    if (index.length % 2 !== 0) throw new PdfStructureError('malformed_xref', 'bad /Index');
    const data = this.decode(stream);
    const [w0, w1, w2] = w as [number, number, number];
    const width = w0 + w1 + w2;
    if (width === 0) throw new PdfStructureError('malformed_xref', 'empty /W');
    const field = (pos: number, n: number, fallback: number) => {
      if (n === 0) return fallback;
      let v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + data[pos + i]!;
      return v;
    };
    const entries = new Map<number, XrefEntry>();
    let pos = 0;
    for (let s = 0; s < index.length; s += 2) {
      const first = index[s]!;
      const count = index[s + 1]!;
      if (count < 0 || pos + count * width > data.length || count > this.limits.maxObjects) {
        throw new PdfStructureError('malformed_xref', 'cross-reference stream shorter than its /Index');
      }
      for (let i = 0; i < count; i++, pos += width) {
        const type = field(pos, w0, 1);
        const a = field(pos + w0, w1, 0);
        const b = field(pos + w0 + w1, w2, 0);
        const n = first + i;
        if (type === 0) entries.set(n, { kind: 'free', gen: b });
        else if (type === 1) entries.set(n, { kind: 'offset', offset: a, gen: b });
        else if (type === 2) entries.set(n, { kind: 'compressed', stream: a, index: b });
        // Other types are reserved and read as null objects.
      }
    }
    const p = this.parser(this.bytes, false);
    p.cursor.moveTo(located.span.end);
    p.skipWs();
    p.keyword(kw.endobj);
    const { end, eofEnd, hasEof } = this.revisionEnd(p);
    return { xrefOffset: at, end, eofEnd, hasEof, xrefKind: 'stream', trailer: dict, entries, xrefStreams: [num] };
  }

  /** `startxref N %%EOF` and one end-of-line marker, right where the parser stands. */
  private revisionEnd(p: ObjectParser): { end: number; eofEnd: number; hasEof: boolean } {
    const after = p.at;
    p.skipWs();
    if (p.keyword(kw.startxref)) {
      p.skipWhite();
      if (isDigit(p.cursor.peek())) p.int();
      p.skipWhite();
      if (p.keyword(kw.eof)) {
        const eofEnd = p.at;
        if (p.cursor.peek() === 0x0d) p.cursor.next();
        if (p.cursor.peek() === 0x0a) p.cursor.next();
        return { end: p.at, eofEnd, hasEof: true };
      }
    }
    return { end: after, eofEnd: after, hasEof: false };
  }

  // ---- objects ----

  /** Parses `N G obj … endobj` at a file offset (cached by offset: each is parsed once). */
  private parseIndirectAt(at: number, expect: { num: number; gen: number } | null): Located {
    const cached = this.byOffset.get(at);
    if (cached) {
      if (expect && (cached.num !== expect.num || cached.gen !== expect.gen)) {
        throw new PdfStructureError('malformed_object', `offset ${at} does not hold object ${expect.num}`);
      }
      return cached;
    }
    if (at < 0 || at >= this.bytes.length) {
      throw new PdfStructureError('malformed_object', `object offset ${at} is out of range`);
    }
    const p = this.parser(this.bytes, true);
    p.cursor.moveTo(at);
    const num = p.int();
    p.skipWs();
    const gen = p.int();
    p.skipWs();
    if (!p.keyword(kw.obj)) throw new PdfStructureError('malformed_object', `no "obj" at ${at}`);
    if (expect && (num !== expect.num || gen !== expect.gen)) {
      throw new PdfStructureError('malformed_object', `offset ${at} does not hold object ${expect.num}`);
    }
    p.skipWs();
    const start = p.at;
    let object: PDFObject;
    try {
      object = p.parseObject();
    } finally {
      this.spend(p.at - at);
    }
    const end = p.at;
    p.skipWs();
    if (!p.keyword(kw.endobj)) throw new PdfStructureError('malformed_object', `object ${num} has no endobj`);
    const located = { object, span: { start, end }, num, gen };
    this.byOffset.set(at, located);
    return located;
  }

  /** The xref entry in force for an object number as of revision r. */
  entry(num: number, revision = this.revisions.length - 1): XrefEntry | undefined {
    for (let r = Math.min(revision, this.revisions.length - 1); r >= 0; r--) {
      const e = this.revisions[r]!.entries.get(num);
      if (e) return e;
    }
    return undefined;
  }

  /** The revision that last wrote object `num`, as of revision r. */
  revisionOf(num: number, revision = this.revisions.length - 1): number | undefined {
    for (let r = Math.min(revision, this.revisions.length - 1); r >= 0; r--) {
      if (this.revisions[r]!.entries.has(num)) return r;
    }
    return undefined;
  }

  /** The object as of revision r (default: the last). Undefined for free or absent objects. */
  resolve(ref: PDFRef | number, revision = this.revisions.length - 1): PDFObject | undefined {
    const num = typeof ref === 'number' ? ref : ref.objectNumber;
    const gen = typeof ref === 'number' ? undefined : ref.generationNumber;
    return this.resolveRef(PDFRef.of(num, gen ?? 0), revision, gen === undefined);
  }

  private resolveRef(ref: PDFRef, revision: number, anyGen = false): PDFObject | undefined {
    const num = ref.objectNumber;
    const owner = this.revisionOf(num, revision);
    if (owner === undefined) return undefined;
    const key = `${num}@${owner}`;
    const e = this.revisions[owner]!.entries.get(num)!;
    if (e.kind === 'free') return undefined;
    if (e.kind === 'offset' && !anyGen && e.gen !== ref.generationNumber) return undefined;
    if (e.kind === 'compressed' && !anyGen && ref.generationNumber !== 0) return undefined;
    if (this.resolved.has(key)) return this.resolved.get(key);
    if (this.resolving.has(key)) {
      throw new PdfStructureError('malformed_object', `object ${num} refers to itself while being read`);
    }
    this.resolving.add(key);
    try {
      let value: PDFObject;
      if (e.kind === 'offset') {
        value = this.parseIndirectAt(e.offset, { num, gen: e.gen }).object;
      } else {
        value = this.fromObjectStream(e.stream, e.index, num, owner);
      }
      this.resolved.set(key, value);
      return value;
    } catch (e) {
      if (e instanceof PdfStructureError) throw e;
      // pdf-lib's own parse errors (an unbalanced string, say) and stack exhaustion.
      throw new PdfStructureError('malformed_object', `object ${num}: ${(e as Error).message}`);
    } finally {
      this.resolving.delete(key);
    }
  }

  private fromObjectStream(streamNum: number, index: number, num: number, revision: number): PDFObject {
    const entry = this.entry(streamNum, revision);
    if (entry?.kind !== 'offset') {
      throw new PdfStructureError('malformed_object', `object stream ${streamNum} is not in the file`);
    }
    const stream = this.resolveRef(PDFRef.of(streamNum, entry.gen), revision);
    if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of('Type')) !== PDFName.of('ObjStm')) {
      throw new PdfStructureError('malformed_object', `object ${streamNum} is not an object stream`);
    }
    let parsed = this.objectStreams.get(stream);
    if (!parsed) {
      const n = stream.dict.get(PDFName.of('N'));
      const first = stream.dict.get(PDFName.of('First'));
      if (!(n instanceof PDFNumber) || !(first instanceof PDFNumber)) {
        throw new PdfStructureError('malformed_object', `object stream ${streamNum} lacks /N or /First`);
      }
      const bytes = this.decode(stream);
      const p = this.parser(bytes, false);
      const pairs: number[][] = [];
      const count = n.asNumber();
      if (count < 0 || count * 4 > bytes.length) {
        throw new PdfStructureError('malformed_object', `object stream ${streamNum} has a bad /N`);
      }
      for (let i = 0; i < count; i++) {
        p.skipWs();
        const objNum = p.int();
        p.skipWs();
        const off = p.int();
        pairs.push([objNum, first.asNumber() + off]);
      }
      parsed = { bytes, index: pairs };
      this.objectStreams.set(stream, parsed);
    }
    const slot = parsed.index[index];
    if (!slot || slot[0] !== num) {
      throw new PdfStructureError('malformed_object', `object stream ${streamNum} does not hold ${num}`);
    }
    const p = this.parser(parsed.bytes, false);
    p.cursor.moveTo(slot[1]!);
    p.skipWs();
    const value = p.parseObject();
    this.spend(p.at - slot[1]!);
    if (value instanceof PDFStream) {
      throw new PdfStructureError('malformed_object', 'a stream inside an object stream');
    }
    return value;
  }

  /** Follows a reference (as of revision r) and checks the type, if one is given. */
  lookup(obj: PDFObject | undefined, revision?: number): PDFObject | undefined;
  lookup<T extends PDFObject>(
    obj: PDFObject | undefined,
    type: Kind<T>,
    revision?: number,
  ): T | undefined;
  lookup<T extends PDFObject>(
    obj: PDFObject | undefined,
    typeOrRevision?: (Kind<T>) | number,
    revision?: number,
  ): PDFObject | T | undefined {
    const rev = typeof typeOrRevision === 'number' ? typeOrRevision : revision;
    const value = obj instanceof PDFRef ? this.resolve(obj, rev) : obj;
    if (typeof typeOrRevision === 'function') {
      return value instanceof typeOrRevision ? (value as T) : undefined;
    }
    return value;
  }

  /** `dict[key]`, following a reference as of revision r. */
  get(dict: PDFDict | undefined, key: string, revision?: number): PDFObject | undefined;
  get<T extends PDFObject>(
    dict: PDFDict | undefined,
    key: string,
    type: Kind<T>,
    revision?: number,
  ): T | undefined;
  get<T extends PDFObject>(
    dict: PDFDict | undefined,
    key: string,
    typeOrRevision?: (Kind<T>) | number,
    revision?: number,
  ): PDFObject | T | undefined {
    const raw = dict?.get(PDFName.of(key));
    if (typeof typeOrRevision === 'function') return this.lookup(raw, typeOrRevision, revision);
    return this.lookup(raw, typeOrRevision);
  }

  /**
   * Where a direct value of a dictionary read from the file lies (byte offsets, end
   * exclusive). Undefined for dictionaries from object streams.
   */
  valueSpan(dict: PDFDict, key: string): Span | undefined {
    return this.spans.get(dict)?.get(key);
  }

  /** Where an indirect object's value lies in the file, as of revision r. */
  objectSpan(num: number, revision?: number): Span | undefined {
    const e = this.entry(num, revision);
    if (e?.kind !== 'offset') return undefined;
    return this.byOffset.get(e.offset)?.span;
  }

  /** The first object number no revision uses: where an incremental update numbers new objects. */
  nextObjectNumber(): number {
    let next = 1;
    for (const rev of this.revisions) {
      const size = rev.trailer.get(PDFName.of('Size'));
      if (size instanceof PDFNumber) next = Math.max(next, size.asNumber());
      for (const num of rev.entries.keys()) next = Math.max(next, num + 1);
    }
    return next;
  }

  trailer(revision = this.revisions.length - 1): PDFDict {
    return this.revisions[revision]!.trailer;
  }

  catalog(revision = this.revisions.length - 1): PDFDict {
    const root = this.get(this.trailer(revision), 'Root', PDFDict, revision);
    if (!root) throw new PdfStructureError('malformed_object', 'the trailer has no /Root catalog');
    return root;
  }

  /** Page objects in document order, as of revision r. */
  pages(revision = this.revisions.length - 1): PDFRef[] {
    const pagesRef = this.catalog(revision).get(PDFName.of('Pages'));
    const out: PDFRef[] = [];
    const seen = new Set<number>();
    const visit = (ref: PDFObject | undefined, depth: number) => {
      if (!(ref instanceof PDFRef)) throw new PdfStructureError('malformed_object', 'page tree node is not a reference');
      if (depth > maxDepth || seen.has(ref.objectNumber)) {
        throw new PdfStructureError('malformed_object', 'page tree loops or is too deep');
      }
      seen.add(ref.objectNumber);
      const node = this.lookup(ref, PDFDict, revision);
      if (!node) throw new PdfStructureError('malformed_object', `page tree node ${ref.objectNumber} is missing`);
      const type = node.get(PDFName.of('Type'));
      if (type === PDFName.of('Pages')) {
        const kids = this.get(node, 'Kids', PDFArray, revision);
        for (const kid of kids?.asArray() ?? []) visit(kid, depth + 1);
      } else {
        out.push(ref);
      }
    };
    visit(pagesRef, 0);
    return out;
  }

  /** Object numbers that revision r adds or rewrites (its cross-reference streams left out). */
  changedObjects(r: number): number[] {
    const rev = this.revisions[r];
    if (!rev) return [];
    const skip = new Set(rev.xrefStreams);
    return [...rev.entries]
      .filter(([num, e]) => e.kind !== 'free' && !skip.has(num))
      .map(([num]) => num)
      .sort((a, b) => a - b);
  }

  /** Object numbers that revision r marks free although an earlier revision had them. */
  freedObjects(r: number): number[] {
    const rev = this.revisions[r];
    if (!rev || r === 0) return [];
    return [...rev.entries]
      .filter(([num, e]) => {
        const before = this.entry(num, r - 1);
        return e.kind === 'free' && before !== undefined && before.kind !== 'free';
      })
      .map(([num]) => num)
      .sort((a, b) => a - b);
  }

  /** A stream's decoded contents (Flate, with PNG predictors; unfiltered streams as they are). */
  streamContents(stream: PDFRawStream): Uint8Array {
    return this.decode(stream);
  }

  private decode(stream: PDFRawStream): Uint8Array {
    const cached = this.decoded.get(stream);
    if (cached) return cached;
    const filterObj = this.lookup(stream.dict.get(PDFName.of('Filter')));
    const parmsObj = this.lookup(stream.dict.get(PDFName.of('DecodeParms')));
    const filters =
      filterObj === undefined
        ? []
        : filterObj instanceof PDFName
          ? [filterObj]
          : filterObj instanceof PDFArray
            ? filterObj.asArray()
            : null;
    if (!filters) throw new PdfStructureError('malformed_object', 'bad /Filter');
    let data = stream.contents;
    filters.forEach((f, i) => {
      const parms =
        parmsObj instanceof PDFArray ? this.lookup(parmsObj.get(i), PDFDict) : (parmsObj as PDFDict | undefined);
      if (f === PDFName.of('FlateDecode') || f === PDFName.of('Fl')) {
        const room = this.limits.maxStreamBytes;
        try {
          data = inflateSync(data, { maxOutputLength: room });
        } catch (e) {
          const tooBig = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
          throw new PdfStructureError(tooBig ? 'too_large' : 'malformed_object', 'a stream does not inflate');
        }
        this.spend(data.length);
        data = unpredict(data, parms instanceof PDFDict ? parms : undefined);
      } else {
        throw new PdfStructureError('unsupported_filter', `filter ${f.toString()} is not supported`);
      }
    });
    this.decoded.set(stream, data);
    return data;
  }
}
