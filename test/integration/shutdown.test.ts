import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';

describe('graceful shutdown', () => {
  it('answers a request that arrives while the server drains with 503 service_unavailable', async () => {
    const database = await createTestDatabase();
    const app = await buildApp(testConfig({ databaseUrl: database.databaseUrl, dataDir: database.dataDir }));
    let entered!: () => void;
    const isInside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.get('/api/v1/test-only/slow', async () => {
      entered();
      await released;
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;

    // A request in flight keeps its connection open through the close; a request pipelined
    // behind it on that connection arrives while the server drains.
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (chunk) => {
      raw += chunk.toString('utf8');
    });
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /api/v1/test-only/slow HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await isInside;
    const closed = app.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Pipelined behind the one in flight, after the close began.
    socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await ended;
    await closed;
    await database.drop();

    const responses = raw.split(/(?=HTTP\/1\.1 )/);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1]).toMatch(/retry-after: 1/i);
    expect(responses[1]).toContain('"code":"service_unavailable"');
  });
});
