import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { reasonBody } from '../../shared/schemas/contract.js';
import {
  courier,
  destination,
  patchStampingBody,
  stampingEnvelope,
  stampingList,
  stampingListQuery,
  shipStampingBody,
  submitStampingBody,
} from '../../shared/schemas/stamping.js';
import type { AppContext } from '../context.js';
import { idempotent } from '../http/idempotency.js';
import { accountOf, actorOf, sessionOf } from '../http/request-context.js';
import { advanceStampingRequest, changeCourier, type StampingAction } from '../stamping/advance-request.js';
import { listStampingRequests } from '../stamping/list-requests.js';
import { loadRequest, presentRequest, presentRequests } from '../stamping/present-request.js';
import { printPackage } from '../stamping/print-package.js';
import { readStampedScan } from '../stamping/stamped-scan.js';
import { submitStampingRequest } from '../stamping/submit-request.js';
import { maxScanBytes, uploadStampedScan } from '../stamping/upload-scan.js';
import { loadContract } from '../contracts/load-contract.js';
import { pdfDisposition } from './contracts.js';

const idParams = z.object({ id: z.uuid() });
const scanQuery = z.object({ contractId: z.uuid().optional() });
const scanAnswer = z.object({ contractId: z.string(), sha256: z.string(), uploadedAt: z.string() });

