import * as pkijs from 'pkijs';

let installed = false;

/**
 * pkijs rebuilds the whole ASN.1 schema tree of a structure (hundreds of asn1js blocks for a
 * SignedData) every time it parses one, and that construction was more than half the cost of
 * verifying a contract. A schema is a template: asn1js's compareSchema writes what it matches
 * onto the parse result, never onto the schema (it only trims the names it reads), so one tree
 * per class and parameters serves every parse. Parameters are plain data (block names and
 * flags), which JSON keys exactly.
 */
export function cachePkijsSchemas(): void {
  if (installed) return;
  installed = true;
  for (const value of Object.values(pkijs)) {
    if (typeof value !== 'function' || !Object.hasOwn(value, 'schema')) continue;
    const cls = value as unknown as { schema: (parameters?: unknown) => unknown };
    if (typeof cls.schema !== 'function') continue;
    const build = cls.schema;
    const cache = new Map<string, unknown>();
    cls.schema = function cachedSchema(this: unknown, parameters: unknown = {}) {
      const key = JSON.stringify(parameters);
      let schema = cache.get(key);
      if (schema === undefined) {
        schema = build.call(this, parameters);
        cache.set(key, schema);
      }
      return schema;
    };
  }
}
