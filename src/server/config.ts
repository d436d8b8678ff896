import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/**
 * PDF workers beside the request thread, which serves HTTP and runs PGlite: one core each.
 * On two cores a second worker only makes three threads take turns (measured: fewer
 * contracts per second, not more).
 */
export const defaultRenderThreads = Math.max(1, availableParallelism() - 1);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PUBLIC_URL: z.url().optional(),
  QIYUE_VERIFIER: z.enum(['auto', 'manual']).default('auto'),
  QIYUE_DEMO: bool.default(true),
  QIYUE_OPERATOR_EMAIL: z.email().optional(),
  QIYUE_OPERATOR_PASSWORD: z.string().min(10).max(128).optional(),
  QIYUE_INTEGRATION_TOKEN: z.string().min(16).optional(),
  QIYUE_KEY: z.string().min(16).optional(),
  // How many reverse proxies in front append to X-Forwarded-For: the client address is the
  // entry that many hops from the right; the rest is whatever the client sent. 'true' is 1.
  QIYUE_TRUST_PROXY: z
    .union([bool, z.coerce.number().int().min(0).max(10)])
    .transform((v) => (v === true ? 1 : v === false ? 0 : v))
    .default(0),
  QIYUE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  QIYUE_DAILY_CONTRACT_LIMIT: z.coerce.number().int().min(1).max(100_000).default(80),
  QIYUE_RATE_LIMIT: bool.default(true),
  QIYUE_OPERATOR_TOTP: bool.default(true),
  QIYUE_IDEMPOTENCY_LEASE_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  QIYUE_CONTRACT_JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  SMTP_URL: z.url().optional(),
  SMTP_FROM: z.string().default('Qiyue <no-reply@qiyue.example>'),
  QIYUE_CONFIG_FILE: z.string().optional(),
  QIYUE_TSA_URL: z.url({ protocol: /^https?$/ }).optional(),
  QIYUE_TSA_USERNAME: z.string().min(1).optional(),
  QIYUE_TSA_PASSWORD: z.string().optional(),
  QIYUE_TSA_CA_FILE: z.string().optional(),
  QIYUE_TSA_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  QIYUE_PARTY_B_P12: z.string().min(1).optional(),
  QIYUE_PARTY_B_P12_PASSWORD: z.string().optional(),
  QIYUE_RENDER_THREADS: z.coerce.number().int().min(0).max(16).default(defaultRenderThreads),
  // One verifier thread: hostile uploads then cost at most one core of this small machine.
  QIYUE_VERIFY_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… to run on a PostgreSQL server; otherwise embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** An in-memory PGlite (dataDir 'memory://') starts from this dump of a migrated database (the test suite's). */
  pgliteTemplate?: Blob;
  /** Base URL printed on QR codes and in e-mails. */
  publicUrl: string;
  verifierMode: 'auto' | 'manual';
  demo: boolean;
  operator?: { email: string; password: string };
  integrationToken?: string;
  /** Encrypts private keys at rest. */
  key: string;
  /** Trusted proxy hops in front of the server (0: the socket's address is the client's). */
  trustProxy: number;
  /** A session unused this long ends, whatever its absolute expiry. */
  sessionIdleMinutes: number;
  /** Contracts one account may generate per day (China Standard Time). */
  dailyContractLimit: number;
  /** Per-IP request limits (rate-limits.ts); tests that are not about them turn them off. */
  rateLimit: boolean;
  /** Operators act only once they have a second factor (issue 11); tests not about it turn it off. */
  requireOperatorTotp: boolean;
  /** How long a claimed Idempotency-Key stays claimed after its request stopped renewing it. */
  idempotencyLeaseMs: number;
  /** How long a contract job stays claimed after its instance stopped renewing it (e.g. died). */
  contractJobLeaseSeconds: number;
  /**
   * The instance that accepts a contract job starts it at once; off (tests), it waits for a
   * worker (the periodic claim, or a test calling it).
   */
  startContractJobs: boolean;
  smtpUrl?: string;
  smtpFrom: string;
  logLevel: string;
  /** argon2id cost; lowered only by tests. */
  passwordHash: { memoryCost: number; timeCost: number; parallelism: number };
  /** Directory of the built console; absent in API-only tests. */
  webDir?: string;
  partyB: PartyB;
  stampingDestination: StampingDestination;
  /** Periodic tasks (outbox delivery, expiry, auto-completion); tests run them by hand. */
  runJobs: boolean;
  /** Worker threads rendering contract PDFs; 0 renders in the request's thread. */
  renderThreads: number;
  /** Worker threads verifying uploaded PDFs; 0 verifies in process, without a time budget. */
  verifyThreads: number;
  /** An external RFC 3161 TSA instead of the embedded one; its chain is trusted by the verifier. */
  tsa?: ExternalTsa;
  /** Party B's certificate and key from a licensed CA's PKCS#12 file instead of the platform CA. */
  partyBP12?: { path: string; password: string };
};

