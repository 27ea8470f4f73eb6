import { z } from 'zod';
import { routeList, type RouteDef } from './routes';
import { ErrorBody } from './schemas';

/** Named schemas (zod `.meta({ id })`) land in components.schemas and are referenced from the operations. */
const components: Record<string, unknown> = {};
const schemaOf = (s: z.ZodType) => {
  const json = JSON.stringify(z.toJSONSchema(s, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' })).replaceAll('"#/$defs/', '"#/components/schemas/');
  const { $schema: _drop, $defs, ...rest } = JSON.parse(json) as Record<string, unknown> & { $defs?: Record<string, unknown> };
  Object.assign(components, $defs ?? {});
  return rest;
};

function parameters(route: RouteDef) {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    for (const [name, prop] of Object.entries(schema.shape)) {
      const js = schemaOf(prop as z.ZodType);
      out.push({ name, in: where, required: where === 'path' || !(prop as z.ZodType).safeParse(undefined).success, schema: js });
    }
  }
  if (route.idempotent) {
    out.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'A retried request with the same key returns the first response.', schema: { type: 'string', maxLength: 128 } });
  }
  return out;
}

/** The OpenAPI 3.1 document, generated from the route table and the same zod schemas that validate requests. */
export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { description: 'Error', content: { 'application/json': { schema: schemaOf(ErrorBody) } } };
  for (const r of routeList()) {
    const op: Record<string, unknown> = {
      operationId: r.name,
      summary: r.summary,
      // Alternatives: a login, or (on client routes that allow it) an organisation's API key.
      security: r.auth === 'public' ? [] : [{ cognito: [] }, ...(r.auth.groups.includes('clients') && r.auth.apiKeys !== false ? [{ apiKey: [] }] : [])],
      ...(r.auth === 'public' ? {} : { 'x-tessera-groups': r.auth.groups }),
      parameters: parameters(r),
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: {} } } },
        '400': error,
        ...(r.auth === 'public' ? {} : { '401': error, '403': error }),
        '404': error,
        '409': error,
        '422': error,
      },
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body) } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tessera API', version: '0.1.0', description: 'Crowdsourcing microtasks: projects, microtasks, assignments, review, ledger and payouts.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      schemas: components,
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito access token; the route is open to the groups in x-tessera-groups.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: "`ApiKey tsk_live_…` (or `Bearer tsk_live_…`): an organisation's API key, acting as its client. Client routes only." },
      },
    },
    paths,
  };
}
