import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmbedRequest } from '../contract/index.js';
import { ZhongtaiError } from '../model/index.js';
import { type DashboardActor, dashboards, SYSTEM_ACTOR } from './dashboards.js';
import type { AppStore } from './store.js';

export { type EmbedRequest, embedRequestSchema } from '../contract/index.js';

/**
 * Embedding (无缝集成): a dashboard shown in another page (the chain's intranet, a mini-program web-view)
 * by a signed, expiring link that fixes its filters. The token is the claims in base64url and an
 * HMAC-SHA256 of them with a secret kept in the application store; changing one letter, or waiting past
 * the expiry, makes it refused.
 */

interface Claims {
  d: number;
  f: { dimension: string; value: string }[];
  days?: number;
  /** Expiry, seconds since 1970. */
  exp: number;
  /** The user who made the link: its viewers read with that user's grants, as they are now. */
  u: number;
}

async function secretOf(store: AppStore): Promise<Buffer> {
  const [kept] = await store.query<{ value: string }>("SELECT value FROM app_secret WHERE name = 'embed'");
  if (kept) return Buffer.from(kept.value, 'base64');
  // First use: a fresh secret; if two requests race, the first one written wins and both read it back.
  await store.query("INSERT INTO app_secret (name, value) VALUES ('embed', $1) ON CONFLICT DO NOTHING", [
    randomBytes(32).toString('base64'),
  ]);
  return secretOf(store);
}

const sign = (secret: Buffer, payload: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url');

export async function createEmbedLink(
  store: AppStore,
  request: EmbedRequest,
  creator: DashboardActor & { userId: number },
  now = Date.now(),
) {
  // A link to nothing, or to a dashboard its maker cannot see, is refused now, not when opened.
  await dashboards.get(store, request.dashboardId, creator);
  const creatorId = creator.userId;
  const claims: Claims = {
    d: request.dashboardId,
    f: request.filters,
    ...(request.days ? { days: request.days } : {}),
    exp: Math.floor(now / 1000) + request.expiresInMinutes * 60,
    u: creatorId,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const token = `${payload}.${sign(await secretOf(store), payload)}`;
  return { token, path: `/embed/${token}`, expiresAt: new Date(claims.exp * 1000).toISOString() };
}

const refused = (en: string, zh: string) => new ZhongtaiError('UNAUTHORIZED', { en, zh }, { field: 'token' });

/** The claims of a valid link; an altered or expired link, or one from before links named their maker, is refused. */
export async function verifyEmbedLink(store: AppStore, token: string, now = Date.now()): Promise<Claims> {
  const [payload, signature] = token.split('.');
  if (!payload || !signature || token.length > 4096)
    throw refused('This embed link is not valid', '嵌入链接无效');
  const expected = Buffer.from(sign(await secretOf(store), payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw refused('This embed link is not valid (its signature does not match)', '嵌入链接无效（签名不符）');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  if (claims.exp * 1000 < now)
    throw refused(
      `This embed link expired at ${new Date(claims.exp * 1000).toISOString()}`,
      `嵌入链接已于 ${new Date(claims.exp * 1000).toISOString()} 过期`,
    );
  if (typeof claims.u !== 'number')
    throw refused(
      'This embed link predates access control: make a new one',
      '该嵌入链接早于权限控制，请重新生成',
    );
  return claims;
}

/** What a valid link shows: its dashboard and fixed filters. */
export async function openEmbedLink(store: AppStore, token: string, now = Date.now()) {
  const claims = await verifyEmbedLink(store, token, now);
  return {
    // The signed link is the proof: whoever opens it sees the dashboard its maker chose.
    dashboard: await dashboards.get(store, claims.d, SYSTEM_ACTOR),
    filters: claims.f,
    days: claims.days ?? null,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
  };
}
