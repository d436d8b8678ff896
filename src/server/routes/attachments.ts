import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createAttachmentBody, icpFilingList, icpFilingListQuery, orderList, orderListQuery } from '../../shared/schemas/attachment.js';
import { type Contract, contractEnvelope } from '../../shared/schemas/contract.js';
import { backgroundAttachmentItems } from '../../shared/schemas/attachment.js';
import { type ContractJob, contractJobEnvelope } from '../../shared/schemas/contract-job.js';
import { getContractJob, isContractJob } from '../contract-jobs/get-contract-job.js';
import { presentContractJob } from '../contract-jobs/present-contract-job.js';
import { requestAttachment } from '../contract-jobs/request-attachment.js';
import { previewAttachment } from '../contracts/create-attachment.js';
import { loadContract } from '../contracts/load-contract.js';
import { presentContract } from '../contracts/present-contract.js';
import type { AppContext } from '../context.js';
import { idempotent } from '../http/idempotency.js';
import { accountOf, actorOf, sessionOf } from '../http/request-context.js';
import { listIcpFilings, listOrders } from '../upstream/list-items.js';
import { pdfDisposition } from './contracts.js';

const frameworkParams = z.object({ frameworkId: z.uuid() });

export const attachmentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/icp-filings',
    {
      config: { access: 'attachments.apply' },
      schema: { tags: ['attachments'], description: 'By filing number, keyset-paginated.', querystring: icpFilingListQuery, response: { 200: icpFilingList } },
    },
    async (request) => listIcpFilings(ctx.db, { accountId: accountOf(request), ...request.query }),
  );

  app.get(
    '/orders',
    { config: { access: 'attachments.apply' }, schema: { tags: ['attachments'], querystring: orderListQuery, response: { 200: orderList } } },
    async (request) => listOrders(ctx.db, { accountId: accountOf(request), ...request.query }),
  );

  app.post(
    '/contracts/:frameworkId/attachments/preview',
    {
      config: { access: 'attachments.apply' },
      schema: { tags: ['attachments'], params: frameworkParams, body: createAttachmentBody.omit({ accept: true }) },
    },
    async (request, reply) => {
      const pdf = await previewAttachment(ctx, { accountId: accountOf(request), frameworkId: request.params.frameworkId, body: request.body });
      return reply.type('application/pdf').header('content-disposition', pdfDisposition('附件-草稿.pdf', 'inline')).send(pdf);
    },
  );

  app.post(
    '/contracts/:frameworkId/attachments',
    {
      config: { access: 'attachments.apply' },
      schema: {
        tags: ['attachments'],
        description: `Up to ${backgroundAttachmentItems} items: generated at once, 201. More: generated in the background, 202 with the job to poll (Location: its URL).`,
        params: frameworkParams,
        body: createAttachmentBody,
        response: { 201: contractEnvelope, 202: contractJobEnvelope },
      },
    },
    async (request, reply) => {
      type Answer = { status: number; body: { job: ContractJob } | { contract: Contract } };
      const accepted = async (id: string): Promise<Answer> => {
        const { job, contract } = await getContractJob(ctx.db, id, sessionOf(request));
        reply.header('location', `/api/v1/contract-jobs/${job.id}`);
        return { status: 202, body: { job: presentContractJob(job, contract) } };
      };
      return idempotent<Answer['body']>(
        ctx.db,
        request,
        reply,
        async () => {
          const result = await requestAttachment(ctx, {
            accountId: accountOf(request),
            frameworkId: request.params.frameworkId,
            body: request.body,
            actor: actorOf(request),
          });
          if (result.job) return accepted(result.job.id);
          return { status: 201, body: { contract: presentContract(result.contract) } };
        },
        {
          // The key's effect is the job (above the limit) or the contract.
          replay: async (id) =>
            (await isContractJob(ctx.db, id))
              ? accepted(id)
              : { status: 201, body: { contract: presentContract(await loadContract(ctx.db, id, sessionOf(request))) } },
        },
      );
    },
  );
};
