/**
 * Contract generation in a warm process, step by step: render the framework agreement; issue
 * Party A's event certificate, record it and gather the validation data (OCSP, CRLs) for the
 * DSS; then Party A's certification signature and Party B's signature, each with its
 * signature timestamp, the DSS and the document timestamp (PAdES B-LTA). Then the verifier on
 * the result. Run: npx tsx bench/contract-generation.ts
 */
import { preparePartyASigning, signContractDocument, transferableSigningKeys } from '../src/server/contracts/sign-contract-document.js';
import { buildApp } from '../src/server/app.js';
import { renderFrameworkAgreementDocument } from '../src/server/pdf/render-framework-agreement.js';
import { signingKeysFrom } from '../src/server/signing/signing-keys.js';
import { frameworkInput } from '../test/fixtures/contract-fixtures.js';
import { testConfig } from '../test/helpers/app.js';

const runs = Number(process.env.RUNS ?? 50);
const warmup = 10;

const app = await buildApp(testConfig({ dataDir: 'memory://', operator: undefined }));
const { ctx } = app;
const keys = signingKeysFrom(transferableSigningKeys(ctx.pki, ctx.trust));

type Sample = { render: number; prepare: number; sign: number; total: number; size: number };

// A new number and another Party A each time: no two contracts draw the same variable text.
const names = ['杭州星河数据科技有限公司', '福州闽江云计算有限公司', '厦门鹭岛网络信息有限公司', '宁波港城智能制造有限公司'];
let serial = 0;

async function once(): Promise<Sample & { bytes: Buffer }> {
  serial += 1;
  const base = frameworkInput();
  const input = frameworkInput({
    number: `FA2026${String(serial).padStart(6, '0')}`,
    partyA: { ...base.partyA, name: names[serial % names.length]!, address: `浙江省杭州市西湖区文三路 ${serial} 号` },
  });
  const t0 = performance.now();
  const { pdf, signatureRects } = await renderFrameworkAgreementDocument(input);
  const t1 = performance.now();
  const partyA = await preparePartyASigning(ctx, { subjectType: 'enterprise', name: input.partyA.name, creditCode: input.partyA.idCode, idNumber: null });
  const t2 = performance.now();
  const signed = await signContractDocument(keys, { unsigned: pdf, partyA, partyBName: input.partyB.name, widgets: signatureRects });
  const t3 = performance.now();
  return { render: t1 - t0, prepare: t2 - t1, sign: t3 - t2, total: t3 - t0, size: signed.bytes.length, bytes: signed.bytes };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

for (let i = 0; i < warmup; i++) await once();
const samples: Sample[] = [];
for (let i = 0; i < runs; i++) samples.push(await once());

const row = (name: string, xs: number[]) =>
  `${name.padEnd(44)} median ${quantile(xs, 0.5).toFixed(1).padStart(6)} ms   p95 ${quantile(xs, 0.95).toFixed(1).padStart(6)} ms`;
console.log(`contract generation in one thread, ${runs} runs after ${warmup} warm-up runs`);
console.log(row('render', samples.map((s) => s.render)));
console.log(row('event certificate + record + OCSP/CRL data', samples.map((s) => s.prepare)));
console.log(row('2 signatures + 3 timestamps + DSS', samples.map((s) => s.sign)));
console.log(row('all of it', samples.map((s) => s.total)));
console.log(`signed PDF size${' '.repeat(30)}${(samples[0]!.size / 1024).toFixed(0)} KB`);
await app.close();
