import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AppStore,
  cachedPrincipal,
  type Permission,
  type Principal,
  sessionOf,
  tokenPrincipal,
  verifyEmbedLink,
} from '../appstore/index.js';
import { type DataScope, ZhongtaiError } from '../model/index.js';
import type { RouteDoc } from './openapi.js';

export const SESSION_COOKIE = 'zt_session';
export const CSRF_HEADER = 'x-csrf-token';
export const EMBED_HEADER = 'x-embed-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller must hold; every /api route names one or is marked public. */
    permission?: Permission;
    public?: boolean;
    /** What the OpenAPI document says of it; every /api route has one. */
    doc?: RouteDoc;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** How the caller proved who it is. */
    via: 'session' | 'token' | 'embed' | null;
    /** A token limited to one ingest source. */
    tokenSource: string | null;
    /** An embedded dashboard's fixed filters, added to every query it makes. */
    embedFilters: { dimension: string; value: string }[] | null;
    /** The embed link read with: its dashboard and period, which bound every query it makes. */
    embedLink: { dashboardId: number; days: number | null } | null;
    /** The session's CSRF token (sessions only). */
    csrf: string | null;
  }
}

export interface ApiRoute {
  method: string;
  url: string;
  permission: Permission | null;
  public: boolean;
  doc: RouteDoc;
}
const apiRoutes = new WeakMap<FastifyInstance, ApiRoute[]>();

/** Every /api route the server answers, with what it needs: the hardening tests walk them all. */
export const apiRoutesOf = (app: FastifyInstance): readonly ApiRoute[] => apiRoutes.get(app) ?? [];

const unauthorized = () =>
  new ZhongtaiError('UNAUTHORIZED', {
    en: 'Sign in first (or send an API token: Authorization: Bearer zt_…)',
    zh: '请先登录（或使用 API 令牌：Authorization: Bearer zt_…）',
  });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Read permissions an embed link carries: what a dashboard needs to draw itself, nothing more. */
const EMBED_PERMISSIONS: ReadonlySet<Permission> = new Set(['data.read']);
/** The only routes an embed link opens: its page's catalogue, data range and tile queries. */
const EMBED_ROUTES = new Set(['GET /api/v1/catalog', 'GET /api/v1/health', 'POST /api/v1/query']);

async function authenticate(store: AppStore, request: FastifyRequest): Promise<void> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) {
    const found = await tokenPrincipal(store, bearer);
    if (!found) throw unauthorized();
    request.principal = found.principal;
    request.via = 'token';
    request.tokenSource = found.source;
    return;
  }
  const embed = request.headers[EMBED_HEADER];
  if (typeof embed === 'string' && embed) {
    const claims = await verifyEmbedLink(store, embed);
    const maker = await cachedPrincipal(store, claims.u);
    if (!maker) throw unauthorized();
    request.principal = { ...maker, permissions: EMBED_PERMISSIONS };
    request.via = 'embed';
    request.embedFilters = claims.f;
    request.embedLink = { dashboardId: claims.d, days: claims.days ?? null };
    return;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) {
    const session = await sessionOf(store, cookie);
    if (!session) throw unauthorized();
    // Double-submit: a cross-site form can send the cookie but cannot read the token the app got at sign-in.
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrf)
      throw new ZhongtaiError('FORBIDDEN', {
        en: `Missing or wrong ${CSRF_HEADER} header (CSRF protection); reload the page`,
        zh: `缺少或错误的 ${CSRF_HEADER} 请求头（CSRF 防护），请刷新页面`,
      });
    request.principal = session.principal;
    request.via = 'session';
    request.csrf = session.csrf;
  }
}

/**
 * Every /api route is either public or names the permission it needs: a route that says neither makes the
 * server refuse to start, so a new endpoint cannot be left open by forgetting.
 */
export async function installAuth(app: FastifyInstance, store: AppStore): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest('principal', null);
  app.decorateRequest('via', null);
  app.decorateRequest('tokenSource', null);
  app.decorateRequest('embedFilters', null);
  app.decorateRequest('embedLink', null);
  app.decorateRequest('csrf', null);
  const routes: ApiRoute[] = [];
  apiRoutes.set(app, routes);
  app.addHook('onRoute', (route) => {
    const config = route.config as { permission?: Permission; public?: boolean; doc?: RouteDoc } | undefined;
    if (!route.url.startsWith('/api/')) return;
    if (!config?.public && !config?.permission)
      throw new Error(`route ${route.method} ${route.url} names neither a permission nor public`);
    if (!config.doc)
      throw new Error(`route ${route.method} ${route.url} has no doc for the OpenAPI document`);
    for (const method of [route.method].flat())
      if (method !== 'HEAD')
        routes.push({
          method,
          url: route.url,
          permission: config.permission ?? null,
          public: Boolean(config.public),
          doc: config.doc,
        });
  });
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config as { permission?: Permission; public?: boolean };
    if (!request.routeOptions.url?.startsWith('/api/') || config.public) return;
    await authenticate(store, request);
    const principal = request.principal;
    if (!principal) throw unauthorized();
    if (request.via === 'embed' && !EMBED_ROUTES.has(`${request.method} ${request.routeOptions.url}`))
      throw new ZhongtaiError('FORBIDDEN', {
        en: 'An embed link only shows its dashboard',
        zh: '嵌入链接只能显示其看板',
      });
    if (config.permission && !principal.permissions.has(config.permission))
      throw new ZhongtaiError('FORBIDDEN', {
        en: `Your role (${principal.role}) may not do this (needs ${config.permission})`,
        zh: `您的角色（${principal.role}）无权执行此操作（需要 ${config.permission} 权限）`,
      });
  });
}

/**
 * Who is asking, on a public route that answers everyone (the sign-in page's first look-up): the principal
 * when the credentials hold, nobody otherwise — never an error.
 */
export async function identify(store: AppStore, request: FastifyRequest): Promise<void> {
  try {
    await authenticate(store, request);
  } catch {
    request.principal = null;
    request.via = null;
  }
}

/** The caller, on a route that required one. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

export const scopeOf = (request: FastifyRequest): DataScope => callerOf(request).scope;

/** Where a request came from, for the audit log. */
export const clientIp = (request: FastifyRequest): string => request.ip;
