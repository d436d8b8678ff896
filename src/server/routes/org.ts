import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authResponse } from '../../shared/schemas/auth.js';
import {
  acceptInvitationBody,
  apiKeysResponse,
  changeRoleBody,
  createApiKeyBody,
  createApiKeyResponse,
  createOperatorBody,
  createRoleBody,
  inviteBody,
  inviteResponse,
  memberEnvelope,
  membersResponse,
  orgResponse,
  roleEnvelope,
  rolesResponse,
  operatorEnvelope,
  operatorRolesBody,
  operatorsResponse,
  switchOrgBody,
} from '../../shared/schemas/org.js';
import type { AppContext } from '../context.js';
import { accountOf, actorOf, sessionOf } from '../http/request-context.js';
import { acceptInvitation } from '../org/accept-invitation.js';
import { changeMemberRole } from '../org/change-member-role.js';
import { createApiKey } from '../org/create-api-key.js';
import { createRole } from '../org/create-role.js';
import { inviteMember } from '../org/invite-member.js';
import { listApiKeys } from '../org/list-api-keys.js';
import { listMembers } from '../org/list-members.js';
import { removeMember } from '../org/remove-member.js';
import { revokeApiKey } from '../org/revoke-api-key.js';
import { listRoles, organisationName } from '../org/roles.js';
import { createOperator, listOperators, setOperatorRoles } from '../org/set-operator-roles.js';
import { switchOrganisation } from '../org/switch-organisation.js';
import { withdrawInvitation } from '../org/withdraw-invitation.js';
import { setSessionCookie } from './auth.js';

const userParams = z.object({ userId: z.uuid() });
const keyParams = z.object({ id: z.uuid() });
const invitationParams = z.object({ id: z.uuid() });
const tokenParams = z.object({ token: z.string().min(20).max(100) });

