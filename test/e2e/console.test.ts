import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partyAProfiles, users, verifications } from '../../src/server/db/schema/index.js';
import {
  button,
  hasChromium,
  loginAsOperator,
  logout,
  password,
  polling,
  register,
  screenshots,
  type TestServer,
  setUpChromium,
  validCreditCode,
} from '../helpers/browser.js';
import { operatorLogin, startTestServer } from '../helpers/server.js';

// The console in Chromium against the real server and a fresh database: what a customer and
// the contract desk click through, then what the database holds afterwards.

const validIdNumber = '11010519491231002X';

const { newContext, newPage } = setUpChromium('console');
const shot = screenshots('');
const { poll, text, count } = polling(10_000);

let emailCounter = 0;
const newEmail = (prefix: string) => `${prefix}${++emailCounter}-${Date.now()}@example.com`;

async function verificationOf(server: TestServer, email: string) {
  const db = server.app.ctx.db;
  const [user] = await db.select().from(users).where(eq(users.email, email));
  expect(user?.accountId).toBeTruthy();
  return db.select().from(verifications).where(eq(verifications.accountId, user!.accountId!));
}

describe.skipIf(!hasChromium)('console, automatic verification', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('takes a new enterprise customer from registration to the contract list', async () => {
    const context = await newContext();
    const page = await newPage(context);
    const email = newEmail('enterprise');

    await page.goto(server.url);
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await shot(page, 'a01-login');

    await register(page, server.url, email);
    await text(page.getByTestId('verification-status').first()).toBe('未认证');
    await shot(page, 'a02-verification-form');

    // The check character is verified while typing, before anything is sent.
    await page.getByLabel('企业名称').fill('福州示例云计算有限公司');
    await page.getByLabel('统一社会信用代码').fill('91350100M000100Y44');
    await page.getByText('校验位不正确，请核对后重新输入').waitFor();
    await shot(page, 'a03-verification-check-char');
    await page.getByLabel('统一社会信用代码').fill(validCreditCode.toLowerCase());
    await count(page.getByText('校验位不正确，请核对后重新输入')).toBe(0);
    await page.getByLabel('法定代表人').fill('林晓明');
    await page.getByTestId('verification-consent').check();
    await button(page, '提交认证').click();

    await page.getByText('实名认证已通过').first().waitFor();
    await text(page.getByTestId('verification-details')).toContain(validCreditCode);
    await text(page.getByTestId('verification-status').first()).toBe('已认证');
    await shot(page, 'a04-verification-verified');

    // Party A: identity read-only from the verification, contact details to fill in.
    await page.getByRole('menuitem', { name: '甲方信息' }).click();
    await page.waitForURL('**/party-a');
    await text(page.getByTestId('party-a-identity')).toContain('福州示例云计算有限公司');
    await text(page.getByTestId('party-a-identity')).toContain(validCreditCode);
    await page.getByLabel('注册地址').fill('福建省福州市鼓楼区示例路88号');
    await page.getByLabel('联系人').fill('陈静');
    await page.getByLabel('联系电话').fill('12345');
    await page.getByLabel('联系邮箱').fill('finance@example.com');
    await page.getByText(/请输入手机号码/).waitFor();
    await shot(page, 'a05-party-a-invalid-phone');
    await page.getByLabel('联系电话').fill('0591-87654321');
    await page.getByLabel('开户银行').fill('中国工商银行福州分行');
    await page.getByLabel('银行账号').fill('6222 0000 1111 2222');
    await button(page, '保存').click();
    await page.getByText('甲方信息已保存').waitFor();
    await page.getByText('信息完整').waitFor();
    await shot(page, 'a06-party-a-saved');

    await page.getByRole('menuitem', { name: '合同管理' }).last().click();
    await page.waitForURL('**/contracts');
    await page.getByTestId('apply-contract').waitFor();
    await text(page.getByTestId('contract-table')).toContain('暂无合同');
    await count(page.getByTestId('verification-gate')).toBe(0);
    await shot(page, 'a07-contracts');

    const [verification] = await verificationOf(server, email);
    expect(verification).toMatchObject({ subjectType: 'enterprise', status: 'verified', creditCode: validCreditCode, legalRepresentative: '林晓明' });
    const [profile] = await server.app.ctx.db.select().from(partyAProfiles).where(eq(partyAProfiles.accountId, verification!.accountId));
    expect(profile).toMatchObject({ address: '福建省福州市鼓楼区示例路88号', contactName: '陈静', contactPhone: '0591-87654321', contactEmail: 'finance@example.com' });

    await logout(page, shot);
    await page.waitForURL('**/login');
    await page.goto(`${server.url}/party-a`);
    await page.waitForURL('**/login');
    await context.close();
  });

  it('shows an unverified customer the way to verification in Contract Management', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await register(page, server.url, newEmail('gated'));
    await page.getByRole('menuitem', { name: '合同管理' }).last().click();
    await text(page.getByTestId('verification-gate')).toContain('请先完成实名认证');
    await shot(page, 'a08-contracts-unverified');
    await page.getByRole('button', { name: '去实名认证' }).click();
    await page.waitForURL('**/verification');
    await context.close();
  });

  // Skipped for now: since registration asks for the terms, this scenario times out waiting for
  // /verification after "Create account" in English (it passes alone at times); see the closing note.
  it('switches the console to English and keeps the choice', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await page.goto(`${server.url}/login`);
    // The switch names the other language and changes to it in one click.
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect.poll(() => page.locator('html').getAttribute('lang'), poll).toBe('en');
    await shot(page, 'c01-login-en');

    // Error messages follow the language too: they are chosen by the problem's code.
    await page.getByLabel('E-mail').fill('nobody@example.com');
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await text(page.getByTestId('form-error')).toBe('E-mail or password is wrong');

    await page.getByRole('link', { name: 'Create one' }).click();
    // The register page loads as its own chunk: until it shows, 'E-mail' is still the login form's.
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await page.getByLabel('E-mail').fill(newEmail('english'));
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Confirm password').fill(password);
    await page.getByTestId('accept-terms').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/verification').catch(async (error: unknown) => {
      await shot(page, 'zz-english-register-failed');
      throw error;
    });
    await page.getByRole('heading', { name: 'Real-name Verification' }).waitFor();
    await page.getByRole('menuitem', { name: 'Party A' }).waitFor();
    await shot(page, 'c02-verification-en');

    await page.reload();
    await page.getByRole('heading', { name: 'Real-name Verification' }).waitFor();
    await page.getByRole('menuitem', { name: 'Contract List' }).click();
    await page.getByText('Please complete real-name verification first').waitFor();
    await shot(page, 'c03-contracts-en');
    await context.close();
  });
});

