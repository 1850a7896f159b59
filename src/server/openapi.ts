import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Permission } from '../contract/index.js';
import type { ApiRoute } from './auth.js';

/**
 * What a route tells the OpenAPI document, written beside the route (`config.doc`): the document is generated
 * from the routes the server registered, so a route cannot be served undocumented, nor documented unserved.
 */
export interface RouteDoc {
  /** One line, English then Chinese. */
  summary: string;
  /** More than a line: what the answer holds, what to watch for. */
  description?: string;
  /** The JSON body, as the route parses it. */
  body?: z.ZodType;
  /** The body may be left out: every field has a default. */
  bodyOptional?: boolean;
  /** A body that is not JSON (its media type), sent as text. */
  rawBody?: string;
  /** Query-string parameters, as the route parses them. */
  query?: z.ZodObject;
  /** Path parameters that are numbers (the others are text). */
  numericParams?: string[];
  /** Request headers the route reads. */
  headers?: { name: string; description: string; maxLength?: number }[];
  /** What it answers, by status. */
  answers: Record<string, string>;
  /** The JSON schema of its success answer, where a client benefits from it spelled out. */
  answerSchema?: Record<string, unknown>;
  /** Answers QUERY_LIMIT (422) and BUSY (503) on a server with limits (serve --query-timeout, --max-cells). */
  limited?: boolean;
  /** Answers 404 when what the path names does not exist. */
  notFound?: string;
}

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        messageZh: { type: 'string' },
        place: {
          type: 'object',
          properties: { field: { type: 'string' }, row: { type: 'integer' }, file: { type: 'string' } },
        },
      },
      required: ['code', 'message'],
    },
  },
};
const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});
const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' });

/** How callers prove who they are: a session cookie (web app, with X-CSRF-Token on writes) or a bearer token. */
const securitySchemes = {
  session: { type: 'apiKey', in: 'cookie', name: 'zt_session' },
  token: { type: 'http', scheme: 'bearer', description: 'zt_<id>_<secret>, from `zhongtai tokens create`' },
  embed: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Embed-Token',
    description: 'an embed link’s token (read only)',
  },
};

function operationOf(route: ApiRoute): Record<string, unknown> {
  const { doc } = route;
  const successCode = Object.keys(doc.answers).find((code) => code.startsWith('2'));
  const responses: Record<string, unknown> = {};
  for (const [code, description] of Object.entries(doc.answers))
    responses[code] =
      code === successCode && doc.answerSchema
        ? { description, content: { 'application/json': { schema: doc.answerSchema } } }
        : code.startsWith('2')
          ? { description }
          : error(description);
  if (doc.body || doc.query || doc.rawBody)
    responses['400'] ??= error('BAD_REQUEST: a field is missing or wrong; the error names it');
  if (!route.public) {
    responses['401'] ??= error('UNAUTHORIZED: not signed in, or the token is wrong, expired or revoked');
    responses['403'] ??= error(`FORBIDDEN: the caller’s role lacks ${route.permission}`);
  }
  if (doc.notFound) responses['404'] ??= error(doc.notFound);
  if (doc.limited) {
    responses['422'] = error('QUERY_LIMIT: over the time limit or the cell limit; narrow the cut');
    responses['503'] = error('BUSY: every place for heavy queries stayed taken; try again shortly');
  }
  const pathParams = [...route.url.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: doc.numericParams?.includes(name as string) ? 'integer' : 'string' },
  }));
  const queryParams = Object.entries((doc.query ? jsonSchema(doc.query).properties : undefined) ?? {}).map(
    ([name, schema]) => ({ name, in: 'query', schema }),
  );
  const headerParams = (doc.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: false,
    description: h.description,
    schema: { type: 'string', ...(h.maxLength ? { maxLength: h.maxLength } : {}) },
  }));
  const parameters = [...pathParams, ...queryParams, ...headerParams];
  const requestBody = doc.rawBody
    ? { required: true, content: { [doc.rawBody]: { schema: { type: 'string' } } } }
    : doc.body
      ? { required: !doc.bodyOptional, content: { 'application/json': { schema: jsonSchema(doc.body) } } }
      : undefined;
  return {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(route.public ? { security: [] } : { 'x-permission': route.permission }),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1, generated from the routes the server registered and their docs. */
export function openApiDocument(routes: readonly ApiRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'zhongtai 中台 API',
      version,
      description:
        'Retail KPIs as data services: one catalogue, one query shape. 零售指标数据服务。Every operation needs a session or a token unless it says `security: []`; `x-permission` names what the caller’s role must hold.',
    },
    paths,
    components: { securitySchemes },
    security: [{ session: [] }, { token: [] }],
  };
}

/** A route's options: what the caller must hold, and what the OpenAPI document says of it. */
export const needs = (permission: Permission, doc: RouteDoc) => ({ config: { permission, doc } });
/** A route anyone may call, signed in or not. */
export const anyone = (doc: RouteDoc) => ({ config: { public: true, doc } });

/** GET /api/v1/openapi.json: built once, on the first ask, when every route is registered. */
export function openApiRoute(app: FastifyInstance, routes: () => readonly ApiRoute[], version: string): void {
  let document: ReturnType<typeof openApiDocument> | undefined;
  const doc = { summary: 'This document (OpenAPI 3.1) 接口文档', answers: { '200': 'OpenAPI 3.1' } };
  app.get('/api/v1/openapi.json', anyone(doc), async () => {
    document ??= openApiDocument(routes(), version);
    return document;
  });
}