export type ExternalTsa = {
  url: string;
  username?: string;
  password?: string;
  /** PEM certificates of the TSA's chain (QIYUE_TSA_CA_FILE), trusted for its tokens. */
  caPems: string[];
  timeoutMs: number;
};

const pemBlock = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

export type PartyB = {
  name: string;
  creditCode: string;
  legalRepresentative: string;
  address: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  bankName: string;
  bankAccount: string;
};

export type StampingDestination = { recipient: string; phone: string; address: string; postalCode: string };

const partyBSchema = z.object({
  name: z.string().min(1),
  creditCode: z.string().length(18),
  legalRepresentative: z.string().min(1),
  address: z.string().min(1),
  contactName: z.string().min(1),
  contactPhone: z.string().min(5),
  contactEmail: z.email(),
  bankName: z.string().min(1),
  bankAccount: z.string().min(1),
});
const destinationSchema = z.object({
  recipient: z.string().min(1),
  phone: z.string().min(5),
  address: z.string().min(1),
  postalCode: z.string().regex(/^\d{6}$/),
});
const fileSchema = z.object({ partyB: partyBSchema.optional(), stampingDestination: destinationSchema.optional() });

// Demo defaults: a fictitious provider. A deployment sets its own in QIYUE_CONFIG_FILE.
const demoPartyB: PartyB = {
  name: '示例云计算科技有限公司',
  creditCode: '91110108MA0000000A',
  legalRepresentative: '王立',
  address: '北京市海淀区中关村示例大街 1 号',
  contactName: '合同服务台',
  contactPhone: '010-60000000',
  contactEmail: 'contracts@cloud.example',
  bankName: '招商银行北京中关村支行',
  bankAccount: '110900000010001',
};
const demoDestination: StampingDestination = {
  recipient: '示例云 合同服务台（线下盖章）',
  phone: '010-60000000',
  address: '北京市海淀区中关村示例大街 1 号 示例云大厦 B 座 5 层',
  postalCode: '100080',
};

// Only for the embedded demo: a real deployment must bring its own QIYUE_KEY.
const demoKey = 'qiyue-demo-key-not-for-production';

export class ConfigError extends Error {}

