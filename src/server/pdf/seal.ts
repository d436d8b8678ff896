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

type PathCommand = { command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath'; args: number[] };
type Glyph = { path: { commands: PathCommand[] }; advanceWidth: number };
type LayoutFont = fontkit.Font & { glyphsForString(s: string): Glyph[] };

/** A glyph outline as PDF path operators in font units (y up), and its advance. */
type Outline = { operators: string; advanceWidth: number };

const outlines = new WeakMap<object, Map<string, Outline | null>>();
// Whole font units: a unit is ~0.015 pt at seal size, and the outlines are integers anyway.
const n = (v: number) => String(Math.round(v));

/**
 * TrueType outlines are quadratic; PDF paths only have cubic curves, so each quadratic
 * segment becomes the exactly equivalent cubic (control points two thirds of the way to the
 * quadratic one). Built once per character: a seal's name repeats on every contract.
 */
function outlineOf(font: LayoutFont, ch: string): Outline | null {
  let byChar = outlines.get(font);
  if (!byChar) {
    byChar = new Map();
    outlines.set(font, byChar);
  }
  const hit = byChar.get(ch);
  if (hit !== undefined) return hit;
  const glyph = font.glyphsForString(ch)[0];
  const ops: string[] = [];
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  for (const { command, args: a } of glyph?.path.commands ?? []) {
    switch (command) {
      case 'moveTo':
        [x, y] = [a[0]!, a[1]!];
        [startX, startY] = [x, y];
        ops.push(`${n(x)} ${n(y)} m`);
        break;
      case 'lineTo':
        [x, y] = [a[0]!, a[1]!];
        ops.push(`${n(x)} ${n(y)} l`);
        break;
      case 'quadraticCurveTo': {
        const [qx, qy, ex, ey] = a as [number, number, number, number];
        const c1x = x + (2 / 3) * (qx - x);
        const c1y = y + (2 / 3) * (qy - y);
        const c2x = ex + (2 / 3) * (qx - ex);
        const c2y = ey + (2 / 3) * (qy - ey);
        ops.push(`${n(c1x)} ${n(c1y)} ${n(c2x)} ${n(c2y)} ${n(ex)} ${n(ey)} c`);
        [x, y] = [ex, ey];
        break;
      }
      case 'bezierCurveTo':
        ops.push(`${a.map(n).join(' ')} c`);
        [x, y] = [a[4]!, a[5]!];
        break;
      case 'closePath':
        ops.push('h');
        [x, y] = [startX, startY];
        break;
    }
  }
  const outline = glyph && ops.length > 0 ? { operators: ops.join('\n'), advanceWidth: glyph.advanceWidth } : null;
  byChar.set(ch, outline);
  return outline;
}

/** Fills one glyph outline centred at the current origin (y pointing down). */
function drawGlyph(doc: PDFKit.PDFDocument, font: LayoutFont, ch: string, size: number): void {
  const outline = outlineOf(font, ch);
  if (!outline) return;
  const scale = size / font.unitsPerEm;
  doc.save();
  // Font units are y-up with the baseline at 0; centre the em box on the origin.
  doc.translate((-outline.advanceWidth * scale) / 2, size * 0.38);
  doc.scale(scale, -scale);
  // The colour is set before the path: PDF allows no operator between a path and its fill.
  doc.fillColor(sealRed);
  doc.addContent(outline.operators);
  doc.fill();
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

/**
 * A person's seal (私章): a square frame holding the name in two rows read in columns right
 * to left, as name seals are cut, padded to four characters with 之印 or 印; no star, which
 * marks an organisation's seal.
 */
export function drawPersonalSeal(doc: PDFKit.PDFDocument, o: Omit<SealOptions, 'caption'>): void {
  const font = o.font as LayoutFont;
  const side = o.radius * 1.5;
  const chars = [...o.name];
  if (chars.length === 2) chars.push('之', '印');
  else if (chars.length === 3) chars.push('印');
  const rows = chars.length === 1 ? 1 : 2;
  const cols = Math.ceil(chars.length / rows);
  const inner = side * 0.82;
  const cellW = inner / cols;
  const cellH = inner / rows;
  const size = Math.min(cellW, cellH) * 0.92;
  doc.save();
  doc.lineWidth(side * 0.06).strokeColor(sealRed).fillOpacity(0.92).strokeOpacity(0.92);
  doc.rect(o.cx - side / 2, o.cy - side / 2, side, side).stroke();
  chars.forEach((ch, i) => {
    const col = cols - 1 - Math.floor(i / rows);
    const row = i % rows;
    doc.save();
    doc.translate(o.cx - inner / 2 + cellW * (col + 0.5), o.cy - inner / 2 + cellH * (row + 0.5));
    drawGlyph(doc, font, ch, size);
    doc.restore();
  });
  doc.restore();
}

/** The seal a party signs with: a person's square name seal, or the organisation's round one. */
export function drawPartySeal(doc: PDFKit.PDFDocument, o: SealOptions & { personal: boolean }): void {
  if (o.personal) drawPersonalSeal(doc, o);
  else drawSeal(doc, o);
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