describe.skipIf(!hasChromium)('console, manual verification by the contract desk', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'manual' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lets an operator reject, then approve, a personal verification', async () => {
    const customerContext = await newContext();
    const operatorContext = await newContext();
    const customer = await newPage(customerContext);
    const operator = await newPage(operatorContext);
    const email = newEmail('personal');

    await register(customer, server.url, email);
    await customer.locator('label').filter({ hasText: /^个人$/ }).click();
    await customer.getByLabel('姓名').fill('王小明');
    await customer.getByLabel('身份证号码').fill('110105194912310021');
    await customer.getByText('校验位不正确，请核对后重新输入').waitFor();
    await customer.getByLabel('身份证号码').fill('110105209912310023');
    await customer.getByText('身份证号码中的出生日期无效').waitFor();
    await customer.getByLabel('身份证号码').fill(validIdNumber.toLowerCase());
    // The message folds away, and the controls below it move up while it does.
    await count(customer.locator('.ant-form-item-explain-error')).toBe(0);
    await customer.getByTestId('verification-consent').check();
    await button(customer, '提交认证').click();
    await customer.getByText('认证资料已提交，正在等待平台审核').waitFor();
    await shot(customer, 'b01-customer-pending');
    await customer.getByRole('menuitem', { name: '合同管理' }).last().click();
    await text(customer.getByTestId('verification-gate')).toContain('实名认证审核中');

    // The desk sees the request with the ID number masked, and rejects it with a reason.
    await loginAsOperator(operator, server.url);
    const row = operator.getByRole('row').filter({ hasText: email });
    await text(row).toContain('1101**********002X');
    await text(row).not.toContain(validIdNumber);
    await shot(operator, 'b02-operator-queue');
    await row.getByTestId('reject').click();
    // The modal by its title, its button by the footer: while antd's opening motion runs the
    // dialog is not yet in the accessibility tree, and a page-wide role query found the row's 驳回.
    const dialog = operator.locator('.ant-modal').filter({ hasText: '驳回实名认证' });
    const confirmReject = dialog.locator('.ant-modal-footer .ant-btn-primary');
    await confirmReject.click();
    await dialog.getByText('此项为必填项').waitFor();
    await dialog.locator('textarea').fill('姓名与身份证不一致');
    await shot(operator, 'b03-operator-reject');
    await confirmReject.click();
    await operator.getByText('已驳回「王小明」的实名认证').waitFor();
    await count(operator.getByRole('row').filter({ hasText: email })).toBe(0);

    await customer.goto(`${server.url}/verification`);
    await text(customer.getByTestId('reject-reason')).toBe('驳回原因：姓名与身份证不一致');
    await expect.poll(() => customer.getByLabel('身份证号码').inputValue(), poll).toBe(validIdNumber);
    await customer.getByLabel('姓名').fill('王晓明');
    await customer.getByTestId('verification-consent').check();
    await button(customer, '提交认证').click();
    await customer.getByText('认证资料已提交，正在等待平台审核').waitFor();

    await button(operator, '刷新').click();
    const again = operator.getByRole('row').filter({ hasText: email });
    await again.getByTestId('approve').click();
    await operator.locator('.ant-popconfirm-buttons .ant-btn-primary').click();
    await operator.getByText('已通过「王晓明」的实名认证').waitFor();
    await shot(operator, 'b04-operator-approved');

    // The owner sees the full ID number on their own verification page.
    await customer.reload();
    await customer.getByText('实名认证已通过').first().waitFor();
    await text(customer.getByTestId('verification-details')).toContain(validIdNumber);
    await text(customer.getByTestId('verification-status').first()).toBe('已认证');
    await shot(customer, 'b05-customer-verified');

    const rows = await verificationOf(server, email);
    expect(rows.map((r) => r.status).sort()).toEqual(['rejected', 'verified']);
    expect(rows.find((r) => r.status === 'rejected')?.rejectReason).toBe('姓名与身份证不一致');
    const [operatorUser] = await server.app.ctx.db.select().from(users).where(eq(users.email, operatorLogin.email));
    expect(rows.find((r) => r.status === 'verified')).toMatchObject({ name: '王晓明', idNumber: validIdNumber, decidedBy: operatorUser!.id });

    await customerContext.close();
    await operatorContext.close();
  });
});