/** Parses the environment once, listing every bad key at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (!e.QIYUE_KEY && !e.QIYUE_DEMO) problems.push('  QIYUE_KEY: required when QIYUE_DEMO=0 (it encrypts the private keys)');
  if (Boolean(e.QIYUE_OPERATOR_EMAIL) !== Boolean(e.QIYUE_OPERATOR_PASSWORD))
    problems.push('  QIYUE_OPERATOR_EMAIL and QIYUE_OPERATOR_PASSWORD: set both or neither');
  let file: z.infer<typeof fileSchema> = {};
  if (e.QIYUE_CONFIG_FILE) {
    try {
      const parsedFile = fileSchema.safeParse(JSON.parse(fs.readFileSync(e.QIYUE_CONFIG_FILE, 'utf8')));
      if (parsedFile.success) file = parsedFile.data;
      else problems.push(...parsedFile.error.issues.map((i) => `  QIYUE_CONFIG_FILE ${i.path.join('.')}: ${i.message}`));
    } catch (error) {
      problems.push(`  QIYUE_CONFIG_FILE: cannot read ${e.QIYUE_CONFIG_FILE} (${(error as Error).message})`);
    }
  }
  let tsa: ExternalTsa | undefined;
  if (e.QIYUE_TSA_URL) {
    let caPems: string[] = [];
    if (!e.QIYUE_TSA_CA_FILE) problems.push('  QIYUE_TSA_CA_FILE: required with QIYUE_TSA_URL (the TSA chain the verifier trusts)');
    else {
      try {
        caPems = (fs.readFileSync(e.QIYUE_TSA_CA_FILE, 'utf8').match(pemBlock) ?? []).map((p) => `${p}\n`);
        if (!caPems.length) problems.push(`  QIYUE_TSA_CA_FILE: no PEM certificate in ${e.QIYUE_TSA_CA_FILE}`);
      } catch (error) {
        problems.push(`  QIYUE_TSA_CA_FILE: cannot read ${e.QIYUE_TSA_CA_FILE} (${(error as Error).message})`);
      }
    }
    tsa = { url: e.QIYUE_TSA_URL, username: e.QIYUE_TSA_USERNAME, password: e.QIYUE_TSA_PASSWORD, caPems, timeoutMs: e.QIYUE_TSA_TIMEOUT_MS };
  } else if (e.QIYUE_TSA_USERNAME || e.QIYUE_TSA_PASSWORD || e.QIYUE_TSA_CA_FILE) {
    problems.push('  QIYUE_TSA_USERNAME, QIYUE_TSA_PASSWORD, QIYUE_TSA_CA_FILE: only with QIYUE_TSA_URL');
  }
  if (e.QIYUE_PARTY_B_P12 && !fs.existsSync(e.QIYUE_PARTY_B_P12)) problems.push(`  QIYUE_PARTY_B_P12: no file ${e.QIYUE_PARTY_B_P12}`);
  if (e.QIYUE_PARTY_B_P12_PASSWORD !== undefined && !e.QIYUE_PARTY_B_P12) problems.push('  QIYUE_PARTY_B_P12_PASSWORD: only with QIYUE_PARTY_B_P12');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);

  const operator =
    e.QIYUE_OPERATOR_EMAIL && e.QIYUE_OPERATOR_PASSWORD
      ? { email: e.QIYUE_OPERATOR_EMAIL.toLowerCase(), password: e.QIYUE_OPERATOR_PASSWORD }
      : e.QIYUE_DEMO
        ? { email: 'operator@qiyue.demo', password: 'operator-demo-2026' }
        : undefined;

  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    verifierMode: e.QIYUE_VERIFIER,
    demo: e.QIYUE_DEMO,
    operator,
    integrationToken: e.QIYUE_INTEGRATION_TOKEN ?? (e.QIYUE_DEMO ? 'qiyue-demo-integration-token' : undefined),
    key: e.QIYUE_KEY ?? demoKey,
    trustProxy: e.QIYUE_TRUST_PROXY,
    sessionIdleMinutes: e.QIYUE_SESSION_IDLE_MINUTES,
    dailyContractLimit: e.QIYUE_DAILY_CONTRACT_LIMIT,
    rateLimit: e.QIYUE_RATE_LIMIT,
    requireOperatorTotp: e.QIYUE_OPERATOR_TOTP,
    idempotencyLeaseMs: e.QIYUE_IDEMPOTENCY_LEASE_SECONDS * 1000,
    contractJobLeaseSeconds: e.QIYUE_CONTRACT_JOB_LEASE_SECONDS,
    startContractJobs: true,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    logLevel: e.LOG_LEVEL,
    passwordHash: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    webDir: path.resolve('dist/web'),
    partyB: file.partyB ?? demoPartyB,
    stampingDestination: file.stampingDestination ?? demoDestination,
    runJobs: true,
    renderThreads: e.QIYUE_RENDER_THREADS,
    verifyThreads: e.QIYUE_VERIFY_THREADS,
    tsa,
    partyBP12: e.QIYUE_PARTY_B_P12 ? { path: e.QIYUE_PARTY_B_P12, password: e.QIYUE_PARTY_B_P12_PASSWORD ?? '' } : undefined,
  };
}
