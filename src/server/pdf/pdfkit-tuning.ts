import { deflateSync } from 'node:zlib';

/**
 * The two places where contract rendering reaches into pdfkit 0.20's internals, for speed.
 * Both keep the output a valid PDF with the same text and fonts; the PDF tests (pdftotext,
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
      this.buffer = [deflateSync(Buffer.concat(this.buffer), { level: 1 })];
      this.compress = false;
    }
    finalize.call(this);
  };
  prototype[tuned] = true;
}
