import type * as fontkit from 'fontkit';
import { recurringStream } from './pdfkit-tuning.js';

/**
 * fontkit's TrueType subsetter decodes each glyph's whole outline (every point) for every
 * document, only to learn whether the glyph is composite and to copy its bytes: about a
 * third of rendering a contract. A glyph's bytes, components and metrics never change, so
 * they are read once per font and reused by every later subset.
 */

type GlyphRecord = {
  bytes: Uint8Array;
  /** Composite glyphs (none in Noto Serif SC) take fontkit's own path, which renumbers components. */
  composite: boolean;
  advance: number;
  bearing: number;
};

/** The parts of fontkit's TTFSubset and TTFFont this relies on (fontkit 2.x). */
type SubsetInternals = {
  font: FontInternals;
  glyphs: number[];
  encode(): Uint8Array;
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: { advance: number; bearing: number }[] };
  offset: number;
  _addGlyph(gid: number): number;
};

type FontInternals = {
  _variationProcessor?: unknown;
  loca: { offsets: number[] };
  _getTableStream(tag: string): { pos: number; readBuffer(n: number): Uint8Array };
  getGlyph(gid: number): {
    advanceWidth: number;
    _decode(): { numberOfContours: number } | null;
    _getMetrics(): { leftBearing: number };
  };
};

const records = new WeakMap<object, Map<number, GlyphRecord>>();
const patched = Symbol('qiyue.glyphRecords');

function readGlyph(font: FontInternals, gid: number): GlyphRecord {
  const glyph = font.getGlyph(gid);
  const decoded = glyph._decode();
  const start = font.loca.offsets[gid]!;
  const end = font.loca.offsets[gid + 1]!;
  const stream = font._getTableStream('glyf');
  stream.pos += start;
  // A copy: the stream's buffer is the whole font.
  const bytes = new Uint8Array(stream.readBuffer(end - start));
  return {
    bytes,
    composite: decoded !== null && decoded.numberOfContours < 0,
    advance: glyph.advanceWidth,
    bearing: glyph._getMetrics().leftBearing,
  };
}

/**
 * Makes the TrueType subsets of `font` (and of every font fontkit subsets the same way) read
 * each glyph once. Variable fonts keep fontkit's own path, which re-encodes outlines.
 */
export function cacheGlyphSubsetting(font: fontkit.Font): void {
  const prototype = Object.getPrototypeOf((font as unknown as { createSubset(): object }).createSubset()) as SubsetInternals & {
    [patched]?: true;
  };
  if (prototype[patched] || typeof prototype._addGlyph !== 'function') return;
  const original = prototype._addGlyph;
  prototype._addGlyph = function addGlyph(this: SubsetInternals, gid: number): number {
    if (this.font._variationProcessor) return original.call(this, gid);
    let byGlyph = records.get(this.font);
    if (!byGlyph) {
      byGlyph = new Map();
      records.set(this.font, byGlyph);
    }
    let record = byGlyph.get(gid);
    if (!record) {
      record = readGlyph(this.font, gid);
      byGlyph.set(gid, record);
    }
    if (record.composite) return original.call(this, gid);
    const { bytes } = record;
    this.glyf.push(bytes);
    this.loca.offsets.push(this.offset);
    this.hmtx.metrics.push({ advance: record.advance, bearing: record.bearing });
    this.offset += bytes.length;
    return this.glyf.length - 1;
  };
  // A subset of the same glyphs in the same order is the same file: a template's own glyphs
  // (pdfkit-tuning.ts, splitTemplateFont) recur in every contract. A few are kept per font.
  const encode = prototype.encode;
  prototype.encode = function encodeOnce(this: SubsetInternals): Uint8Array {
    if (this.font._variationProcessor) return encode.call(this);
    let byGlyphs = encodings.get(this.font);
    if (!byGlyphs) {
      byGlyphs = new Map();
      encodings.set(this.font, byGlyphs);
    }
    const key = this.glyphs.join(',');
    let bytes = byGlyphs.get(key);
    if (bytes) {
      byGlyphs.delete(key);
    } else {
      bytes = encode.call(this);
      recurringStream(bytes);
      if (byGlyphs.size >= keptEncodings) byGlyphs.delete(byGlyphs.keys().next().value!);
    }
    byGlyphs.set(key, bytes);
    return bytes;
  };
  prototype[patched] = true;
}

const encodings = new WeakMap<object, Map<string, Uint8Array>>();
const keptEncodings = 8;
