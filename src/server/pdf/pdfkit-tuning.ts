import { deflateSync } from 'node:zlib';

/**
 * The places where contract rendering reaches into pdfkit 0.20's internals, for speed.
 * Each keeps the output a valid PDF with the same text and fonts; the PDF tests (pdftotext,
 * pdffonts, pdfsig, openssl) check every document that goes through them.
 */

// pdfkit caches the glyph layout of each string per document. Contracts repeat the same
// template text, and a layout depends only on the font and the string, so documents share one
// cache per font; it is renewed every few hundred documents so that names don't grow it forever.
const layoutCaches = new WeakMap<object, { runs: Record<string, unknown>; documents: number }>();

export function shareLayoutCache(doc: PDFKit.PDFDocument, family: string, font: object): void {
  doc.font(family);
  type Embedded = { layoutCache?: Record<string, unknown> };
  const internals = doc as unknown as { _font?: Embedded; _fontFamilies?: Record<string, Embedded> };
  const embedded = internals._font;
  if (!embedded?.layoutCache || !internals._fontFamilies) return;
  // When the font was already open under its PostScript name (the document's default font),
  // pdfkit reuses that object without remembering the family name, and would open the font
  // again on every later doc.font(family).
  internals._fontFamilies[family] = embedded;
  let shared = layoutCaches.get(font);
  if (!shared || shared.documents >= 500) {
    shared = { runs: Object.create(null), documents: 0 };
    layoutCaches.set(font, shared);
  }
  shared.documents += 1;
  embedded.layoutCache = shared.runs;
}

type StreamReference = { compress: boolean; buffer: Uint8Array[]; finalize(): void };
const tuned = Symbol('qiyue.fastDeflate');

/** Stream contents that recur from document to document (a template's font subset), deflated once. */
const deflatedOnce = new WeakMap<Uint8Array, Buffer>();
const recurring = new WeakSet<Uint8Array>();

/** Marks bytes that later documents will embed again, as this very object, so their deflated form is kept. */
export function recurringStream(bytes: Uint8Array): void {
  recurring.add(bytes);
}

/**
 * pdfkit deflates every stream at zlib's default level 6, which was 40% of rendering a
 * contract (the embedded font subset and the page contents). Level 1 takes about half the
 * time for a file about 6% larger. A stream arrives at `finalize` as its written chunks; it is
 * deflated here and handed on as already compressed (its /Filter is already FlateDecode).
 */
export function deflateStreamsFast(doc: PDFKit.PDFDocument): void {
  const root = (doc as unknown as { _root?: object })._root;
  if (!root) return;
  const prototype = Object.getPrototypeOf(root) as StreamReference & { [tuned]?: true };
  if (prototype[tuned] || typeof prototype.finalize !== 'function') return;
  const finalize = prototype.finalize;
  prototype.finalize = function finalizeFast(this: StreamReference) {
    if (this.compress && this.buffer.length > 0) {
      const only = this.buffer.length === 1 ? this.buffer[0]! : undefined;
      let deflated = only && deflatedOnce.get(only);
      if (!deflated) {
        // What recurs is deflated once, so it may as well be deflated hard.
        const again = only !== undefined && recurring.has(only);
        deflated = deflateSync(Buffer.concat(this.buffer), { level: again ? 9 : 1 });
        if (again) deflatedOnce.set(only, deflated);
      }
      this.buffer = [deflated];
      this.compress = false;
    }
    finalize.call(this);
  };
  prototype[tuned] = true;
}

type WrittenStream = {
  compress: boolean;
  buffer: Uint8Array[];
  uncompressedLength: number;
  data: { Length?: number; Filter?: string };
  finalize(): void;
  write(chunk: string | Uint8Array): void;
  [pendingText]?: string[];
};
const pendingText = Symbol('qiyue.pendingText');
const coalesced = Symbol('qiyue.coalescedWrites');
/** Operators written as text are kept as one chunk per this many (a few KB). */
const operatorsPerChunk = 256;

function flushText(stream: WrittenStream): void {
  const pending = stream[pendingText];
  if (!pending?.length) return;
  stream.buffer.push(Buffer.from(pending.join(''), 'latin1'));
  pending.length = 0;
}

/**
 * pdfkit turns every operator it writes to a stream into a Uint8Array of its own: a 5,000-item
 * attachment's pages held ~350,000 of them (~60 MB of heap) until the document ended, as its
 * pages stay open for the header and footer. Text is joined into one chunk per few hundred
 * operators instead; the bytes are the same ('latin1' keeps the low byte, as pdfkit does).
 */
