import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contractEnvelope } from '../../shared/schemas/contract.js';
import { contractJobEnvelope } from '../../shared/schemas/contract-job.js';
import { getContractJob, isContractJob } from '../contract-jobs/get-contract-job.js';
import { presentContractJob } from '../contract-jobs/present-contract-job.js';
import { AppError } from '../../shared/errors.js';
import type { Action } from '../../shared/permissions.js';
import { completeSigningBody, confirmSigningBody, signingEnvelope, type StartSigningBody, startSigningBody } from '../../shared/schemas/signing.js';
import type { AppContext } from '../context.js';
import { loadContract } from '../contracts/load-contract.js';
import { presentContract } from '../contracts/present-contract.js';
import { idempotent } from '../http/idempotency.js';
import { accountOf, actorOf, can, sessionOf } from '../http/request-context.js';
import { completeSigning } from '../signings/complete-signing.js';
import { confirmSigning } from '../signings/confirm-signing.js';
import { loadSigning, loadSigningDocument } from '../signings/load-signing.js';
import { presentSigning } from '../signings/present-signing.js';
import { resendCode } from '../signings/resend-code.js';
import { startSigning } from '../signings/start-signing.js';
import { pdfDisposition } from './contracts.js';

const idParams = z.object({ id: z.uuid() });

// Signing is applying: for a framework agreement or its renewal, or for an attachment. POST
// /signings checks the one its kind needs; the later steps are the starting user's own.
const signingAccess = ['framework.apply', 'attachments.apply'] as const satisfies readonly Action[];
const permissionFor = (kind: StartSigningBody['kind']): Action => (kind === 'framework' || kind === 'renewal' ? 'framework.apply' : 'attachments.apply');

export const signingRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const viewerOf = (request: Parameters<typeof sessionOf>[0]) => ({ accountId: accountOf(request), userId: sessionOf(request).userId });

  app.post(
    '/signings',
    {
      config: { access: signingAccess },
      schema: {
        tags: ['signings'],
        description: "Starts Party A's signature: renders the draft and sends a one-time code to Party A's contact e-mail and mobile.",
        body: startSigningBody,
        response: { 201: signingEnvelope },
      },
    },
    async (request, reply) =>
      idempotent(
        ctx.db,
        request,
        reply,
        async () => {
          const needed = permissionFor(request.body.kind);
          if (!can(request.session, needed)) throw new AppError('permission_denied', `This needs the permission ${needed}`);
          const row = await startSigning(ctx, { accountId: accountOf(request), userId: sessionOf(request).userId, body: request.body, actor: actorOf(request) });
          return { status: 201, body: { signing: presentSigning(row) } };
        },
        { replay: async (id) => ({ status: 201, body: { signing: presentSigning(await loadSigning(ctx.db, id, viewerOf(request))) } }) },
      ),
  );

  app.get(
    '/signings/:id',
    { config: { access: signingAccess }, schema: { tags: ['signings'], params: idParams, response: { 200: signingEnvelope } } },
    async (request) => ({ signing: presentSigning(await loadSigning(ctx.db, request.params.id, viewerOf(request))) }),
  );

  app.get(
    '/signings/:id/draft.pdf',
    { config: { access: signingAccess }, schema: { tags: ['signings'], params: idParams } },
    async (request, reply) => {
      const draft = await loadSigningDocument(ctx.db, request.params.id, viewerOf(request), 'draft');
      return reply.type('application/pdf').header('content-disposition', pdfDisposition('待签署-草稿.pdf', 'inline')).header('cache-control', 'private, no-store').send(draft);
    },
  );

  app.post(
    '/signings/:id/resend',
    { config: { access: signingAccess }, schema: { tags: ['signings'], params: idParams, response: { 200: signingEnvelope } } },
    async (request) => ({ signing: presentSigning(await resendCode(ctx, { signingId: request.params.id, viewer: viewerOf(request), actor: actorOf(request) })) }),
  );

  app.post(
    '/signings/:id/confirm',
    {
      config: { access: signingAccess },
      schema: {
        tags: ['signings'],
        description:
          'With `publicKey`: 200 with the event certificate issued for it and `toBeSigned`, to sign and send to /complete; for an attachment above 200 items, 202 with a contract job (`Location`) that renders and prepares the document, until its state is `awaiting_signature` and GET /signings/{id} answers `toBeSigned`. With `keyCustody: "platform"`: the platform holds the key, signs, and answers 201 with the contract, or 202 with its job above 200 items.',
        params: idParams,
        body: confirmSigningBody,
        response: { 200: signingEnvelope, 201: contractEnvelope, 202: contractJobEnvelope },
      },
    },
    async (request, reply) => {
      // An attachment of more than 200 items is generated (a platform-held key) or prepared (Party A's own) in the background.
      const accepted = async (id: string) => {
        const { job, contract } = await getContractJob(ctx.db, id, sessionOf(request));
        reply.header('location', `/api/v1/contract-jobs/${job.id}`);
        return { status: 202, body: { job: presentContractJob(job, contract) } };
      };
      return idempotent<object>(
        ctx.db,
        request,
        reply,
        async () => {
          const result = await confirmSigning(ctx, { signingId: request.params.id, viewer: viewerOf(request), body: request.body, actor: actorOf(request) });
          if ('job' in result && result.job) return accepted(result.job.id);
          if ('contract' in result && result.contract) return { status: 201, body: { contract: presentContract(result.contract) } };
          return { status: 200, body: { signing: presentSigning(result.signing!) } };
        },
        {
          // The effect is the prepared signing (Party A's key), or the contract or its job (the platform's).
          replay: async (id) =>
            id === request.params.id
              ? { status: 200, body: { signing: presentSigning(await loadSigning(ctx.db, id, viewerOf(request))) } }
              : (await isContractJob(ctx.db, id))
                ? accepted(id)
                : { status: 201, body: { contract: presentContract(await loadContract(ctx.db, id, sessionOf(request))) } },
        },
      );
    },
  );

  app.post(
    '/signings/:id/complete',
    {
      config: { access: signingAccess },
      schema: {
        tags: ['signings'],
        description: "Party A's signature of `toBeSigned`: 201 with the contract. A contract job that prepared the signing ends with it (`done`, with the contract).",
        params: idParams,
        body: completeSigningBody,
        response: { 201: contractEnvelope },
      },
    },
    async (request, reply) =>
      idempotent(
        ctx.db,
        request,
        reply,
        async () => {
          const row = await completeSigning(ctx, {
            signingId: request.params.id,
            viewer: viewerOf(request),
            actor: actorOf(request),
            signature: Buffer.from(request.body.signature, 'base64'),
          });
          return { status: 201, body: { contract: presentContract(row) } };
        },
        { replay: async (id) => ({ status: 201, body: { contract: presentContract(await loadContract(ctx.db, id, sessionOf(request))) } }) },
      ),
  );
};
