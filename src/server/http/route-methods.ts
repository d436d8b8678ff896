import type { FastifyInstance } from 'fastify';

/**
 * The API's paths and their methods, as routes are declared, so that a known path asked with
 * another method answers 405 with Allow rather than 404. Only /api/ routes count: the console
 * answers any GET.
 */
export function recordRouteMethods(app: FastifyInstance) {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.includes('*')) return;
    const source = `^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`;
    let entry = routes.find((r) => r.pattern.source === source);
    if (!entry) {
      entry = { pattern: new RegExp(source), methods: new Set() };
      routes.push(entry);
    }
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(String(m).toUpperCase());
  });
  return {
    allowedFor(path: string): string[] {
      const methods = new Set<string>();
      for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m);
      return [...methods].sort();
    },
  };
}
