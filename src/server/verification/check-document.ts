import { crc32 } from 'node:zlib';

export type DocumentType = 'image/png' | 'image/jpeg' | 'application/pdf';
export const documentTypes: DocumentType[] = ['image/png', 'image/jpeg', 'application/pdf'];

export type DocumentCheck = { valid: true; type: DocumentType } | { valid: false; reason: string };

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// The header must decode: a file that starts with the eight signature bytes and nothing an
// image decoder would accept after them is not a PNG.
function checkPng(bytes: Buffer): string | null {
  if (bytes.length < 8 + 25 || !bytes.subarray(0, 8).equals(pngSignature)) return 'not a PNG signature';
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return 'the PNG has no IHDR header';
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const bitDepth = bytes[24]!;
  const colourType = bytes[25]!;
  if (width === 0 || height === 0 || width > 100_000 || height > 100_000) return 'the PNG dimensions are not plausible';
  const depths: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  if (!depths[colourType]?.includes(bitDepth)) return 'the PNG colour type or bit depth is not valid';
  if (crc32(bytes.subarray(12, 29)) !== bytes.readUInt32BE(29)) return 'the PNG header checksum is wrong';
  if (!bytes.includes(Buffer.from('IDAT', 'latin1'), 33)) return 'the PNG has no image data';
  return null;
}

// Walks the JPEG's segments to a start-of-frame marker and reads plausible dimensions from it.
function checkJpeg(bytes: Buffer): string | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return 'not a JPEG signature';
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 'the JPEG segments do not decode';
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2) return 'the JPEG segments do not decode';
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (offset + 9 > bytes.length) return 'the JPEG frame header is cut off';
      const height = bytes.readUInt16BE(offset + 5);
      const width = bytes.readUInt16BE(offset + 7);
      return width > 0 && height > 0 ? null : 'the JPEG dimensions are not plausible';
    }
    offset += 2 + length;
  }
  return 'the JPEG has no frame header';
}

function checkPdf(bytes: Buffer): string | null {
  if (bytes.length < 16 || bytes.toString('latin1', 0, 5) !== '%PDF-') return 'not a PDF header';
  if (!bytes.subarray(Math.max(0, bytes.length - 1024)).includes(Buffer.from('%%EOF', 'latin1'))) return 'the PDF has no end-of-file marker';
  return null;
}

const checks: Record<DocumentType, (bytes: Buffer) => string | null> = {
  'image/png': checkPng,
  'image/jpeg': checkJpeg,
  'application/pdf': checkPdf,
};

/** Takes a file for what its content shows, and only when that is what its sender declared. */
export function checkDocument(bytes: Buffer, declaredType: string): DocumentCheck {
  const declared = declaredType.split(';')[0]!.trim().toLowerCase() as DocumentType;
  const check = checks[declared];
  if (!check) return { valid: false, reason: `unsupported type ${declared}` };
  const reason = check(bytes);
  return reason ? { valid: false, reason } : { valid: true, type: declared };
}
