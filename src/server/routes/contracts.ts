import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { StampingStatus } from '../../shared/schemas/stamping.js';
import {
  applyFrameworkBody,
  auditResponse,
  contractEnvelope,
  contractList,
  contractListQuery,
  eligibilityResponse,
  frameworkTerms,
  patchContractBody,
  reasonBody,
  renewBody,
} from '../../shared/schemas/contract.js';
import { checkEligibility } from '../contracts/check-eligibility.js';
import { updateContract } from '../contracts/update-contract.js';
import { previewFramework } from '../contracts/apply-framework.js';
import { readAttachmentItems } from '../contracts/attachment-items.js';
import { contractAudit } from '../contracts/contract-audit.js';
import { endContract } from '../contracts/end-contract.js';
import { listContracts } from '../contracts/list-contracts.js';
import { loadContract } from '../contracts/load-contract.js';
import { presentContract } from '../contracts/present-contract.js';
import { successorOf } from '../contracts/renew-framework.js';
import { readDocument } from '../contracts/contract-document.js';
import { getEvidenceReport } from '../evidence/get-evidence-report.js';
import type { AppContext } from '../context.js';
import { accountOf, actorOf, can, sessionOf } from '../http/request-context.js';
import { stampingStatusByContract } from '../stamping/list-requests.js';
import { stampedScanOf } from '../stamping/stamped-scan.js';
import { customerVoidRule } from '../stamping/stamping-rule.js';

const idParams = z.object({ id: z.uuid() });
const stampingExtra = (status: StampingStatus | undefined) => (status ? { stampingStatus: status } : {});

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
export function pdfDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment') {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Party A signs only after a willingness confirmation (意愿认证): the direct creating routes refuse. */
export const confirmationFirst = 'Kept for compatibility: Party A signs after a confirmation, so this answers 409 confirmation_required; use POST /signings.';

/** How to sign instead, for the message of confirmation_required. */
export const startOne = (body: string) =>
  `Start a signing with POST /api/v1/signings ${body}, confirm the code sent to Party A with POST /api/v1/signings/{id}/confirm, then sign and POST /api/v1/signings/{id}/complete`;

