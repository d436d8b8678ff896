import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import {
  adminVerification,
  adminVerificationDetail,
  documentResponse,
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
import { getLatestVerification, getOpenRename, getVerification } from '../verification/get-verification.js';
import { listVerifications } from '../verification/list-verifications.js';
import { presentVerification } from '../verification/present.js';
import { submitVerification } from '../verification/submit-verification.js';
import { uploadDocument } from '../verification/upload-document.js';
import { viewVerification, viewVerificationDocument } from '../verification/view-verification.js';

const maxDocumentBytes = 10 * 1024 * 1024;

const idParams = z.object({ id: z.uuid() });
const verificationEnvelope = z.object({ verification });

export const verificationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Evidence files come as the raw body; what they are is decided by their content, not this header.
  app.addContentTypeParser(['image/png', 'image/jpeg', 'application/pdf'], { parseAs: 'buffer', bodyLimit: maxDocumentBytes }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/verification/documents',
    {
      bodyLimit: maxDocumentBytes,
      config: { access: 'verification.submit' },
      schema: {
        tags: ['verification'],
        description:
          'Upload the business licence or a side of the ID card as the raw body (image/png, image/jpeg or application/pdf, at most 10 MB). The content must be what the Content-Type says (422 invalid_document). Stored once per account by SHA-256.',
        response: { 201: documentResponse },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw new AppError('unsupported_media_type', 'Send the file as image/png, image/jpeg or application/pdf');
      const document = await uploadDocument(ctx, { accountId: accountOf(request), bytes: request.body, contentType: request.headers['content-type'] ?? '' });
      return reply.code(201).send({ document });
    },
  );

  app.post(
    '/verification',
    {
      config: { access: 'verification.submit' },
      schema: {
        tags: ['verification'],
        description: [
          'Real-name verification (实名认证) of the account, with consent to process the ID number or the licence (`consent.version`).',
          'The configured verifier decides: `auto` at once, `manual` through the operators’ review queue (an enterprise then needs the business licence in `documents`). A credit code or ID number another account holds answers 409 `identity_in_use`; `appeal: true` with evidence asks an operator instead.',
          '**Company rename (企业更名).** A verified enterprise submits the same credit code under its new registered name: a re-verification (`isRename`), decided like any other. The account stays verified under the old name meanwhile (GET /verification shows the new one as `rename`); once verified, the old verification becomes `superseded`, Party A carries the new name, and each framework agreement in force gets a supplement (补充协议, kind `supplement`, `FA…-S01`) stating the old and the new name, signed by both parties. Contracts already signed keep their names. One open rename at a time (409 `verification_pending`); the same name again, or another code, answers 409 `already_verified`.',
        ].join('\n\n'),
        body: verificationBody,
        response: { 201: verificationEnvelope },
      },
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
    {
      config: { access: ['contracts.view', 'verification.submit'] },
      schema: {
        tags: ['verification'],
        description:
          'The verification that stands for the account (never a `superseded` one), and `rename`: a re-verification of a new company name not in force yet (pending, or rejected with its reason), while the account stays verified under the old name.',
        response: { 200: verificationResponse },
      },
    },
    async (request) => {
      const accountId = accountOf(request);
      const [row, rename] = await Promise.all([getLatestVerification(ctx.db, accountId), getOpenRename(ctx.db, accountId)]);
      return { verification: row ? presentVerification(row, { isOwner: true }) : null, rename: rename && (!row || rename.createdAt > row.createdAt) ? presentVerification(rename, { isOwner: true }) : null };
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

  app.get(
    '/admin/verifications/:id',
    {
      config: { access: 'verification.review' },
      schema: {
        tags: ['admin'],
        description: 'The reviewer\'s view: the ID number in full, the consent and the evidence. Every view is audited (verification.viewed).',
        params: idParams,
        response: { 200: z.object({ verification: adminVerificationDetail }) },
      },
    },
    async (request) => {
      const { row, email, documents } = await viewVerification(ctx, { verificationId: request.params.id, actor: actorOf(request) });
      return {
        verification: {
          ...presentVerification(row, { isOwner: true }),
          accountId: row.accountId,
          email,
          consent: row.consentVersion && row.consentedAt ? { version: row.consentVersion, at: row.consentedAt.toISOString() } : null,
          documents,
        },
      };
    },
  );

  app.get(
    '/admin/verifications/:id/documents/:documentId',
    {
      config: { access: 'verification.review' },
      schema: { tags: ['admin'], description: 'One evidence file, as uploaded; audited.', params: z.object({ id: z.uuid(), documentId: z.uuid() }) },
    },
    async (request, reply) => {
      const doc = await viewVerificationDocument(ctx, { verificationId: request.params.id, documentId: request.params.documentId, actor: actorOf(request) });
      return reply.type(doc.type).header('cache-control', 'private, no-store').header('content-disposition', 'inline').send(doc.bytes);
    },
  );
};