/** The organisation: members, roles, invitations and API keys (SPEC, Additions to the API). */
export const orgRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/org', { config: { access: 'signed_in' }, schema: { tags: ['org'], response: { 200: orgResponse } } }, async (request) => {
    const session = sessionOf(request);
    const accountId = accountOf(request);
    return { org: { id: accountId, name: await organisationName(ctx.db, accountId) }, role: session.memberRole ?? '', permissions: session.permissions };
  });

  app.post(
    '/org/switch',
    { config: { access: 'signed_in' }, schema: { tags: ['org'], body: switchOrgBody, response: { 204: z.null() } } },
    async (request, reply) => {
      await switchOrganisation(ctx.db, { session: sessionOf(request), accountId: request.body.accountId });
      return reply.code(204).send(null);
    },
  );

  app.get('/org/members', { config: { access: 'contracts.view' }, schema: { tags: ['org'], response: { 200: membersResponse } } }, async (request) =>
    listMembers(ctx.db, accountOf(request)),
  );

  app.patch(
    '/org/members/:userId',
    { config: { access: 'members.manage' }, schema: { tags: ['org'], params: userParams, body: changeRoleBody, response: { 200: memberEnvelope } } },
    async (request) => {
      accountOf(request);
      return changeMemberRole(ctx.db, { manager: sessionOf(request), userId: request.params.userId, role: request.body.role, actor: actorOf(request) });
    },
  );

  app.delete(
    '/org/members/:userId',
    { config: { access: 'members.manage' }, schema: { tags: ['org'], params: userParams, response: { 204: z.null() } } },
    async (request, reply) => {
      accountOf(request);
      await removeMember(ctx.db, { manager: sessionOf(request), userId: request.params.userId, actor: actorOf(request) });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/org/invitations',
    { config: { access: 'members.manage' }, schema: { tags: ['org'], body: inviteBody, response: { 201: inviteResponse } } },
    async (request, reply) => {
      accountOf(request);
      const result = await inviteMember(ctx, { inviter: sessionOf(request), email: request.body.email, role: request.body.role, actor: actorOf(request) });
      return reply.code(201).send(result);
    },
  );

  app.delete(
    '/org/invitations/:id',
    {
      config: { access: 'members.manage' },
      schema: { tags: ['org'], description:
          'Withdraws (撤回) an invitation not yet accepted: its link stops working at once (accepting answers 410 `invitation_invalid`) and it leaves the list of open invitations; audited as `member.invitation_withdrawn`. An invitation accepted, withdrawn already or of another organisation answers 404.', params: invitationParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await withdrawInvitation(ctx.db, { accountId: accountOf(request), invitationId: request.params.id, actor: actorOf(request) });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/invitations/:token/accept',
    {
      config: { access: { anonymous: 'the invitation token is the credential; an existing login must also be signed in' } },
      schema: { tags: ['org'], params: tokenParams, body: acceptInvitationBody, response: { 200: authResponse } },
    },
    async (request, reply) => {
      const result = await acceptInvitation(ctx, {
        token: request.params.token,
        password: request.body.password,
        acceptTerms: request.body.acceptTerms,
        session: request.session,
        actor: actorOf(request),
      });
      setSessionCookie(request, reply, result.session);
      return { user: result.user, accountId: result.accountId, csrfToken: result.session.csrfToken, totpEnrolmentRequired: false };
    },
  );

  app.get('/org/roles', { config: { access: 'contracts.view' }, schema: { tags: ['org'], response: { 200: rolesResponse } } }, async (request) => ({
    items: await listRoles(ctx.db, accountOf(request)),
  }));

  app.post(
    '/org/roles',
    { config: { access: 'members.manage' }, schema: { tags: ['org'], body: createRoleBody, response: { 201: roleEnvelope } } },
    async (request, reply) => {
      accountOf(request);
      const result = await createRole(ctx.db, { manager: sessionOf(request), ...request.body, actor: actorOf(request) });
      return reply.code(201).send(result);
    },
  );

  app.get('/org/api-keys', { config: { access: 'api_keys.manage' }, schema: { tags: ['org'], response: { 200: apiKeysResponse } } }, async (request) =>
    listApiKeys(ctx.db, accountOf(request)),
  );

  app.post(
    '/org/api-keys',
    {
      config: { access: 'api_keys.manage' },
      schema: {
        tags: ['org'],
        description: 'The secret is in this answer only; use it as `Authorization: Bearer <secret>`.',
        body: createApiKeyBody,
        response: { 201: createApiKeyResponse },
      },
    },
    async (request, reply) => {
      accountOf(request);
      const result = await createApiKey(ctx.db, { creator: sessionOf(request), ...request.body, actor: actorOf(request) });
      return reply.code(201).send(result);
    },
  );

  app.delete(
    '/org/api-keys/:id',
    { config: { access: 'api_keys.manage' }, schema: { tags: ['org'], params: keyParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await revokeApiKey(ctx.db, { accountId: accountOf(request), keyId: request.params.id, actor: actorOf(request) });
      return reply.code(204).send(null);
    },
  );

  app.get('/admin/operators', { config: { access: 'operators.manage' }, schema: { tags: ['admin'], response: { 200: operatorsResponse } } }, async () =>
    listOperators(ctx.db),
  );

  app.post(
    '/admin/operators',
    { config: { access: 'operators.manage' }, schema: { tags: ['admin'], body: createOperatorBody, response: { 201: operatorEnvelope } } },
    async (request, reply) => reply.code(201).send(await createOperator(ctx, { ...request.body, actor: actorOf(request) })),
  );

  app.patch(
    '/admin/operators/:userId',
    { config: { access: 'operators.manage' }, schema: { tags: ['admin'], params: userParams, body: operatorRolesBody, response: { 200: operatorEnvelope } } },
    async (request) =>
      setOperatorRoles(ctx.db, { managerId: sessionOf(request).userId, userId: request.params.userId, roles: request.body.roles, actor: actorOf(request) }),
  );
};
