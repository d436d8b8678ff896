import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StampingStatus } from '../../shared/schemas/stamping.js';
import {
  applyFrameworkBody,
  auditResponse,
  contractEnvelope,
  contractList,
  contractListQuery,
  frameworkTerms,
  reasonBody,
} from '../../shared/schemas/contract.js';
import { AppError } from '../../shared/errors.js';
import { previewFramework } from '../contracts/apply-framework.js';
import { readAttachmentItems } from '../contracts/attachment-items.js';
import { contractAudit } from '../contracts/contract-audit.js';
import { endContract } from '../contracts/end-contract.js';
import { listContracts } from '../contracts/list-contracts.js';
import { loadContract } from '../contracts/load-contract.js';
import { presentContract } from '../contracts/present-contract.js';
import { readDocument } from '../contracts/contract-document.js';
import type { AppContext } from '../context.js';
import { accountOf, actorOf, sessionOf } from '../http/request-context.js';
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

export const contractRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/contracts/framework/preview',
    { config: { access: 'customer' }, schema: { tags: ['contracts'], body: frameworkTerms } },
    async (request, reply) => {
      const pdf = await previewFramework(ctx, { accountId: accountOf(request), terms: request.body });
      return reply.type('application/pdf').header('content-disposition', pdfDisposition('框架协议-草稿.pdf', 'inline')).send(pdf);
    },
  );

  app.post(
    '/contracts/framework',
    {
      config: { access: 'customer' },
      schema: {
        tags: ['contracts'],
        description: 'Kept for compatibility: Party A signs after a confirmation, so this answers 409 confirmation_required; use POST /signings.',
        body: applyFrameworkBody,
        response: { 201: contractEnvelope },
      },
    },
    async () => {
      throw new AppError(
        'confirmation_required',
        'Start a signing with POST /api/v1/signings {"kind":"framework","termYears":…,"copies":…}, confirm the code sent to Party A with POST /api/v1/signings/{id}/confirm, then POST /api/v1/signings/{id}/complete',
      );
    },
  );

  app.get(
    '/contracts',
    {
      config: { access: 'user' },
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
    '/contracts/:id',
    { config: { access: 'user' }, schema: { tags: ['contracts'], params: idParams, response: { 200: contractEnvelope } } },
    async (request) => {
      const row = await loadContract(ctx.db, request.params.id, sessionOf(request));
      const items = row.kind === 'framework' ? undefined : await readAttachmentItems(ctx.db, row.id);
      const stamping = await stampingStatusByContract(ctx.db, [row.id]);
      const stampedScan = await stampedScanOf(ctx.db, row.id);
      return {
        contract: presentContract(row, { ...(items ? { items } : {}), ...stampingExtra(stamping.get(row.id)), ...(stampedScan ? { stampedScan } : {}) }),
      };
    },
  );

  app.get(
    '/contracts/:id/pdf',
    { config: { access: 'user' }, schema: { tags: ['contracts'], params: idParams } },
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
    '/contracts/:id/audit',
    { config: { access: 'user' }, schema: { tags: ['contracts'], params: idParams, response: { 200: auditResponse } } },
    async (request) => contractAudit(ctx.db, { contractId: request.params.id, viewer: sessionOf(request) }),
  );

  app.post(
    '/contracts/:id/void',
    { config: { access: 'customer' }, schema: { tags: ['contracts'], params: idParams, body: reasonBody, response: { 200: contractEnvelope } } },
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
    { config: { access: 'operator' }, schema: { tags: ['admin'], params: idParams, body: reasonBody, response: { 200: contractEnvelope } } },
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
