import { crc32, deflateSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import { type Config, loadConfig } from '../../src/server/config.js';
import { openDatabase } from '../../src/server/db/client.js';
import { creditCodeCheckChar, residentIdCheckChar } from '../../src/shared/ids.js';
import { consentVersion } from '../../src/shared/schemas/verification.js';
import { createTestDatabase, pgliteTemplate } from './database.js';
import { driveSigning, type SigningOptions } from './signing.js';

/** The consent a verification body carries. */
export const consent = { version: consentVersion };

let identityCounter = 0;
/** A credit code nobody else in the test run holds: each identity belongs to one account. */
export function uniqueCreditCode(): string {
  const first17 = `91350100MA${String((process.pid * 1000 + ++identityCounter) % 1e7).padStart(7, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}
/** A resident ID number (born 1990-01-01 in Beijing) nobody else in the test run holds. */
export function uniqueIdNumber(): string {
  const first17 = `11010519900101${String((process.pid + ++identityCounter) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

export const operatorLogin = { email: 'desk@qiyue.test', password: 'operator-password-1' };
export const integrationToken = 'test-integration-token-0123';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ QIYUE_DEMO: '0', QIYUE_KEY: 'test-key-0123456789abcdef' }),
    logLevel: 'silent',
    operator: operatorLogin,
    integrationToken: integrationToken,
    webDir: undefined,
    // Cheap hashing keeps the suite fast; production cost lives in config.ts.
    passwordHash: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    runJobs: false,
    renderThreads: 0,
    // Suites make more contracts a day than a customer may; the limit's own test sets it low.
    dailyContractLimit: 10_000,
    // Suites register dozens of users from one address; the limits have their own test.
    rateLimit: false,
    // Suites sign the operator in with a password only; the second factor has its own test.
    requireOperatorTotp: false,
    pgliteTemplate,
    ...overrides,
  };
}

export type Caller = { cookie: string; csrfToken: string; userId: string; accountId: string | null; email: string };

export type TestApp = {
  app: FastifyInstance;
  config: Config;
  request(
    caller: Caller | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  register(email?: string, password?: string): Promise<Caller>;
  login(email: string, password: string): Promise<Caller>;
  /** A customer whose enterprise identity is verified and whose Party A is complete. */
  verifiedCustomer(): Promise<Caller & { creditCode: string }>;
  operator(): Promise<Caller>;
  /** A framework agreement through a signing (the direct route answers confirmation_required). */
  signFramework(caller: Caller, terms: { termYears: number; copies: number }, options?: SigningOptions): Promise<LightMyRequestResponse>;
  /** The successor of a framework agreement through a signing (续签). */
  signRenewal(caller: Caller, frameworkId: string, terms: { termYears: number; copies: number }, options?: SigningOptions): Promise<LightMyRequestResponse>;
  /** An attachment through a signing. */
  signAttachment(caller: Caller, frameworkId: string, body: { kind: string; itemIds: unknown[] }, options?: SigningOptions): Promise<LightMyRequestResponse>;
  /** PUT an order or filing as the billing / ICP system would. */
  push(path: string, body: unknown, token?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
};

let counter = 0;

/** Builds the app on a fresh database for one test file; close it in afterAll. */
export async function createTestApp(
  overrides: Partial<Config> = {},
  options: { logQuery?: (query: string, params: unknown[]) => void } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, ...overrides });
  const app = await buildApp(config, {
    ...(options.logQuery
      ? { database: await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, template: config.pgliteTemplate, logQuery: options.logQuery }) }
      : {}),
  });

  const request: TestApp['request'] = (caller, method, url, body, headers = {}) =>
    app.inject({
      method,
      url,
      headers: {
        ...(caller ? { cookie: caller.cookie, 'x-csrf-token': caller.csrfToken } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  const callerFrom = (res: LightMyRequestResponse): Caller => {
    if (res.statusCode >= 300) throw new Error(`auth failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'qiyue_session');
    const body = res.json();
    return {
      cookie: `qiyue_session=${cookie!.value}`,
      csrfToken: body.csrfToken,
      userId: body.user.id,
      accountId: body.accountId,
      email: body.user.email,
    };
  };

  const uploadLicence = async (c: Caller) => {
    const res = await request(c, 'POST', '/api/v1/verification/documents', tinyPng(), { 'content-type': 'image/png' });
    if (res.statusCode !== 201) throw new Error(`upload failed: ${res.body}`);
    return res.json().document.id as string;
  };

  const t: TestApp = {
    app,
    config,
    request,
    async register(email = `user${++counter}-${Date.now()}@example.com`, password = 'correct-horse-battery') {
      return callerFrom(await request(null, 'POST', '/api/v1/auth/register', { email, password, acceptTerms: true }));
    },
    async login(email, password) {
      return callerFrom(await request(null, 'POST', '/api/v1/auth/login', { email, password }));
    },
    async verifiedCustomer() {
      const c = await t.register();
      const creditCode = uniqueCreditCode();
      const evidence = config.verifierMode === 'manual' ? { documents: [await uploadLicence(c)] } : {};
      const v = await request(c, 'POST', '/api/v1/verification', {
        subjectType: 'enterprise',
        name: '福州示例云计算有限公司',
        creditCode,
        legalRepresentative: '林晓明',
        consent,
        ...evidence,
      });
      if (v.statusCode !== 201) throw new Error(`verification failed: ${v.body}`);
      if (v.json().verification.status !== 'verified') {
        const op = await t.operator();
        await request(op, 'POST', `/api/v1/admin/verifications/${v.json().verification.id}/approve`);
      }
      const p = await request(c, 'PUT', '/api/v1/party-a', {
        address: '福建省福州市鼓楼区示例路 88 号',
        contactName: '陈静',
        contactPhone: '13800138000',
        contactEmail: 'finance@example.com',
      });
      if (p.statusCode !== 200) throw new Error(`party A failed: ${p.body}`);
      return { ...c, creditCode };
    },
    operator: () => t.login(operatorLogin.email, operatorLogin.password),
    signFramework: (caller, terms, options) =>
      driveSigning(app, request as never, caller, { kind: 'framework', termYears: terms.termYears, copies: terms.copies }, options),
    signRenewal: (caller, frameworkId, terms, options) =>
      driveSigning(app, request as never, caller, { kind: 'renewal', frameworkId, termYears: terms.termYears, copies: terms.copies }, options),
    signAttachment: (caller, frameworkId, body, options) =>
      driveSigning(app, request as never, caller, { kind: body.kind, frameworkId, itemIds: body.itemIds }, options),
    push: (path, body, token = integrationToken) =>
      app.inject({ method: 'PUT', url: `/api/v1/integration/accounts/${path}`, headers: { authorization: `Bearer ${token}` }, payload: body as object }),
    async close() {
      await app.close();
      await database.drop();
    },
  };
  return t;
}

/** A valid 1×1 PNG, different at each call (a text chunk), for evidence uploads. */
export function tinyPng(label = `${Date.now()}-${Math.random()}`): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  const idat = deflateSync(Buffer.from([0, 0]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${label}`, 'latin1')),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
