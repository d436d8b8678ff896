import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import {
  adminVerification,
  adminVerificationList,
  adminVerificationQuery,
  rejectBody,
  verification,
  verificationBody,
  verificationResponse,
} from '../../shared/schemas/verification.js';
import type { AppContext } from '../context.js';
import { idempotent } from '../http/idempotency.js';
import { accountOf, actorOf } from '../http/request-context.js';
import { decideVerification } from '../verification/decide-verification.js';
import { getLatestVerification, getVerification } from '../verification/get-verification.js';
import { listVerifications } from '../verification/list-verifications.js';
import { presentVerification } from '../verification/present.js';
import { submitVerification } from '../verification/submit-verification.js';

const idParams = z.object({ id: z.uuid() });
const verificationEnvelope = z.object({ verification });

export const verificationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/verification',
    {
      config: { access: 'verification.submit' },
      schema: { tags: ['verification'], body: verificationBody, response: { 201: verificationEnvelope } },
    },
    async (request, reply) =>
      idempotent(
        ctx.db,
        request,
        reply,
        async () => {
          const row = await submitVerification(ctx, { accountId: accountOf(request), body: request.body, actor: actorOf(request) });
          return { status: 201, body: { verification: presentVerification(row, { isOwner: true }) } };
        },
        {
          replay: async (id) => {
            const row = await getVerification(ctx.db, accountOf(request), id);
            if (!row) throw new AppError('not_found');
            return { status: 201, body: { verification: presentVerification(row, { isOwner: true }) } };
          },
        },
      ),
  );

  app.get(
    '/verification',
    { config: { access: ['contracts.view', 'verification.submit'] }, schema: { tags: ['verification'], response: { 200: verificationResponse } } },
    async (request) => {
      const row = await getLatestVerification(ctx.db, accountOf(request));
      return { verification: row ? presentVerification(row, { isOwner: true }) : null };
    },
  );

  app.get(
    '/admin/verifications',
    {
      config: { access: 'verification.review' },
      schema: {
        tags: ['admin'],
        description: 'Pending oldest first, the others newest first; keyset-paginated.',
        querystring: adminVerificationQuery,
        response: { 200: adminVerificationList },
      },
    },
    async (request) => {
      const { rows, nextCursor } = await listVerifications(ctx.db, request.query);
      return {
        nextCursor,
        items: rows.map((r) => ({
          ...presentVerification(r.verification, { isOwner: false }),
          accountId: r.verification.accountId,
          email: r.email,
        })),
      };
    },
  );

  app.post(
    '/admin/verifications/:id/approve',
    {
      config: { access: 'verification.review' },
      schema: { tags: ['admin'], params: idParams, response: { 200: z.object({ verification: adminVerification.omit({ email: true }) }) } },
    },
    async (request) => {
      const row = await decideVerification(ctx, { verificationId: request.params.id, decision: { approve: true }, actor: actorOf(request) });
      return { verification: { ...presentVerification(row, { isOwner: false }), accountId: row.accountId } };
    },
  );

  app.post(
    '/admin/verifications/:id/reject',
    {
      config: { access: 'verification.review' },
      schema: {
        tags: ['admin'],
        params: idParams,
        body: rejectBody,
        response: { 200: z.object({ verification: adminVerification.omit({ email: true }) }) },
      },
    },
    async (request) => {
      const row = await decideVerification(ctx, {
        verificationId: request.params.id,
        decision: { approve: false, reason: request.body.reason },
        actor: actorOf(request),
      });
      return { verification: { ...presentVerification(row, { isOwner: false }), accountId: row.accountId } };
    },
  );
};
