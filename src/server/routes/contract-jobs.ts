import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contractJobEnvelope, contractJobList, contractJobParams } from '../../shared/schemas/contract-job.js';
import type { AppContext } from '../context.js';
import { getContractJob } from '../contract-jobs/get-contract-job.js';
import { listRecentContractJobs } from '../contract-jobs/list-contract-jobs.js';
import { presentContractJob } from '../contract-jobs/present-contract-job.js';
import { sessionOf } from '../http/request-context.js';

export const contractJobRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/contract-jobs',
    {
      config: { access: 'contracts.view' },
      schema: {
        tags: ['contracts'],
        description:
          'The background jobs to come back to: those under way (queued, running, awaiting_signature) and those that ended in the last day, newest first (at most 20). 后台生成中的附件及最近一天内结束的任务。',
        response: { 200: contractJobList },
      },
    },
    async (request) => ({
      items: (await listRecentContractJobs(ctx.db, sessionOf(request))).map(({ job, contract }) => presentContractJob(job, contract)),
    }),
  );

  app.get(
    '/contract-jobs/:id',
    {
      config: { access: 'contracts.view' },
      schema: {
        tags: ['contracts'],
        description:
          "A contract generated in the background: state, progress 0–100, the contract when done, the error when failed. A job preparing Party A's own-key signature waits in `awaiting_signature` (with `signingId`) until POST /signings/{signingId}/complete; unsigned when the signing expires, it fails with `signing_expired`.",
        params: contractJobParams,
        response: { 200: contractJobEnvelope },
      },
    },
    async (request) => {
      const { job, contract } = await getContractJob(ctx.db, request.params.id, sessionOf(request));
      return { job: presentContractJob(job, contract) };
    },
  );
};
