import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { Caller, TestApp } from '../helpers/app.js';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

type Parameter = { in: 'path' | 'query' | 'header'; name: string; schema: JsonSchema; required?: boolean };
type Operation = { method: string; path: string; parameters: Parameter[]; body?: JsonSchema };

export type FuzzRequest = {
  method: string;
  url: string;
  caller: 'customer' | 'operator' | 'anonymous' | 'integration';
  headers: Record<string, string>;
  payload?: string | Buffer;
};

// Every query parameter is fuzzed, cursors included: a crafted one answers 400 invalid_cursor.
const skippedQuery = new Set<string>();

/** Strings a hand-written probe would try: edges of encodings, ranges and formats. */
const nastyString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '+275760-09-13T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '1e309',
  '-1',
  '9'.repeat(40),
  'null',
  '__proto__',
  '../../etc/passwd',
  "' or 1=1 --",
  '%00',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
);

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 2 ** 31, 1e300),
  fc.string({ maxLength: 20 }),
  nastyString,
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function stringFor(schema: JsonSchema, ids: string[]): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [nastyString, fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 })];
  if (schema.format === 'uuid') options.push(fc.constantFrom(...ids), fc.constantFrom(...ids), fc.uuid());
  if (schema.format === 'date-time') options.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  if (schema.format === 'email') options.push(fc.emailAddress());
  if (schema.pattern && schema.format !== 'uuid') {
    try {
      options.push(fc.stringMatching(new RegExp(schema.pattern, 'u')));
    } catch {
      // a pattern fast-check cannot generate from: the other strings remain
    }
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 60, 300);
  if (min <= max) options.push(fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }));
  return fc.oneof(...options);
}

/** Values for a JSON schema: mostly of its shape, sometimes of any other. */
export function valueFor(schema: JsonSchema, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const valid = validFor(schema, ids, depth);
  return depth > 3 ? valid : fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: anyJson, weight: 1 });
}

function validFor(schema: JsonSchema, ids: string[], depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => valueFor(s, ids, depth + 1)));
  if (schema.allOf?.length) return valueFor(Object.assign({}, ...schema.allOf), ids, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, ids);
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000);
      return fc.oneof(
        fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }),
        fc.constantFrom(min - 1, max + 1, 0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER),
      );
    }
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, ids, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 5),
        maxLength: Math.min(schema.maxItems ?? 8, 8),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueFor(s, ids, depth + 1)])),
        { requiredKeys: [...required].filter((k) => k in properties) },
      );
      // Now and then a key that is not in the schema, or one that must not reach any object.
      return fc.oneof(
        { arbitrary: record, weight: 8 },
        { arbitrary: fc.tuple(record, fc.constantFrom('extra', '__proto__', 'constructor', '')).map(([r, k]) => ({ ...r, [k]: 1 })), weight: 1 },
      );
    }
    default:
      return anyJson;
  }
}

export function operationsOf(doc: { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (method.toUpperCase() === 'HEAD') continue;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (operation.parameters ?? []).filter((p) => !(p.in === 'query' && skippedQuery.has(p.name))),
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A path segment; a lone surrogate goes out as the invalid UTF-8 a hostile client would send. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment.replace(loneSurrogate, '\ufffd')).replace(/%EF%BF%BD/g, '%ED%A0%80');
}

/** One request to an operation of the document, with generated path, query and body. */
export function requestFor(operation: Operation, ids: string[]): fc.Arbitrary<FuzzRequest> {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const isIntegration = operation.path.includes('/integration/');
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => stringFor(p.schema, ids).filter((s) => s.length > 0))),
      query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, valueFor(p.schema, ids)])), { requiredKeys: [] }),
      body: operation.body ? valueFor(operation.body, ids) : fc.constant(undefined),
      caller: isIntegration
        ? fc.constantFrom('integration' as const, 'integration' as const, 'anonymous' as const)
        : fc.constantFrom('customer' as const, 'customer' as const, 'operator' as const, 'anonymous' as const),
      raw: fc.oneof(
        { arbitrary: fc.constant(null), weight: 9 },
        { arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))), weight: 1 },
      ),
    })
    .map(({ path, query, body, caller, raw }) => {
      let url = operation.path;
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, encodeSegment(path[i]!));
      });
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      if ([...search].length) url += `?${search}`;
      const request: FuzzRequest = { method: operation.method, url, caller, headers: {} };
      if (raw !== null) {
        request.payload = raw;
        request.headers['content-type'] = typeof raw === 'string' ? 'application/json' : 'application/pdf';
      } else if (body !== undefined) {
        request.payload = JSON.stringify(body);
        request.headers['content-type'] = 'application/json';
      }
      return request;
    });
}

export type FuzzActors = { customer: Caller; operator: Caller; integrationToken: string };

export async function send(t: TestApp, actors: FuzzActors, request: FuzzRequest): Promise<LightMyRequestResponse> {
  const headers = { ...request.headers };
  if (request.caller === 'customer' || request.caller === 'operator') {
    const c = actors[request.caller];
    headers.cookie = c.cookie;
    headers['x-csrf-token'] = c.csrfToken;
  }
  if (request.caller === 'integration') headers.authorization = `Bearer ${actors.integrationToken}`;
  return t.app.inject({ method: request.method as 'GET', url: request.url, headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
}
