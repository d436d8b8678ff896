import { customType } from 'drizzle-orm/pg-core';

/**
 * Binary columns: documents, scans, certificates. Both drivers answer a Buffer already
 * (node-postgres; PGlite through the parser in db/client.ts), so nothing is copied. The
 * document columns are stored uncompressed (STORAGE EXTERNAL, migration 0019): PDFs and images
 * do not compress again, and pglz cost several milliseconds per contract trying.
 */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
});
