import QRCode from 'qrcode';

/** A QR code as its horizontal runs of dark modules, in module units. */
export type QrRuns = { size: number; runs: { row: number; start: number; length: number }[] };

export function qrRuns(text: string): QrRuns {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const runs: QrRuns['runs'] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      runs.push({ row, start, length: col - start });
    }
  }
  return { size: n, runs };
}

/**
 * Draws a QR code as filled vector squares (crisp at any zoom, no image decoding): one
 * rectangle per horizontal run keeps the content stream small. Every page carries the same
 * code, so callers encode it once (`qrRuns`) and draw it on each page.
 */
export function drawQrCode(doc: PDFKit.PDFDocument, qr: QrRuns, x: number, y: number, size: number): void {
  // A quiet zone of 2 modules (the standard asks for 4; the page margin supplies the rest).
  const quiet = 2;
  const cell = size / (qr.size + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  for (const run of qr.runs) {
    doc.rect(x + (quiet + run.start) * cell, y + (quiet + run.row) * cell, run.length * cell + 0.01, cell + 0.01);
  }
  doc.fill('#000000');
  doc.restore();
}
