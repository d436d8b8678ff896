import { PDFDict, PDFName, type PDFRef } from 'pdf-lib';
import PDFKit from 'pdfkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  appendIncrementalUpdate,
  nextObjectNumber,
  readObjectBody,
  readPdfIndex,
  refString,
  setEntry,
  type UpdatedObject,
} from '../../src/server/pdf-structure/incremental-writer.js';
import { PdfReader } from '../../src/server/pdf-structure/reader.js';
import { prepareSignatureRevision } from '../../src/server/signing/signature-fields.js';
import { analyseRevision } from '../../src/server/validation/diff-analysis/policy.js';
import { readDss } from '../../src/server/validation/dss.js';

// One small update per rule, judged at each DocMDP level (1: nothing but DSS and document
// timestamps, 2: also signing, 3: also annotations).

let base: Buffer;

beforeAll(async () => {
  base = await new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFKit({ compress: true });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.text('a contract');
    doc.end();
  });
});

type Ctx = { reader: PdfReader; next: () => number; body: (num: number) => string; root: number; page: number };

function update(pdf: Buffer, build: (c: Ctx) => UpdatedObject[]): Buffer {
  const index = readPdfIndex(pdf);
  let next = nextObjectNumber(index);
  const reader = PdfReader.open(pdf);
  const ctx: Ctx = {
    reader,
    next: () => next++,
    body: (num) => readObjectBody(pdf, index, { num, gen: 0 }),
    root: index.root.num,
    page: reader.pages()[0]!.objectNumber,
  };
  return appendIncrementalUpdate(pdf, index, build(ctx), next).bytes;
}

/** The last revision's changes, and whether P = 1, 2, 3 allow them. */
function judge(pdf: Buffer) {
  const reader = PdfReader.open(pdf);
  const r = reader.revisions.length - 1;
  const dss = readDss(reader, r).objects;
  const at = (p: number) => analyseRevision(reader, r, p, dss);
  return { changes: at(2).changes, allowed: [at(1).allowed, at(2).allowed, at(3).allowed], dssOnly: at(2).dssOnly };
}

const signatureField = (name: string) =>
  prepareSignatureRevision(base, {
    target: { create: { name, pageIndex: 0 } },
    dictionary: { kind: 'approval', subFilter: 'ETSI.CAdES.detached', signerName: 'B', reason: 'B', claimedTime: new Date() },
    contentsLength: 16,
  }).bytes;

