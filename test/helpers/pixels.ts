/** Pixel checks on pdftoppm's binary PPM (P6) output. */

export type PointRect = [number, number, number, number];

/** A4 in PDF points. */
const pageHeight = 841.89;

function image(ppm: Buffer) {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.toString('latin1', 0, 64));
  if (!header) throw new Error('not a PPM');
  return { width: Number(header[1]), height: Number(header[2]), start: header[0].length };
}

const isRed = (r: number, g: number, b: number) => r > 170 && g < 110 && b < 110;

/**
 * Saturated red pixels (the seals), inside the given rectangles (PDF points, origin bottom
 * left, as the renderer reports its signature-block rectangles) and outside all of them.
 */
export function redPixels(ppm: Buffer, dpi: number, rects: PointRect[]): { inside: number[]; outside: number } {
  const { width, height, start } = image(ppm);
  const scale = dpi / 72;
  const boxes = rects.map(([x0, y0, x1, y1]) => ({
    left: Math.floor(x0 * scale),
    right: Math.ceil(x1 * scale),
    top: Math.floor((pageHeight - y1) * scale),
    bottom: Math.ceil((pageHeight - y0) * scale),
  }));
  const inside = rects.map(() => 0);
  let outside = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = start + (y * width + x) * 3;
      if (!isRed(ppm[i]!, ppm[i + 1]!, ppm[i + 2]!)) continue;
      const box = boxes.findIndex((b) => x >= b.left && x < b.right && y >= b.top && y < b.bottom);
      if (box >= 0) inside[box]!++;
      else outside++;
    }
  }
  return { inside, outside };
}
