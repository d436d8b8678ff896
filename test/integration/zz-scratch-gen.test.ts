import fs from 'node:fs';
import { it } from 'vitest';
import { createTestApp } from '../helpers/app.js';
it('gen', async () => {
  const t = await createTestApp();
  const { recordEventCertificate } = await import('../../src/server/pki/trust-services.js');
  await recordEventCertificate(t.app.ctx.db, t.app.ctx.pki, t.app.ctx.pki.tsa.cert);
  await recordEventCertificate(t.app.ctx.db, t.app.ctx.pki, t.app.ctx.pki.partyB.cert);
  const c = await t.verifiedCustomer();
  const res = await t.request(c, 'POST', '/api/v1/contracts/framework', { termYears: 1, copies: 2, accept: true });
  if (res.statusCode !== 201) throw new Error(res.body);
  const pdf = await t.request(c, 'GET', `/api/v1/contracts/${res.json().contract.id}/pdf`);
  fs.writeFileSync('/tmp/fa.pdf', pdf.rawPayload);
  fs.writeFileSync('/tmp/root.pem', t.app.ctx.pki.root.certPem);
  const { pkiMaterial } = await import('../../src/server/db/schema/index.js');
  const [row] = await t.app.ctx.db.select().from(pkiMaterial);
  fs.writeFileSync('/tmp/pki.json', JSON.stringify(row!.data));
  await t.close();
}, 60000);
