import QRCode from 'qrcode';

/** Draws a QR code as filled vector squares (crisp at any zoom, no image decoding). */
export function drawQrCode(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  size: number,
): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  // A quiet zone of 2 modules (the standard asks for 4; the page margin supplies the rest).
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < n; row++) {
    // One rectangle per horizontal run of dark modules keeps the content stream small.
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      doc.rect(
        x + (quiet + start) * cell,
        y + (quiet + row) * cell,
        (col - start) * cell + 0.01,
        cell + 0.01,
      );
    }
  }
  doc.fill('#000000');
  doc.restore();
}
