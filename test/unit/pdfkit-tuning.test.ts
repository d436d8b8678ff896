import PDFKit from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { coalesceStreamWrites } from '../../src/server/pdf/pdfkit-tuning.js';

type PageContent = { content: { buffer: Uint8Array[] } };

function written(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
}

describe('coalesced stream writes', () => {
  it('keeps a page’s operators in a few chunks and writes the bytes pdfkit would', async () => {
    const doc = new PDFKit({ compress: false, bufferPages: true });
    coalesceStreamWrites(doc);
    const out = written(doc);
    const ops = Array.from({ length: 2000 }, (_, i) => `${i} 0 0 1 0 ${i} cm`);
    const raw = Uint8Array.from([0x25, 0x20, 0xe4, 0x0a]);
    for (const op of ops.slice(0, 1000)) doc.addContent(op);
    doc.addContent(raw as unknown as string);
    // Above Latin-1 pdfkit keeps the low byte of each character.
    doc.addContent('(\u4e2d\u00ff) Tj');
    for (const op of ops.slice(1000)) doc.addContent(op);
    const page = (doc as unknown as { _pageBuffer: PageContent[] })._pageBuffer[0]!;
    expect(page.content.buffer.length).toBeLessThan(20);
    doc.end();
    const pdf = await out;
    const expected = Buffer.concat([
      Buffer.from(`${ops.slice(0, 1000).join('\n')}\n`, 'latin1'),
      Buffer.from(raw),
      Buffer.from([0x28, 0x2d, 0xff, 0x29, 0x20, 0x54, 0x6a, 0x0a]),
      Buffer.from(`${ops.slice(1000).join('\n')}\n`, 'latin1'),
    ]);
    const start = pdf.indexOf(expected);
    expect(start).toBeGreaterThan(0);
    // The stream holds what pdfkit wrote first on the page (its transform), then these.
    const streamStart = pdf.lastIndexOf('stream\n', start, 'latin1') + 'stream\n'.length;
    const streamEnd = pdf.indexOf('\nendstream', start, 'latin1');
    expect(streamEnd).toBe(start + expected.length);
    const length = /\/Length (\d+)/.exec(pdf.subarray(pdf.lastIndexOf(' obj', streamStart, 'latin1'), streamStart).toString('latin1'))?.[1];
    expect(Number(length)).toBe(streamEnd - streamStart);
  });
});
