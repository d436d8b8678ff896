import { deflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRawStream, type PDFRef } from 'pdf-lib';
import PDFKit from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { PdfReader, PdfStructureError } from '../../src/server/pdf-structure/reader.js';
import { prepareSignatureRevision } from '../../src/server/signing/signature-fields.js';

/** An incremental update adding a signature field with a zero /Contents placeholder. */
function addSignaturePlaceholder(pdf: Buffer, o: { fieldName: string; signerName: string }): Buffer {
  return prepareSignatureRevision(pdf, {
    target: { create: { name: o.fieldName, pageIndex: -1 } },
    dictionary: { kind: 'approval', subFilter: 'ETSI.CAdES.detached', signerName: o.signerName, reason: 'test', claimedTime: new Date('2026-01-01T00:00:00Z') },
    contentsLength: 64,
  }).bytes;
}

function pdfkitFile(pages = 2): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFKit({ autoFirstPage: false, compress: true });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (let i = 0; i < pages; i++) doc.addPage().text(`page ${i + 1}`);
    doc.end();
  });
}

async function objectStreamFile(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('one');
  doc.addPage().drawText('two');
  doc.addPage().drawText('three');
  return doc.save({ useObjectStreams: true });
}

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PdfStructureError) return e.code;
    throw e;
  }
  return undefined;
}

const latin = (s: string) => Buffer.from(s, 'latin1');

