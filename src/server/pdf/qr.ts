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

const number = (v: number) => String(Math.round(v * 1000) / 1000);

/**
 * The QR code as a form XObject `size` points square, in vector (crisp at any zoom, no image
 * decoding): one rectangle per horizontal run of dark modules. Every page shows the same
 * code, so it is written into the file once and placed on each page with `placeQrCode`.
 */
export function qrCodeForm(doc: PDFKit.PDFDocument, qr: QrRuns, size: number): PDFKit.PDFKitReference {
  // A quiet zone of 2 modules (the standard asks for 4; the page margin supplies the rest).
  const quiet = 2;
  const cell = size / (qr.size + 2 * quiet);
  const operators = ['1 1 1 rg', `0 0 ${number(size)} ${number(size)} re f`, '0 0 0 rg'];
  for (const run of qr.runs) {
    // Page space points down here, as everywhere in pdfkit; the form inherits it.
    operators.push(`${number((quiet + run.start) * cell)} ${number((quiet + run.row) * cell)} ${number(run.length * cell + 0.01)} ${number(cell + 0.01)} re`);
  }
  operators.push('f');
  const form = doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, size, size] });
  form.end(operators.join('\n'));
  return form;
}

/** Places the QR code form with its top left corner at (x, y) on the current page. */
export function placeQrCode(doc: PDFKit.PDFDocument, form: PDFKit.PDFKitReference, x: number, y: number): void {
  (doc.page.xobjects as Record<string, PDFKit.PDFKitReference>).QR = form;
  doc.addContent(`q 1 0 0 1 ${number(x)} ${number(y)} cm /QR Do Q`);
}
