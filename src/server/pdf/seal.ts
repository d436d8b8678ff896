import type * as fontkit from 'fontkit';

/**
 * A red round electronic seal drawn in vector: outer ring, the party's name along the upper
 * arc, a five-pointed star in the centre and an optional caption under it. The characters
 * are glyph outlines, not text, so the seal does not pollute text extraction or search.
 */

export const sealRed = '#d7141a';

export type SealOptions = {
  cx: number;
  cy: number;
  radius: number;
  name: string;
  caption?: string;
  font: fontkit.Font;
};

type Glyph = { path: { toSVG(): string }; advanceWidth: number };
type LayoutFont = fontkit.Font & { glyphsForString(s: string): Glyph[] };

/** Fills one glyph outline centred at the current origin (y pointing down). */
function drawGlyph(doc: PDFKit.PDFDocument, font: LayoutFont, ch: string, size: number): void {
  const glyph = font.glyphsForString(ch)[0];
  if (!glyph) return;
  const scale = size / font.unitsPerEm;
  const svg = glyph.path.toSVG();
  if (!svg) return;
  doc.save();
  // Font units are y-up with the baseline at 0; centre the em box on the origin.
  doc.translate((-glyph.advanceWidth * scale) / 2, size * 0.38);
  doc.scale(scale, -scale);
  doc.path(svg).fill(sealRed);
  doc.restore();
}

function star(doc: PDFKit.PDFDocument, cx: number, cy: number, r: number): void {
  const inner = r * 0.382;
  const points: [number, number][] = [];
  for (let i = 0; i < 10; i++) {
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : inner;
    points.push([cx + rr * Math.cos(angle), cy + rr * Math.sin(angle)]);
  }
  doc.polygon(...points).fill(sealRed);
}

export function drawSeal(doc: PDFKit.PDFDocument, o: SealOptions): void {
  const font = o.font as LayoutFont;
  const { cx, cy, radius: r } = o;
  doc.save();
  doc.lineWidth(r * 0.06).strokeColor(sealRed).fillOpacity(0.92).strokeOpacity(0.92);
  doc.circle(cx, cy, r * 0.96).stroke();

  const chars = [...o.name];
  const n = chars.length;
  // Longer names spread over a wider arc, up to 250°, and shrink to keep their spacing.
  const span = n === 1 ? 0 : Math.min(250, Math.max(100, (n - 1) * 26));
  const step = n === 1 ? 0 : span / (n - 1);
  const textRadius = r * 0.7;
  const stepLength = n === 1 ? Number.POSITIVE_INFINITY : (step * Math.PI * textRadius) / 180;
  const size = Math.min(r * 0.3, stepLength * 0.95);
  chars.forEach((ch, i) => {
    doc.save();
    doc.translate(cx, cy);
    doc.rotate(-span / 2 + step * i);
    doc.translate(0, -textRadius);
    drawGlyph(doc, font, ch, size);
    doc.restore();
  });

  star(doc, cx, cy, r * 0.28);

  if (o.caption) {
    const captionSize = r * 0.16;
    const cap = [...o.caption];
    const width = captionSize * cap.length;
    cap.forEach((ch, i) => {
      doc.save();
      doc.translate(cx - width / 2 + captionSize * (i + 0.5), cy + r * 0.52);
      drawGlyph(doc, font, ch, captionSize);
      doc.restore();
    });
  }
  doc.restore();
}
