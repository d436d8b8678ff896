// `npm run audit:web`: Lighthouse (pinned in package.json) on the login page, the contract list
// and a contract's page, with the mobile and the desktop profile, against the built console on a
// fresh database. Prints performance, accessibility and best-practices scores; the figures
// belong to a quiet machine, so nothing here asserts them.
import { consent } from '../test/helpers/app.js';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { buildApp } from '../src/server/app.js';
import { testConfig } from '../test/helpers/app.js';
import { driveSigning, requesterFor } from '../test/helpers/signing.js';
import { createTestDatabase } from '../test/helpers/database.js';

const port = Number(process.env.AUDIT_PORT ?? 3510);
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const categories = ['performance', 'accessibility', 'best-practices'] as const;
// AUDIT_JSON_DIR=dir keeps each full report, for the diagnostics behind a score (LCP element, long tasks).
const jsonDir = process.env.AUDIT_JSON_DIR;
// AUDIT_PROFILES=mobile, AUDIT_PAGES=list,contract: a part of the audit, when working on one page.
const profiles = (process.env.AUDIT_PROFILES?.split(',') ?? ['mobile', 'desktop']) as ('mobile' | 'desktop')[];
const pageFilter = process.env.AUDIT_PAGES?.split(',');

if (!existsSync('dist/web/index.html') || process.env.AUDIT_BUILD !== '0') execSync('npx vite build --logLevel warn', { stdio: 'inherit' });

const database = await createTestDatabase();
const app = await buildApp(
  testConfig({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, webDir: path.resolve('dist/web'), verifierMode: 'auto' }),
);
await app.listen({ port, host: '127.0.0.1' });
const base = `http://127.0.0.1:${port}`;
app.ctx.config.publicUrl = base;

/** A verified customer with Party A complete and a framework agreement: the pages have content. */
async function seedCustomer(): Promise<{ cookie: string; contractId: string }> {
  const email = `audit-${Date.now()}@example.com`;
  const registered = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email, password: 'correct-horse-battery', acceptTerms: true } });
  const session = registered.cookies.find((c) => c.name === 'qiyue_session');
  if (!session) throw new Error(`registration failed: ${registered.statusCode} ${registered.body}`);
  const cookie = `qiyue_session=${session.value}`;
  const headers = { cookie, 'x-csrf-token': registered.json().csrfToken as string };
  const steps: [string, string, object][] = [
    ['POST', '/api/v1/verification', { subjectType: 'enterprise', name: '福州示例云计算有限公司', creditCode: '91350100M000100Y43', legalRepresentative: '林晓明', consent }],
    ['PUT', '/api/v1/party-a', { address: '福建省福州市鼓楼区示例路88号', contactName: '陈静', contactPhone: '0591-87654321', contactEmail: 'finance@example.com' }],
  ];
  for (const [method, url, payload] of steps) {
    const res = await app.inject({ method: method as 'POST' | 'PUT', url, headers, payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  }
  // The framework agreement through a signing, as the console makes it (code, then Party A's key).
  const caller = { cookie, csrfToken: headers['x-csrf-token'], accountId: registered.json().accountId as string };
  const signed = await driveSigning(app, requesterFor(app), caller, { kind: 'framework', termYears: 1, copies: 2 });
  if (signed.statusCode !== 201) throw new Error(`signing: ${signed.statusCode} ${signed.body}`);
  return { cookie, contractId: signed.json().contract.id as string };
}

const { cookie, contractId } = await seedCustomer();
const pages = [
  { name: 'login', key: 'login', url: `${base}/login`, cookie: undefined },
  { name: 'contract list', key: 'list', url: `${base}/contracts`, cookie },
  { name: 'contract page', key: 'contract', url: `${base}/contracts/${contractId}`, cookie },
].filter((page) => !pageFilter || pageFilter.includes(page.key));

const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const rows: string[] = [];
try {
  for (const profile of profiles) {
    for (const page of pages) {
      const audit = () =>
        lighthouse(
          page.url,
          {
            port: chrome.port,
            output: 'json',
            logLevel: 'error',
            onlyCategories: [...categories],
            extraHeaders: page.cookie ? { Cookie: page.cookie } : undefined,
          },
          profile === 'desktop' ? desktopConfig : undefined,
        );
      let lhr = (await audit())?.lhr;
      // A trace Lighthouse could not read (NO_NAVSTART, on a busy machine) says nothing of the page: once more.
      if (lhr?.runtimeError) lhr = (await audit())?.lhr;
      if (!lhr) throw new Error(`no Lighthouse result for ${page.url}`);
      if (jsonDir) {
        mkdirSync(jsonDir, { recursive: true });
        writeFileSync(path.join(jsonDir, `${profile}-${page.name.replaceAll(' ', '-')}.json`), JSON.stringify(lhr));
      }
      const scores = categories.map((c) => Math.round((lhr.categories[c]?.score ?? 0) * 100));
      const timings = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time'].map((id) => (lhr.audits[id]?.displayValue ?? '').padStart(9));
      rows.push(`${profile.padEnd(8)} ${page.name.padEnd(14)} ${scores.map((s) => String(s).padStart(5)).join(' ')} ${timings.join(' ')}`);
      console.log(rows.at(-1));
      // What cost points outside performance, so that a score below 100 says why.
      for (const category of ['accessibility', 'best-practices'] as const) {
        for (const ref of lhr.categories[category]?.auditRefs ?? []) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) console.log(`           ${category}: ${audit.id} — ${audit.title}`);
        }
      }
    }
  }
} finally {
  chrome.kill();
  await app.close();
  await database.drop();
}

console.log(`\nprofile  page           ${categories.map((c) => c.slice(0, 5).padStart(5)).join(' ')}       FCP       LCP       TBT`);
for (const row of rows) console.log(row);
