/**
 * Contract generation in a warm process: render the framework agreement, issue Party A's
 * event certificate, apply both signatures. Run: npx tsx bench/contract-generation.ts
 */
import { renderFrameworkAgreementDocument } from '../src/server/pdf/render-framework-agreement.js';
import { signContractPdf } from '../src/server/pdf/sign.js';
import { verifyPdf } from '../src/server/validation/verify-pdf.js';
import { createPlatformPki, issueEventCertificate, loadPlatformPki } from '../src/server/pki/platform-pki.js';
import { frameworkInput } from '../test/fixtures/contract-fixtures.js';

const runs = Number(process.env.RUNS ?? 50);
const warmup = 10;

const pki = loadPlatformPki(
  createPlatformPki({
    keyPassphrase: 'bench',
    partyB: { name: '示例云计算有限公司', creditCode: '91110108MA01C2XK3P' },
  }),
  'bench',
);

type Sample = { render: number; cert: number; sign: number; total: number; size: number };

// A new number and another Party A each time: no two contracts draw the same variable text.
const names = ['杭州星河数据科技有限公司', '福州闽江云计算有限公司', '厦门鹭岛网络信息有限公司', '宁波港城智能制造有限公司'];
let serial = 0;

async function once(): Promise<Sample> {
  serial += 1;
  const base = frameworkInput();
  const input = frameworkInput({
    number: `FA2026${String(serial).padStart(6, '0')}`,
    partyA: { ...base.partyA, name: names[serial % names.length]!, address: `浙江省杭州市西湖区文三路 ${serial} 号` },
  });
  const t0 = performance.now();
  const { pdf, signatureRects } = await renderFrameworkAgreementDocument(input);
  const t1 = performance.now();
  const event = issueEventCertificate(pki, {
    subjectType: 'enterprise',
    name: input.partyA.name,
    creditCode: input.partyA.idCode,
  });
  const t2 = performance.now();
  const signed = await signContractPdf(pdf, { partyA: event, pki, widgets: signatureRects });
  const t3 = performance.now();
  return { render: t1 - t0, cert: t2 - t1, sign: t3 - t2, total: t3 - t0, size: signed.length };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

for (let i = 0; i < warmup; i++) await once();
const samples: Sample[] = [];
for (let i = 0; i < runs; i++) samples.push(await once());

const row = (name: string, xs: number[]) =>
  `${name.padEnd(24)} median ${quantile(xs, 0.5).toFixed(1).padStart(6)} ms   p95 ${quantile(xs, 0.95).toFixed(1).padStart(6)} ms`;
console.log(`contract generation, ${runs} runs after ${warmup} warm-up runs`);
console.log(row('render', samples.map((s) => s.render)));
console.log(row('event certificate', samples.map((s) => s.cert)));
console.log(row('two signatures', samples.map((s) => s.sign)));
console.log(row('render + cert + sign', samples.map((s) => s.total)));
console.log(`signed PDF size          ${(samples[0]!.size / 1024).toFixed(0)} KB`);

const last = await once();
void last;
const { pdf } = await renderFrameworkAgreementDocument(frameworkInput());
const event = issueEventCertificate(pki, { subjectType: 'enterprise', name: 'x', creditCode: '91330106MA2B3C4D5E' });
const signed = await signContractPdf(pdf, { partyA: event, pki });
const vt: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  verifyPdf(signed, { trustedRoots: [pki.root.certPem] });
  vt.push(performance.now() - t);
}
console.log(row('verify', vt));