describe('DocMDP diff analysis', () => {
  it('an object written again unchanged is no change', () => {
    const pdf = update(base, (c) => [{ ref: { num: c.page, gen: 0 }, dict: c.body(c.page) }]);
    expect(judge(pdf)).toMatchObject({ changes: [], allowed: [true, true, true] });
  });

  it('the DSS is allowed at every level', () => {
    const pdf = update(base, (c) => {
      const cert = c.next();
      const dss = c.next();
      return [
        { ref: { num: cert, gen: 0 }, dict: '<< /Length 3 >>', stream: Buffer.from('der') },
        { ref: { num: dss, gen: 0 }, dict: `<< /Type /DSS /Certs [${cert} 0 R] >>` },
        { ref: { num: c.root, gen: 0 }, dict: setEntry(c.body(c.root), 'DSS', `${dss} 0 R`) },
      ];
    });
    expect(judge(pdf)).toEqual({ changes: ['dss'], allowed: [true, true, true], dssOnly: true });
  });

  it('a signature with its field and widget needs P ≥ 2', () => {
    expect(judge(signatureField('PartyB'))).toEqual({
      changes: ['acroform_fields', 'signature', 'signature_field_added', 'signature_widget'],
      allowed: [false, true, true],
      dssOnly: false,
    });
  });

  it('a document timestamp is allowed at every level', () => {
    const pdf = prepareSignatureRevision(base, {
      target: { create: { name: 'DocumentTimestamp', pageIndex: 0 } },
      dictionary: { kind: 'document-timestamp' },
      contentsLength: 16,
    }).bytes;
    const j = judge(pdf);
    expect(j.changes).toContain('document_timestamp');
    // Its field, listed in the AcroForm and on the page, comes with it.
    expect(j.allowed).toEqual([true, true, true]);
  });

  it('an annotation needs P = 3', () => {
    const pdf = update(base, (c) => {
      const annot = c.next();
      return [
        { ref: { num: annot, gen: 0 }, dict: '<< /Type /Annot /Subtype /FreeText /Rect [0 0 10 10] /Contents (void) >>' },
        { ref: { num: c.page, gen: 0 }, dict: setEntry(c.body(c.page), 'Annots', `[${annot} 0 R]`) },
      ];
    });
    expect(judge(pdf)).toMatchObject({ changes: ['annotation_added'], allowed: [false, false, true] });
  });

  it('new page content is never allowed', () => {
    const pdf = update(base, (c) => {
      const content = c.next();
      return [
        { ref: { num: content, gen: 0 }, dict: '<< /Length 5 >>', stream: Buffer.from('BT ET') },
        { ref: { num: c.page, gen: 0 }, dict: setEntry(c.body(c.page), 'Contents', `${content} 0 R`) },
      ];
    });
    expect(judge(pdf)).toMatchObject({ allowed: [false, false, false] });
    expect(judge(pdf).changes).toContain('page_content');
  });

  it('a content stream rewritten in place is never allowed', () => {
    const pdf = update(base, (c) => {
      const page = c.reader.lookup(c.reader.pages()[0], PDFDict)!;
      const content = page.get(PDFName.of('Contents')) as PDFRef;
      return [{ ref: { num: content.objectNumber, gen: 0 }, dict: '<< /Length 5 >>', stream: Buffer.from('BT ET') }];
    });
    expect(judge(pdf)).toMatchObject({ changes: ['content_modified'], allowed: [false, false, false] });
  });

  it('a catalog entry other than the DSS or a new AcroForm is never allowed', () => {
    const pdf = update(base, (c) => [{ ref: { num: c.root, gen: 0 }, dict: setEntry(c.body(c.root), 'OpenAction', '[3 0 R /Fit]') }]);
    expect(judge(pdf)).toMatchObject({ changes: ['catalog_changed'], allowed: [false, false, false] });
  });

  it('a form field other than a signature field is never allowed', () => {
    const signed = signatureField('PartyA');
    const pdf = update(signed, (c) => {
      const acroRef = c.reader.catalog().get(PDFName.of('AcroForm')) as PDFRef;
      const acro = c.reader.lookup(acroRef, PDFDict)!;
      const text = c.next();
      const fields = c.reader.get(acro, 'Fields')!.toString().replace(/\]$/, ` ${text} 0 R]`);
      return [
        { ref: { num: text, gen: 0 }, dict: '<< /FT /Tx /T (Amount) /V (1000000) >>' },
        { ref: { num: acroRef.objectNumber, gen: 0 }, dict: setEntry(c.body(acroRef.objectNumber), 'Fields', fields) },
      ];
    });
    const j = judge(pdf);
    expect(j.changes).toContain('form_field_added');
    expect(j.allowed).toEqual([false, false, false]);
  });

  it('a new object nothing points to passes with signing', () => {
    const pdf = update(base, (c) => [{ ref: { num: c.next(), gen: 0 }, dict: '<< /Note (unreferenced) >>' }]);
    expect(judge(pdf)).toMatchObject({ changes: ['object_added'], allowed: [false, true, true] });
  });

  it('an object deleted is never allowed', () => {
    const index = readPdfIndex(base);
    const reader = PdfReader.open(base);
    const page = reader.pages()[0]!.objectNumber;
    const tail = `\nxref\n${page} 1\n0000000000 00001 f\r\ntrailer\n<< /Size ${index.size} /Root ${refString(index.root)} /Prev ${index.startxref} >>\n`;
    const at = base.length + 1;
    const pdf = Buffer.concat([base, Buffer.from(`${tail}startxref\n${at}\n%%EOF\n`, 'latin1')]);
    expect(judge(pdf)).toMatchObject({ changes: ['object_deleted'], allowed: [false, false, false] });
  });
});
