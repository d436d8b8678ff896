import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';
import { cacheGlyphSubsetting } from './font-subset-cache.js';

/**
 * Noto Serif SC from @fontsource, converted from WOFF 1.0 to plain TrueType once.
 *
 * pdfkit reads WOFF through fontkit, which inflates the whole glyf table for each glyph
 * (86 s per contract), and WOFF2 is embedded without subsetting (74 MB). A TTF is subset
 * and embedded as a CID font in ~30 ms, with a ToUnicode map so text stays extractable.
 */

export type FontWeight = 'regular' | 'bold';
/**
 * The chinese-simplified subset also carries ASCII (digits, Latin letters, @ . - /), so one
 * font renders contract numbers, dates and e-mails. (Characters outside the subset, e.g. rare name characters, are not handled yet.)
 */
export type FontScript = 'cjk' | 'latin';

const sources: Record<FontScript, Record<FontWeight, string>> = {
  cjk: {
    regular: 'noto-serif-sc-chinese-simplified-400-normal.woff',
    bold: 'noto-serif-sc-chinese-simplified-700-normal.woff',
  },
  latin: {
    regular: 'noto-serif-sc-latin-400-normal.woff',
    bold: 'noto-serif-sc-latin-700-normal.woff',
  },
};

const require = createRequire(import.meta.url);

function fontsourceDir(): string {
  return join(dirname(require.resolve('@fontsource/noto-serif-sc/package.json')), 'files');
}

export const defaultFontCacheDir = resolve('node_modules/.cache/qiyue-fonts');

/** Converts a WOFF 1.0 file to the sfnt (TrueType/OpenType) it wraps. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.toString('latin1', 0, 4) !== 'wOFF') {
    throw new Error('not a WOFF 1.0 file');
  }
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: string; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const entry = 44 + i * 20;
    const tag = woff.toString('latin1', entry, entry + 4);
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const checksum = woff.readUInt32BE(entry + 16);
    const raw = woff.subarray(offset, offset + compLength);
    // WOFF stores a table uncompressed when compression would not make it smaller.
    const data = compLength < origLength ? inflateSync(raw) : Buffer.from(raw);
    if (data.length !== origLength) throw new Error(`WOFF table ${tag}: bad length`);
    tables.push({ tag, checksum, data });
  }
  // The sfnt table directory must be sorted by tag for binary search.
  tables.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));

  const headerSize = 12 + 16 * numTables;
  const padded = (n: number) => (n + 3) & ~3;
  const total = tables.reduce((sum, t) => sum + padded(t.data.length), headerSize);
  const out = Buffer.alloc(total);
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = headerSize;
  tables.forEach((t, i) => {
    const record = 12 + i * 16;
    out.write(t.tag, record, 'latin1');
    out.writeUInt32BE(t.checksum, record + 4);
    out.writeUInt32BE(offset, record + 8);
    out.writeUInt32BE(t.data.length, record + 12);
    t.data.copy(out, offset);
    offset += padded(t.data.length);
  });
  return out;
}

export type ContractFonts = {
  /** Parsed fonts, shared by every document: pdfkit accepts a fontkit font object. */
  cjk: Record<FontWeight, fontkit.Font>;
  /** The TTF bytes, e.g. for a worker thread that parses its own copy. */
  ttf: Record<'cjk', Record<FontWeight, Buffer>>;
};

function loadTtf(script: FontScript, weight: FontWeight, cacheDir: string): Buffer {
  const woffPath = join(fontsourceDir(), sources[script][weight]);
  const woff = readFileSync(woffPath);
  // Keyed by content so an upgraded @fontsource package never serves a stale conversion.
  const digest = createHash('sha256').update(woff).digest('hex').slice(0, 16);
  const ttfPath = join(cacheDir, `${sources[script][weight].replace(/\.woff$/, '')}-${digest}.ttf`);
  try {
    return readFileSync(ttfPath);
  } catch {
    const ttf = woffToSfnt(woff);
    mkdirSync(cacheDir, { recursive: true });
    // Write then rename, so a concurrent process never reads a half-written file.
    const tmp = `${ttfPath}.${process.pid}.tmp`;
    writeFileSync(tmp, ttf);
    renameSync(tmp, ttfPath);
    return ttf;
  }
}

const loaded = new Map<string, ContractFonts>();

/** Loads (converting and caching on first use) the fonts; memoised per cache dir. */
export function loadContractFonts(cacheDir: string = defaultFontCacheDir): ContractFonts {
  const hit = loaded.get(cacheDir);
  if (hit) return hit;
  const ttf = {
    cjk: { regular: loadTtf('cjk', 'regular', cacheDir), bold: loadTtf('cjk', 'bold', cacheDir) },
  };
  const fonts: ContractFonts = {
    cjk: { regular: fontkit.create(ttf.cjk.regular), bold: fontkit.create(ttf.cjk.bold) },
    ttf,
  };
  cacheGlyphSubsetting(fonts.cjk.regular);
  loaded.set(cacheDir, fonts);
  return fonts;
}
