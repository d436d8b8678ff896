import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { loadContractFonts } from '../../src/server/pdf/font.js';

type Glyph = { id: number; advanceWidth: number; path: { toSVG(): string } };
type Subsettable = fontkit.Font & {
  glyphsForString(s: string): Glyph[];
  getGlyph(id: number): Glyph;
  createSubset(): { includeGlyph(id: number): number; encode(): Uint8Array };
};

describe('font subsets (glyphs read once per font)', () => {
  const fonts = loadContractFonts();
  const text = '甲方乙方框架协议第三条保密义务，自签署之日起生效。Qiyue 2026-11-26 @ .-/';

  const subsetOf = (font: Subsettable) => {
    const subset = font.createSubset();
    const ids = font.glyphsForString(text).map((g) => g.id);
    const mapping = ids.map((id) => subset.includeGlyph(id));
    return { bytes: Buffer.from(subset.encode()), ids, mapping };
  };

  it('draws every glyph exactly as the full font does, with the same advance widths', () => {
    for (const weight of ['regular', 'bold'] as const) {
      const font = fonts.cjk[weight] as unknown as Subsettable;
      const { bytes, ids, mapping } = subsetOf(font);
      const subsetFont = fontkit.create(bytes) as unknown as Subsettable;
      ids.forEach((id, i) => {
        const original = font.getGlyph(id);
        const copy = subsetFont.getGlyph(mapping[i]!);
        expect(copy.path.toSVG()).toBe(original.path.toSVG());
        expect(copy.advanceWidth).toBe(original.advanceWidth);
      });
      expect(subsetFont.numGlyphs).toBe(new Set(ids).size + 1); // plus .notdef
    }
  });

  it('makes the same bytes on every later document', () => {
    const font = fonts.cjk.regular as unknown as Subsettable;
    const first = subsetOf(font).bytes;
    expect(subsetOf(font).bytes.equals(first)).toBe(true);
  });
});
