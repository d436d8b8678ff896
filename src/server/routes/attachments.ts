import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createAttachmentBody, icpFilingList, icpFilingListQuery, orderList, orderListQuery } from '../../shared/schemas/attachment.js';
import { contractEnvelope } from '../../shared/schemas/contract.js';
import { AppError } from '../../shared/errors.js';
import { previewAttachment } from '../contracts/create-attachment.js';
import type { AppContext } from '../context.js';
import { accountOf } from '../http/request-context.js';
import { listIcpFilings, listOrders } from '../upstream/list-items.js';
import { confirmationFirst, pdfDisposition, startOne } from './contracts.js';

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
      schema: { tags: ['attachments'], description: confirmationFirst, params: frameworkParams, body: createAttachmentBody, response: { 201: contractEnvelope } },
    },
    async (request) => {
      throw new AppError(
        'confirmation_required',
        startOne(`{"kind":"${request.body.kind}","frameworkId":"${request.params.frameworkId}","itemIds":[…]}`),
      );
    },
  );
};