export const contractRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/contracts/framework/preview',
    { config: { access: 'framework.apply' }, schema: { tags: ['contracts'], body: frameworkTerms } },
    async (request, reply) => {
      const pdf = await previewFramework(ctx, { accountId: accountOf(request), terms: request.body });
      return reply.type('application/pdf').header('content-disposition', pdfDisposition('框架协议-草稿.pdf', 'inline')).send(pdf);
    },
  );

  app.post(
    '/contracts/framework',
    {
      config: { access: 'framework.apply' },
      schema: { tags: ['contracts'], description: confirmationFirst, body: applyFrameworkBody, response: { 201: contractEnvelope } },
    },
    async (request) => {
      const kind = request.body.renews ? `"renewal","frameworkId":"${request.body.renews}"` : '"framework"';
      throw new AppError('confirmation_required', startOne(`{"kind":${kind},"termYears":…,"copies":…}`));
    },
  );

  app.get(
    '/contracts',
    {
      config: { access: 'contracts.view' },
      schema: {
        tags: ['contracts'],
        description:
          'Newest first, keyset-paginated. Items are the lean list shape (Party A by name, no snapshots, signatures or hash); GET /contracts/{id} answers the full contract.',
        querystring: contractListQuery,
        response: { 200: contractList },
      },
    },
    async (request) => listContracts(ctx.db, { viewer: sessionOf(request), query: request.query }),
  );

  app.get(
    '/contracts/eligibility',
    {
      config: { access: 'contracts.view' },
      schema: { tags: ['contracts'], description: 'What the account may apply for now, with every reason why not.', response: { 200: eligibilityResponse } },
    },
    async (request) => checkEligibility(ctx, accountOf(request)),
  );

  app.post(
    '/contracts/:id/renew',
    {
      config: { access: 'framework.apply' },
      schema: {
        tags: ['contracts'],
        description: `${confirmationFirst} A renewal is the successor of a framework agreement, from 60 days before it ends.`,
        params: idParams,
        body: renewBody,
        response: { 201: contractEnvelope },
      },
    },
    async (request) => {
      throw new AppError('confirmation_required', startOne(`{"kind":"renewal","frameworkId":"${request.params.id}","termYears":…,"copies":…}`));
    },
  );

  app.patch(
    '/contracts/:id',
    {
      // A remark is bookkeeping of whoever works on contracts; hiding an ended one from the list
      // is the decision of whoever may end them (作废合同), as the console shows it.
      config: { access: ['contracts.void', 'attachments.apply'] },
      schema: {
        tags: ['contracts'],
        description:
          'A remark (备注, ≤ 200 characters; needs `contracts.void` or `attachments.apply`) and whether a voided or terminated contract is hidden from the default list (`hidden`; needs `contracts.void`, else 403 permission_denied). Never changes the signed document; audited.',
        params: idParams,
        body: patchContractBody,
        response: { 200: contractEnvelope },
      },
    },
    async (request) => {
      if (request.body.hidden !== undefined && !can(request.session, 'contracts.void'))
        throw new AppError('permission_denied', 'Hiding or showing a contract needs the permission contracts.void');
      const row = await updateContract(ctx, { accountId: accountOf(request), contractId: request.params.id, body: request.body, actor: actorOf(request) });
      return { contract: presentContract(row) };
    },
  );

  app.get(
    '/contracts/:id',
    { config: { access: 'contracts.view' }, schema: { tags: ['contracts'], params: idParams, response: { 200: contractEnvelope } } },
    async (request) => {
      const row = await loadContract(ctx.db, request.params.id, sessionOf(request));
      const items = row.kind === 'framework' ? undefined : await readAttachmentItems(ctx.db, row.id);
      const stamping = await stampingStatusByContract(ctx.db, [row.id]);
      const stampedScan = await stampedScanOf(ctx.db, row.id);
      const renewedBy = row.kind === 'framework' ? await successorOf(ctx.db, row.id) : undefined;
      return {
        contract: presentContract(row, {
          ...(items ? { items } : {}),
          ...stampingExtra(stamping.get(row.id)),
          ...(stampedScan ? { stampedScan } : {}),
          ...(renewedBy ? { renewedBy } : {}),
        }),
      };
    },
  );

  app.get(
    '/contracts/:id/pdf',
    { config: { access: 'contracts.download' }, schema: { tags: ['contracts'], params: idParams } },
    async (request, reply) => {
      const row = await loadContract(ctx.db, request.params.id, sessionOf(request));
      const bytes = await readDocument(ctx.db, row.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', pdfDisposition(`${row.number}.pdf`))
        .header('cache-control', 'private, no-store')
        .send(bytes);
    },
  );

  app.get(
    '/contracts/:id/evidence.pdf',
    {
      config: { access: 'contracts.download' },
      schema: {
        tags: ['contracts'],
        params: idParams,
        description: 'The evidence report (出证报告) of the contract, signed by Party B: for its owner and operators.',
      },
    },
    async (request, reply) => {
      const report = await getEvidenceReport(ctx, { contractId: request.params.id, viewer: sessionOf(request) });
      return reply
        .type('application/pdf')
        .header('content-disposition', pdfDisposition(`${report.number}-出证报告.pdf`))
        .header('cache-control', 'private, no-store')
        .send(report.bytes);
    },
  );

  app.get(
    '/contracts/:id/audit',
    { config: { access: 'contracts.view' }, schema: { tags: ['contracts'], params: idParams, response: { 200: auditResponse } } },
    async (request) => contractAudit(ctx.db, { contractId: request.params.id, viewer: sessionOf(request) }),
  );

  app.post(
    '/contracts/:id/void',
    { config: { access: 'contracts.void' }, schema: { tags: ['contracts'], params: idParams, body: reasonBody, response: { 200: contractEnvelope } } },
    async (request) => {
      const row = await endContract(ctx, {
        contractId: request.params.id,
        to: 'voided',
        reason: request.body.reason,
        actor: actorOf(request),
        viewer: { role: 'customer', accountId: accountOf(request) },
        rule: customerVoidRule,
      });
      return { contract: presentContract(row) };
    },
  );

  app.post(
    '/admin/contracts/:id/terminate',
    { config: { access: 'contracts.admin' }, schema: { tags: ['admin'], params: idParams, body: reasonBody, response: { 200: contractEnvelope } } },
    async (request) => {
      const row = await endContract(ctx, {
        contractId: request.params.id,
        to: 'terminated',
        reason: request.body.reason,
        actor: actorOf(request),
        viewer: { role: 'operator', accountId: null },
      });
      return { contract: presentContract(row) };
    },
  );
};
