import type { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { type Access, actionsOf, isAnonymousAccess, isIntegrationAccess } from './request-context.js';

type Transform = typeof jsonSchemaTransform;

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Declares each operation's security in the OpenAPI document from the route's own `access`:
 * anonymous operations need nothing, a session's unsafe methods need the CSRF header as well,
 * routes that name an action also take an API key (`apiKey`, bearer), the integration API its
 * bearer token (declared by those routes themselves). The actions go in the description.
 */
export function openApiTransform(inner: Transform): Transform {
  return (input) => {
    const result = inner(input);
    const schema = result.schema as Record<string, unknown>;
    if (schema.security) return result;
    const access = (input.route.config as { access?: Access } | undefined)?.access;
    if (!access || isIntegrationAccess(access)) return { ...result, schema: { ...schema, security: [] } };
    const method = String(Array.isArray(input.route.method) ? input.route.method[0] : input.route.method).toUpperCase();
    const isSafe = safeMethods.has(method);
    const withSession: Record<string, string[]> = isSafe ? { session: [] } : { session: [], csrf: [] };
    if (isAnonymousAccess(access)) {
      // An anonymous operation may be called signed in; an unsafe one then needs the CSRF header too.
      return { ...result, schema: { ...schema, security: isSafe ? [] : [{}, withSession] } };
    }
    const actions = actionsOf(access);
    const security = actions.length ? [withSession, { apiKey: [] }] : [withSession];
    const needs = actions.length ? `Permission: ${actions.join(' or ')}.` : 'Any signed-in user (not an API key).';
    const description = typeof schema.description === 'string' ? `${schema.description}\n\n${needs}` : needs;
    return { ...result, schema: { ...schema, security, description } };
  };
}