describe('PdfReader', () => {
  it('reads a pdfkit file: one revision, catalog, pages in order', async () => {
    const bytes = await pdfkitFile(3);
    const reader = PdfReader.open(bytes);
    expect(reader.revisions).toHaveLength(1);
    const [rev] = reader.revisions;
    expect(rev).toMatchObject({ index: 0, xrefKind: 'table', hasEof: true, end: bytes.length });
    expect(reader.catalog().get(PDFName.of('Type'))).toBe(PDFName.of('Catalog'));
    const pages = reader.pages();
    expect(pages).toHaveLength(3);
    for (const page of pages) {
      const dict = reader.lookup(page, PDFDict);
      expect(dict?.get(PDFName.of('Type'))).toBe(PDFName.of('Page'));
      const contents = reader.get(dict, 'Contents', PDFRawStream);
      expect(contents).toBeInstanceOf(PDFRawStream);
      const text = Buffer.from(reader.streamContents(contents!)).toString('latin1');
      expect(text).toContain('BT');
    }
    expect(reader.changedObjects(0).length).toBeGreaterThan(5);
  });

  it('reads cross-reference streams and objects inside object streams', async () => {
    const bytes = await objectStreamFile();
    const reader = PdfReader.open(bytes);
    expect(reader.revisions).toHaveLength(1);
    const rev = reader.revisions[0]!;
    expect(rev.xrefKind).toBe('stream');
    expect([...rev.entries.values()].some((e) => e.kind === 'compressed')).toBe(true);
    // The catalog and page dictionaries live in an object stream.
    const rootRef = rev.trailer.get(PDFName.of('Root')) as PDFRef;
    expect(rev.entries.get(rootRef.objectNumber)?.kind).toBe('compressed');
    expect(reader.pages()).toHaveLength(3);
    // The cross-reference stream itself is structure, not a change of content.
    expect(reader.changedObjects(0)).not.toContain(rev.xrefStreams[0]);
    // Spans are known only for objects read from the file itself.
    expect(reader.valueSpan(reader.catalog(), 'Pages')).toBeUndefined();
  });

  it('reads incremental updates as revisions, each object as of its revision', async () => {
    const original = await pdfkitFile(1);
    const once = addSignaturePlaceholder(original, { fieldName: 'PartyA', signerName: '甲方' });
    const twice = addSignaturePlaceholder(once, { fieldName: 'PartyB', signerName: '乙方' });
    const reader = PdfReader.open(twice);
    expect(reader.revisions).toHaveLength(3);
    const [r0, r1, r2] = reader.revisions as [typeof reader.revisions[0], typeof reader.revisions[0], typeof reader.revisions[0]];
    expect(r0.xrefOffset).toBeLessThan(r1.xrefOffset);
    expect(r1.xrefOffset).toBeLessThan(r2.xrefOffset);
    expect(r2.end).toBe(twice.length);
    // The placeholder writer drops the EOL after %%EOF, so each revision abuts the next.
    expect(r0.eofEnd).toBe(original.length - 1);
    expect(twice.subarray(0, r1.eofEnd).toString('latin1').endsWith('%%EOF')).toBe(true);
    expect(r1.end).toBe(r1.eofEnd + 1);

    const page = reader.pages(2)[0]!;
    expect(reader.pages(0)[0]).toEqual(page);
    const annots = (rev: number) => reader.get(reader.lookup(page, PDFDict, rev), 'Annots', PDFArray, rev)?.size() ?? 0;
    expect(annots(0)).toBe(0);
    expect(annots(1)).toBe(1);
    expect(annots(2)).toBe(2);

    // Revision 1 adds the signature dict and widget, and rewrites the page and catalog (new AcroForm).
    const changed1 = reader.changedObjects(1);
    expect(changed1).toContain(page.objectNumber);
    expect(changed1).toHaveLength(5);
    // Revision 2 adds two objects and rewrites the page and the AcroForm.
    expect(reader.changedObjects(2)).toHaveLength(4);

    const acro = reader.get(reader.catalog(), 'AcroForm', PDFDict);
    const fields = reader.get(acro, 'Fields', PDFArray);
    expect(fields?.size()).toBe(2);
    const widget = reader.lookup(fields?.get(1), PDFDict);
    const sig = reader.get(widget, 'V', PDFDict);
    expect(sig?.get(PDFName.of('SubFilter'))).toBe(PDFName.of('ETSI.CAdES.detached'));
    // Where /Contents lies in the file: the hex string, brackets included.
    const span = reader.valueSpan(sig!, 'Contents')!;
    expect(twice.toString('latin1', span.start, span.end)).toBe(`<${'0'.repeat(128)}>`);
    expect(sig?.get(PDFName.of('Contents'))).toBeInstanceOf(PDFHexString);
    expect(reader.nextObjectNumber()).toBeGreaterThan(Math.max(...reader.changedObjects(2)));
  });

  it('reads an incremental update written as an xref stream on top of an xref-stream file', async () => {
    const base = Buffer.from(await objectStreamFile());
    const reader0 = PdfReader.open(base);
    const root = reader0.revisions[0]!.trailer.get(PDFName.of('Root')) as PDFRef;
    const next = reader0.nextObjectNumber();
    const objAt = base.length + 1;
    const obj = `\n${next} 0 obj\n<< /Marker (added) >>\nendobj\n`;
    const xrefAt = base.length + obj.length;
    // Entries for the new object and the xref stream itself (type 1, 4-byte offsets).
    const row = (type: number, offset: number) => {
      const b = Buffer.alloc(6);
      b[0] = type;
      b.writeUInt32BE(offset, 1);
      return b;
    };
    const data = deflateSync(Buffer.concat([row(1, objAt), row(1, xrefAt)]));
    const head = `${next + 1} 0 obj\n<< /Type /XRef /Size ${next + 2} /Index [${next} 2] /W [1 4 1] /Root ${root.objectNumber} 0 R /Prev ${reader0.revisions[0]!.xrefOffset} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`;
    const tail = `\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`;
    const file = Buffer.concat([base, latin(obj + head), data, latin(tail)]);
    const reader = PdfReader.open(file);
    expect(reader.revisions).toHaveLength(2);
    expect(reader.changedObjects(1)).toEqual([next]);
    expect(reader.resolve(next, 0)).toBeUndefined();
    expect(reader.lookup(reader.resolve(next), PDFDict)?.get(PDFName.of('Marker'))).toBeDefined();
    expect(reader.pages(1)).toHaveLength(3);
  });

  it('reads a hybrid file: the table for old readers, /XRefStm for the compressed objects', () => {
    const parts: string[] = ['%PDF-1.5\n'];
    const offsets: number[] = [];
    const add = (text: string) => {
      offsets.push(parts.join('').length);
      parts.push(text);
    };
    add('1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n');
    add('2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n');
    add('3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Marker 4 0 R >>\nendobj\n');
    const objStm = '4 0 (in-stream)';
    add(`5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length ${objStm.length} >>\nstream\n${objStm}\nendstream\nendobj\n`);
    // Object 4: type 2 (compressed), in stream 5, index 0.
    const row = String.fromCharCode(2, 0, 5, 0);
    add(`6 0 obj\n<< /Type /XRef /Size 7 /Index [4 1] /W [1 2 1] /Length 4 >>\nstream\n${row}\nendstream\nendobj\n`);
    const entry = (n: number, t = 'n') => `${String(n).padStart(10, '0')} ${t === 'f' ? '65535' : '00000'} ${t}\r\n`;
    const xrefAt = parts.join('').length;
    const [o1, o2, o3, o5, o6] = offsets as [number, number, number, number, number];
    parts.push(`xref\n0 7\n${entry(0, 'f')}${entry(o1)}${entry(o2)}${entry(o3)}${entry(0, 'f')}${entry(o5)}${entry(o6)}`);
    parts.push(`trailer\n<< /Size 7 /Root 1 0 R /XRefStm ${o6} >>\nstartxref\n${xrefAt}\n%%EOF\n`);
    const reader = PdfReader.open(latin(parts.join('')));
    expect(reader.revisions).toHaveLength(1);
    expect(reader.revisions[0]!.xrefKind).toBe('hybrid');
    const page = reader.lookup(reader.pages()[0], PDFDict)!;
    expect(reader.get(page, 'Marker')?.toString()).toBe('(in-stream)');
  });

  it('refuses what is not a PDF, or has no startxref', async () => {
    expect(errorCode(() => PdfReader.open(latin('hello world, not a pdf')))).toBe('not_a_pdf');
    const bytes = await pdfkitFile(1);
    expect(errorCode(() => PdfReader.open(bytes.subarray(0, bytes.length - 40)))).toBe('no_startxref');
  });

  it('refuses a startxref that points nowhere, or at something else', async () => {
    const bytes = await pdfkitFile(1);
    const cut = bytes.toString('latin1').lastIndexOf('startxref');
    const withOffset = (n: number) => Buffer.concat([bytes.subarray(0, cut), latin(`startxref\n${n}\n%%EOF\n`)]);
    expect(errorCode(() => PdfReader.open(withOffset(bytes.length + 100)))).toBe('malformed_xref');
    expect(errorCode(() => PdfReader.open(withOffset(20)))).toBe('malformed_xref');
  });

  it('refuses a looping /Prev chain', () => {
    const head = '%PDF-1.7\n';
    const section = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1 /Prev ${head.length} >>\n`;
    const file = latin(`${head}${section}startxref\n${head.length}\n%%EOF\n`);
    expect(errorCode(() => PdfReader.open(file))).toBe('xref_loop');
  });

  it('caps revisions: 20 MB of chained xref/trailer fragments fail fast', () => {
    const parts: string[] = ['%PDF-1.7\n'];
    let at = parts[0]!.length;
    let prev = -1;
    while (at < 20 * 1024 * 1024) {
      const s = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1${prev >= 0 ? ` /Prev ${prev}` : ''} >>\n`;
      parts.push(s);
      prev = at;
      at += s.length;
    }
    parts.push(`startxref\n${prev}\n%%EOF\n`);
    const file = latin(parts.join(''));
    expect(errorCode(() => PdfReader.open(file))).toBe('too_large');
  });

  it('refuses 20 MB of `1 0 obj /Type /Sig` with no structure, without scanning it', () => {
    const unit = '%PDF-1.7\n1 0 obj /Type /Sig\n';
    const file = latin(unit.repeat(Math.ceil((20 * 1024 * 1024) / unit.length)));
    expect(errorCode(() => PdfReader.open(file))).toBe('no_startxref');
  });

  it('refuses objects that are not where the xref says, or are malformed', () => {
    const head = '%PDF-1.7\n';
    const o1 = '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n';
    const o2 = '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n';
    const o3 = '3 0 obj\n<< /Type /Page /Contents 4 0 R >>\nendobj\n';
    const o4 = '4 0 obj\n<< >>\nstream\nBT ET\nendstream\nendobj\n';
    const offs = [head.length];
    for (const o of [o1, o2, o3]) offs.push(offs.at(-1)! + o.length);
    const body = head + o1 + o2 + o3 + o4;
    const entry = (n: number) => `${String(n).padStart(10, '0')} 00000 n\r\n`;
    const xref = `xref\n0 5\n0000000000 65535 f\r\n${entry(offs[0]!)}${entry(offs[1]!)}${entry(offs[1]!)}${entry(offs[3]!)}`;
    const file = latin(`${body}${xref}trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${body.length}\n%%EOF\n`);
    const reader = PdfReader.open(file);
    // Object 3's entry points at object 2.
    expect(errorCode(() => reader.resolve(3))).toBe('malformed_object');
    // A stream without /Length is refused, not searched for its end.
    expect(errorCode(() => reader.resolve(4))).toBe('malformed_object');
    expect(reader.lookup(reader.resolve(2), PDFDict)?.get(PDFName.of('Count'))).toEqual(PDFNumber.of(1));
  });

  it('refuses deeply nested arrays and a stream that inflates beyond its cap', () => {
    const head = '%PDF-1.7\n';
    const deep = `1 0 obj\n${'['.repeat(5000)}${']'.repeat(5000)}\nendobj\n`;
    const bomb = deflateSync(Buffer.alloc(8 * 1024 * 1024));
    const o2head = `2 0 obj\n<< /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`;
    const o2 = Buffer.concat([latin(o2head), bomb, latin('\nendstream\nendobj\n')]);
    const xrefAt = head.length + deep.length + o2.length;
    const entry = (n: number) => `${String(n).padStart(10, '0')} 00000 n\r\n`;
    const tail = `xref\n0 3\n0000000000 65535 f\r\n${entry(head.length)}${entry(head.length + deep.length)}trailer\n<< /Size 3 >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const file = Buffer.concat([latin(head + deep), o2, latin(tail)]);
    const reader = PdfReader.open(file, { maxStreamBytes: 1024 * 1024 });
    expect(errorCode(() => reader.resolve(1))).toBe('malformed_object');
    const stream = reader.resolve(2) as PDFRawStream;
    expect(errorCode(() => reader.streamContents(stream))).toBe('too_large');
  });

  it('bounds total work: objects sharing one huge string are parsed once per offset', () => {
    // 5000 entries all pointing at one 1 MB object: the cache by offset keeps this linear.
    const head = '%PDF-1.7\n';
    const big = `1 0 obj\n(${'x'.repeat(1024 * 1024)})\nendobj\n`;
    const entry = (n: number) => `${String(n).padStart(10, '0')} 00000 n\r\n`;
    let xref = `xref\n0 2\n0000000000 65535 f\r\n${entry(head.length)}`;
    xref += `2 5000\n${entry(head.length).repeat(5000)}`;
    const file = latin(`${head}${big}${xref}trailer\n<< /Size 5002 >>\nstartxref\n${head.length + big.length}\n%%EOF\n`);
    const reader = PdfReader.open(file);
    expect(reader.resolve(1)).toBeDefined();
    for (let n = 2; n < 5002; n++) expect(errorCode(() => reader.resolve(n))).toBe('malformed_object');
  });
});
