// fontkit ships no type declarations; this covers the part pdfkit and our font loader use.
declare module 'fontkit' {
  export type Font = {
    postscriptName: string;
    familyName: string;
    unitsPerEm: number;
    numGlyphs: number;
    characterSet: number[];
    hasGlyphForCodePoint(codePoint: number): boolean;
    layout(text: string): unknown;
  };
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