export function coalesceStreamWrites(doc: PDFKit.PDFDocument): void {
  const root = (doc as unknown as { _root?: object })._root;
  if (!root) return;
  const prototype = Object.getPrototypeOf(root) as WrittenStream & { [coalesced]?: true };
  if (prototype[coalesced] || typeof prototype.write !== 'function' || typeof prototype.finalize !== 'function') return;
  const finalize = prototype.finalize;
  prototype.write = function writeCoalesced(this: WrittenStream, chunk: string | Uint8Array) {
    let length: number;
    if (chunk instanceof Uint8Array) {
      flushText(this);
      this.buffer.push(chunk);
      length = chunk.length;
    } else {
      const text = `${chunk}\n`;
      this[pendingText] ??= [];
      const pending = this[pendingText];
      pending.push(text);
      if (pending.length >= operatorsPerChunk) flushText(this);
      length = text.length;
    }
    this.uncompressedLength += length;
    this.data.Length = (this.data.Length ?? 0) + length;
    if (this.compress) this.data.Filter = 'FlateDecode';
  };
  prototype.finalize = function finalizeCoalesced(this: WrittenStream) {
    flushText(this);
    finalize.call(this);
  };
  prototype[coalesced] = true;
}

type Glyph = { id: number; advanceWidth: number; codePoints: number[] };
type ShapingFont = { layout(text: string): { glyphs: Glyph[] } };
type EmbeddedFont = {
  scale: number;
  widths: (number | undefined)[];
  unicode: (number[] | undefined)[];
  subset: { includeGlyph(id: number): number };
  layoutCache?: Record<string, unknown>;
};
type FontInternals = { _font: EmbeddedFont; _fontFamilies: Record<string, EmbeddedFont>; _fontCount: number };

/** Latin letters stay out: shaping may join them (fi, fl) into glyphs no character names. */
const latinLetter = /[A-Za-z]/u;

type TemplateGlyphs = { characters: Set<string>; glyphs: Glyph[] };
const templateGlyphs = new WeakMap<object, Map<string, TemplateGlyphs>>();

function glyphsOfTemplate(font: ShapingFont, text: string): TemplateGlyphs {
  let byText = templateGlyphs.get(font);
  if (!byText) {
    byText = new Map();
    templateGlyphs.set(font, byText);
  }
  let hit = byText.get(text);
  if (!hit) {
    const characters = new Set([...text].filter((c) => !latinLetter.test(c) && c !== '\n'));
    const byId = new Map<number, Glyph>();
    for (const c of characters) for (const g of font.layout(c).glyphs) if (g.id !== 0) byId.set(g.id, g);
    hit = { characters, glyphs: [...byId.values()].sort((a, b) => a.id - b.id) };
    byText.set(text, hit);
  }
  return hit;
}

/**
 * Splits one weight into two embedded fonts: `family` carries exactly the glyphs of the
 * template's text, in a fixed order, so its subset is the same file in every contract of that
 * template and is encoded and deflated once (font-subset-cache.ts, `recurringStream`); every
 * string with a character outside the template (names, addresses, the contract number) is
 * drawn with `variableFamily`, a second subset of the same font holding only those. The text
 * and its metrics are the same either way; the switch happens inside doc.text.
 */
export function splitTemplateFont(doc: PDFKit.PDFDocument, o: { family: string; variableFamily: string; font: object; templateText: string }): void {
  const internals = doc as unknown as FontInternals;
  doc.font(o.family);
  const template = internals._font;
  const Embedded = template.constructor as new (document: PDFKit.PDFDocument, font: object, id: string) => EmbeddedFont;
  const variable = new Embedded(doc, o.font, `F${++internals._fontCount}`);
  if (template.layoutCache) variable.layoutCache = template.layoutCache;
  internals._fontFamilies[o.variableFamily] = variable;

  const { characters, glyphs } = glyphsOfTemplate(o.font as ShapingFont, o.templateText);
  for (const g of glyphs) {
    const index = template.subset.includeGlyph(g.id);
    template.widths[index] ??= g.advanceWidth * template.scale;
    template.unicode[index] ??= g.codePoints;
  }

  const isTemplate = (text: string) => {
    for (const c of text) if (!characters.has(c)) return false;
    return true;
  };
  const font = doc.font.bind(doc) as (src: unknown, ...rest: unknown[]) => PDFKit.PDFDocument;
  const text = doc.text.bind(doc) as (value: unknown, ...rest: unknown[]) => PDFKit.PDFDocument;
  let weight: unknown;
  doc.font = ((src: unknown, ...rest: unknown[]) => {
    weight = src;
    return font(src, ...rest);
  }) as typeof doc.font;
  doc.text = ((value: unknown, ...rest: unknown[]) => {
    if (weight === o.family) font(isTemplate(String(value)) ? o.family : o.variableFamily);
    return text(value, ...rest);
  }) as typeof doc.text;
}
