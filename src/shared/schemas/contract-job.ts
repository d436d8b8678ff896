import { z } from 'zod';
import { contract } from './contract.js';

export const contractJobState = z.enum(['queued', 'running', 'done', 'failed']);
export type ContractJobState = z.infer<typeof contractJobState>;

/** A contract generated in the background (an attachment of more than 200 items). */
export const contractJob = z.object({
  id: z.string(),
  state: contractJobState,
  kind: z.enum(['icp_attachment', 'order_attachment']),
  frameworkId: z.string(),
  items: z.number().int(),
  progress: z.number().int().min(0).max(100),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** When done. */
  contract: contract.optional(),
  /** When failed: a stable error code (as the direct request would have answered) and a message. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ContractJob = z.infer<typeof contractJob>;

export const contractJobEnvelope = z.object({ job: contractJob });
export const contractJobParams = z.object({ id: z.uuid() });