export const stampingRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const visible = async (id: string, viewer: { role: string; accountId: string | null }) => {
    const row = await loadRequest(ctx.db, id, viewer);
    if (!row) throw new AppError('not_found');
    return row;
  };

  app.get('/stamping/destination', { config: { access: 'user' }, schema: { tags: ['stamping'], response: { 200: destination } } }, async () => ctx.config.stampingDestination);

  app.post(
    '/stamping-requests',
    { config: { access: 'customer' }, schema: { tags: ['stamping'], body: submitStampingBody, response: { 201: stampingEnvelope } } },
    async (request, reply) =>
      idempotent(
        ctx.db,
        request,
        reply,
        async () => {
          const row = await submitStampingRequest(ctx, { accountId: accountOf(request), body: request.body, actor: actorOf(request) });
          return { status: 201, body: { request: await presentRequest(ctx.db, row) } };
        },
        {
          replay: async (id) => {
            const row = await loadRequest(ctx.db, id, sessionOf(request));
            if (!row) throw new AppError('not_found');
            return { status: 201, body: { request: await presentRequest(ctx.db, row) } };
          },
        },
      ),
  );

  app.get(
    '/stamping-requests',
    {
      config: { access: 'customer' },
      schema: { tags: ['stamping'], description: 'Newest first, keyset-paginated, with counts per state.', querystring: stampingListQuery, response: { 200: stampingList } },
    },
    async (request) => {
      const { rows, counts, nextCursor } = await listStampingRequests(ctx.db, { viewer: sessionOf(request), ...request.query });
      return { items: await presentRequests(ctx.db, rows), counts, nextCursor };
    },
  );

  app.get(
    '/stamping-requests/:id',
    { config: { access: 'user' }, schema: { tags: ['stamping'], params: idParams, response: { 200: stampingEnvelope } } },
    async (request) => ({ request: await presentRequest(ctx.db, await visible(request.params.id, sessionOf(request))) }),
  );

  app.patch(
    '/stamping-requests/:id',
    { config: { access: 'customer' }, schema: { tags: ['stamping'], params: idParams, body: patchStampingBody, response: { 200: stampingEnvelope } } },
    async (request) => {
      await visible(request.params.id, sessionOf(request));
      if (request.body.returnAddress !== undefined) throw new AppError('return_address_locked');
      if (!request.body.courier) throw new AppError('validation_failed', 'Nothing to change', { errors: [{ path: 'courier', message: 'required' }] });
      const row = await changeCourier(ctx, { requestId: request.params.id, accountId: accountOf(request), courier: request.body.courier, actor: actorOf(request) });
      return { request: await presentRequest(ctx.db, row) };
    },
  );

  app.get(
    '/stamping-requests/:id/print.pdf',
    { config: { access: 'user' }, schema: { tags: ['stamping'], params: idParams } },
    async (request, reply) => {
      const presented = await presentRequest(ctx.db, await visible(request.params.id, sessionOf(request)));
      const pdf = await printPackage(ctx, presented);
      return reply.type('application/pdf').header('content-disposition', pdfDisposition(`${presented.number}-打印包.pdf`)).send(pdf);
    },
  );

  const step = (path: string, access: 'customer' | 'operator', action: (body: unknown) => StampingAction, body?: z.ZodType) =>
    app.post(
      path,
      { config: { access }, schema: { tags: [access === 'operator' ? 'admin' : 'stamping'], params: idParams, ...(body ? { body } : {}), response: { 200: stampingEnvelope } } },
      async (request) => {
        const session = sessionOf(request);
        const row = await advanceStampingRequest(ctx, {
          requestId: request.params.id,
          action: action(request.body),
          actor: actorOf(request),
          viewer: { role: access, accountId: session.accountId },
        });
        return { request: await presentRequest(ctx.db, row) };
      },
    );

  step('/stamping-requests/:id/ship', 'customer', (b) => ({ kind: 'ship', courier: (b as z.infer<typeof shipStampingBody>).courier }), shipStampingBody);
  step('/stamping-requests/:id/cancel', 'customer', () => ({ kind: 'cancel' }));
  step('/stamping-requests/:id/confirm-receipt', 'customer', () => ({ kind: 'confirm_receipt' }));
  step('/admin/stamping-requests/:id/receive', 'operator', () => ({ kind: 'receive' }));
  step('/admin/stamping-requests/:id/stamp', 'operator', () => ({ kind: 'stamp' }));
  step('/admin/stamping-requests/:id/return', 'operator', (b) => ({ kind: 'return', courier: (b as { courier: z.infer<typeof courier> }).courier }), z.strictObject({ courier }));
  step('/admin/stamping-requests/:id/reject', 'operator', (b) => ({ kind: 'reject', reason: (b as { reason: string }).reason }), reasonBody);

  // The desk's scan arrives as the raw body; its type is then checked by its content.
  app.addContentTypeParser(['application/pdf', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: maxScanBytes }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/admin/stamping-requests/:id/scan',
    {
      bodyLimit: maxScanBytes,
      config: { access: 'operator' },
      schema: {
        tags: ['admin'],
        description:
          'The scan of one fully stamped original, as the raw request body (application/pdf, at most 20 MB), once the request is stamped. A request of several contracts names one with ?contractId=.',
        params: idParams,
        querystring: scanQuery,
        response: { 201: scanAnswer },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw new AppError('unsupported_media_type', 'Send the scan as application/pdf');
      const scan = await uploadStampedScan(ctx, { requestId: request.params.id, contractId: request.query.contractId, bytes: request.body, actor: actorOf(request) });
      return reply.status(201).send({ contractId: scan.contractId, sha256: scan.sha256, uploadedAt: scan.uploadedAt.toISOString() });
    },
  );

  app.get(
    '/contracts/:id/stamped-scan.pdf',
    { config: { access: 'user' }, schema: { tags: ['contracts'], description: 'The archived scan of the paper original stamped by both parties.', params: idParams } },
    async (request, reply) => {
      const row = await loadContract(ctx.db, request.params.id, sessionOf(request));
      const bytes = await readStampedScan(ctx.db, row.id);
      if (!bytes) throw new AppError('not_found', 'No stamped scan is archived for this contract');
      return reply
        .type('application/pdf')
        .header('content-disposition', pdfDisposition(`${row.number}-盖章扫描件.pdf`))
        .header('cache-control', 'private, no-store')
        .send(bytes);
    },
  );

  app.get(
    '/admin/stamping-requests',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['admin'],
        description: 'Every account, newest first, keyset-paginated; q searches request, tracking and contract numbers and company names.',
        querystring: stampingListQuery,
        response: { 200: stampingList },
      },
    },
    async (request) => {
      const { rows, counts, nextCursor } = await listStampingRequests(ctx.db, { viewer: sessionOf(request), ...request.query });
      return { items: await presentRequests(ctx.db, rows), counts, nextCursor };
    },
  );
};
