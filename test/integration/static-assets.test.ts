import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

// How the console travels: hashed assets cached for a year and sent precompressed, the index
// page revalidated and told whether a session cookie came, API answers compressed.

const script = `export const answer = ${JSON.stringify('契约'.repeat(2000))};\n`;

describe('static assets and compression', () => {
  let t: TestApp;
  let webDir: string;
  beforeAll(async () => {
    webDir = mkdtempSync(path.join(tmpdir(), 'qiyue-web-'));
    mkdirSync(path.join(webDir, 'assets'));
    writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><div id="root"></div></body></html>');
    writeFileSync(path.join(webDir, 'assets', 'index-AbC123.js'), script);
    writeFileSync(path.join(webDir, 'assets', 'index-AbC123.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(webDir, 'assets', 'index-AbC123.js.gz'), gzipSync(script));
    t = await createTestApp({ webDir });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('sends a hashed asset precompressed, as brotli or gzip, cached for a year as immutable', async () => {
    const br = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);

    const gz = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers client routes with the index page, revalidated, saying whether a session cookie came', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/contracts/some-id' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.headers['content-type']).toMatch(/^text\/html/);
    expect(anonymous.headers['cache-control']).toBe('no-cache');
    expect(anonymous.body).toContain('<meta name="qiyue-session" content="absent" />');

    const customer = await t.register();
    const signedIn = await t.app.inject({ method: 'GET', url: '/contracts', headers: { cookie: customer.cookie } });
    expect(signedIn.body).toContain('<meta name="qiyue-session" content="present" />');
    expect(signedIn.headers['cache-control']).toBe('no-cache');
  });

  it('compresses JSON answers of the API when the client accepts it', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { 'accept-encoding': 'br' } });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(doc.rawPayload).toString()).openapi).toMatch(/^3\./);
    const small = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'accept-encoding': 'br' } });
    expect(small.statusCode).toBe(200);
  });

  it('serves the API reference with its own script allowed, listing the error codes', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Scalar.createApiReference');
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    const bundle = await t.app.inject({ method: 'GET', url: '/api/docs/js/scalar.js' });
    expect(bundle.statusCode).toBe(200);
    const doc = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(doc.json().info.description).toContain('`framework_exists` | 409');
  });
});
