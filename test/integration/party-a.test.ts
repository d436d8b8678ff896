import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const contact = { address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '0591-87654321', contactEmail: 'Finance@Example.com' };

describe('Party A information', () => {
  it('requires verification first', async () => {
    const c = await t.register();
    const res = await t.request(c, 'GET', '/api/v1/party-a');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('verification_required');
    expect((await t.request(c, 'PUT', '/api/v1/party-a', contact)).json().code).toBe('verification_required');
  });

  it('takes the identity from the verification and stores the contact details', async () => {
    const c = await t.verifiedCustomer();
    const before = (await t.request(c, 'GET', '/api/v1/party-a')).json();
    expect(before).toMatchObject({ subjectType: 'enterprise', name: '福州示例云计算有限公司', idCode: c.creditCode, isComplete: true });
    const res = await t.request(c, 'PUT', '/api/v1/party-a', { ...contact, bankName: '中国银行', bankAccount: '6222 0000 1111' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ contactPhone: '0591-87654321', contactEmail: 'finance@example.com', bankAccount: '622200001111', isComplete: true });
    expect((await t.request(c, 'GET', '/api/v1/party-a')).json().bankName).toBe('中国银行');
  });

  it('accepts the identity repeated unchanged and refuses another one', async () => {
    const c = await t.verifiedCustomer();
    const same = await t.request(c, 'PUT', '/api/v1/party-a', { ...contact, name: '福州示例云计算有限公司', creditCode: c.creditCode.toLowerCase() });
    expect(same.statusCode).toBe(200);
    const other = await t.request(c, 'PUT', '/api/v1/party-a', { ...contact, name: '别的公司' });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'party_a_mismatch', errors: [{ path: 'name' }] });
    const otherCode = await t.request(c, 'PUT', '/api/v1/party-a', { ...contact, creditCode: '91110000100000000X' });
    expect(otherCode.json().code).toBe('party_a_mismatch');
    expect((await t.request(c, 'GET', '/api/v1/party-a')).json().name).toBe('福州示例云计算有限公司');
  });

  it('validates each contact field with a field error', async () => {
    const c = await t.verifiedCustomer();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...contact, contactPhone: '12345' }, 'contactPhone'],
      [{ ...contact, contactPhone: '12800138000' }, 'contactPhone'],
      [{ ...contact, contactEmail: 'not-an-email' }, 'contactEmail'],
      [{ ...contact, address: '长'.repeat(201) }, 'address'],
      [{ ...contact, contactName: '陈\u202e静' }, 'contactName'],
      [{ ...contact, address: undefined }, 'address'],
    ];
    for (const [body, path] of cases) {
      const res = await t.request(c, 'PUT', '/api/v1/party-a', body);
      expect(res.statusCode, path).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await t.request(c, 'GET', '/api/v1/party-a')).json().address).toBe('福建省福州市鼓楼区示例路 88 号');
  });
});
