import { contractJobs } from '../db/schema/index.js';
import type { LeasedQueue } from '../queue/lease.js';

export const contractJobQueue: LeasedQueue = {
  table: contractJobs,
  id: contractJobs.id,
  claimedUntil: contractJobs.claimedUntil,
  claimToken: contractJobs.claimToken,
  attempts: contractJobs.attempts,
};

/** Claims of one job before it fails: a job that kills its instance each time must not loop. */
export const maxJobAttempts = 3;
