import type { z } from 'zod';
import type { trustResponse } from '../../shared/schemas/pki';
import { request } from './client';

export type TrustAnchor = z.infer<typeof trustResponse>['root'];

/** The platform root every signature chains to: what a relying party installs and checks. */
export async function fetchTrustAnchor(signal?: AbortSignal): Promise<TrustAnchor> {
  return (await request<z.infer<typeof trustResponse>>('GET', '/trust', { signal })).root;
}
