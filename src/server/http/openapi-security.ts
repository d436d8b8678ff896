import type { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Access } from './request-context.js';

type Transform = typeof jsonSchemaTransform;

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Declares each operation's security in the OpenAPI document from the route's own `access`:
 * public operations need nothing, a session's unsafe methods need the CSRF header as well,
 * the integration API its bearer token (declared by those routes themselves).
 */
export function openApiTransform(inner: Transform): Transform {
  return (input) => {
    const result = inner(input);
    const schema = result.schema as Record<string, unknown>;
    if (schema.security) return result;
    const access = (input.route.config as { access?: Access } | undefined)?.access;
    const method = String(Array.isArray(input.route.method) ? input.route.method[0] : input.route.method).toUpperCase();
    const isSafe = safeMethods.has(method);
    const withSession: Record<string, string[]> = isSafe ? { session: [] } : { session: [], csrf: [] };
    // A public operation may be called signed in; an unsafe one then needs the CSRF header too.
    const security: Record<string, string[]>[] =
      access === 'public' ? (isSafe ? [] : [{}, withSession]) : access ? [withSession] : [];
    return { ...result, schema: { ...schema, security } };
  };
}
