import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { partyA, partyAUpdateBody } from '../../shared/schemas/party-a.js';
import type { AppContext } from '../context.js';
import { accountOf, actorOf } from '../http/request-context.js';
import { getPartyA } from '../party-a/get-party-a.js';
import { updatePartyA } from '../party-a/update-party-a.js';

export const partyARoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/party-a', { config: { access: 'contracts.view' }, schema: { tags: ['party-a'], response: { 200: partyA } } }, async (request) => {
    return (await getPartyA(ctx.db, accountOf(request))).partyA;
  });

  app.put(
    '/party-a',
    { config: { access: 'party_a.edit' }, schema: { tags: ['party-a'], body: partyAUpdateBody, response: { 200: partyA } } },
    async (request) => updatePartyA(ctx, { accountId: accountOf(request), body: request.body, actor: actorOf(request) }),
  );
};
