import { backgroundAttachmentItems, type CreateAttachmentBody } from '../../shared/schemas/attachment.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { checkAttachment, generateAttachment } from '../contracts/create-attachment.js';
import { startAttachmentJob } from './start-attachment-job.js';

/**
 * An attachment request: checked as always, then generated while the request waits, or, above
 * 200 items, accepted as a background job (the caller answers 202 and the client polls it).
 */
export async function requestAttachment(
  ctx: AppContext,
  options: { accountId: string; frameworkId: string; body: CreateAttachmentBody; actor: Actor },
) {
  const checked = await checkAttachment(ctx, options);
  if (checked.ids.length > backgroundAttachmentItems) return { job: await startAttachmentJob(ctx, checked) };
  return { contract: await generateAttachment(ctx, checked) };
}
