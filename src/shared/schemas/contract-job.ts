import { z } from 'zod';
import { contract } from './contract.js';

export const contractJobState = z
  .enum(['queued', 'running', 'awaiting_signature', 'done', 'failed'])
  .describe(
    "`awaiting_signature`: the job prepared Party A's own-key signature (its `signingId`); GET /signings/{id} answers `toBeSigned`, and POST /signings/{id}/complete ends the job with the contract.",
  );
export type ContractJobState = z.infer<typeof contractJobState>;

/**
 * A contract generated in the background (an attachment of more than 200 items). With Party A's
 * own key the job renders and prepares, then waits (`awaiting_signature`) for the signature.
 */
export const contractJob = z.object({
  id: z.string(),
  state: contractJobState,
  kind: z.enum(['icp_attachment', 'order_attachment']),
  frameworkId: z.string(),
  items: z.number().int(),
  progress: z.number().int().min(0).max(100),
  /** A job preparing a signature with Party A's own key: the signing to complete once it waits for it. */
  signingId: z.string().optional().describe("The signing with Party A's own key this job prepares; absent for a platform-held key's job."),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** When done. */
  contract: contract.optional(),
  /** When failed: a stable error code (as the direct request would have answered) and a message. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ContractJob = z.infer<typeof contractJob>;

export const contractJobEnvelope = z.object({ job: contractJob });
export const contractJobList = z.object({ items: z.array(contractJob) });
export const contractJobParams = z.object({ id: z.uuid() });
