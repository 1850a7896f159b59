import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  changeOwnPassword,
  recordAudit,
  SESSION_HOURS,
  signIn,
  signOut,
} from '../../appstore/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { callerOf, clientIp, identify, SESSION_COOKIE } from '../auth.js';
import { parseBody } from '../body.js';

const signInSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();

const passwordSchema = z
  .object({
    current: z.string().min(1).max(256),
    next: z.string().min(1).max(256),
    /** Also revoke every API token of this user (a password thought leaked may have made them). */
    revokeTokens: z.boolean().default(false),
  })
  .strict();

const publicUser = (p: ReturnType<typeof callerOf>) => ({
  username: p.username,
  displayName: p.displayName,
  role: p.role,
  permissions: [...p.permissions].sort(),
  scope: p.scope,
});

/** Sign-in for the web app: a session cookie (HttpOnly, SameSite=Strict) and a CSRF token to send back. */
export function authRoutes(app: FastifyInstance, store: AppStore, secureCookies: boolean): void {
  app.post(
    '/api/v1/auth/login',
    // Guessing is slowed twice: per address here, per account by the lockout.
    { config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const { username, password } = parseBody(signInSchema, request.body);
      const session = await signIn(store, username, password, clientIp(request));
      reply.setCookie(SESSION_COOKIE, session.id, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies || request.protocol === 'https',
        maxAge: SESSION_HOURS * 3600,
      });
      return { user: publicUser(session.principal), csrf: session.csrf, expiresAt: session.expiresAt };
    },
  );
  app.post('/api/v1/auth/logout', { config: { permission: 'data.read' } }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await signOut(store, cookie);
    await recordAudit(store, { actor: callerOf(request).username, action: 'logout', ip: clientIp(request) });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
  // 修改密码: anyone signed in through the web app, for their own account.
  app.post('/api/v1/auth/password', { config: { permission: 'data.read' } }, async (request, reply) => {
    const caller = callerOf(request);
    if (request.via !== 'session')
      throw new ZhongtaiError('FORBIDDEN', {
        en: 'A password is changed by its person, signed in',
        zh: '密码只能由本人登录后修改',
      });
    const { current, next, revokeTokens } = parseBody(passwordSchema, request.body);
    const done = await changeOwnPassword(
      store,
      caller.userId,
      current,
      next,
      request.cookies[SESSION_COOKIE] ?? null,
      { revokeTokens },
    );
    await recordAudit(store, {
      actor: caller.username,
      action: 'user.password',
      target: caller.username,
      detail: { revokedTokens: done.revokedTokens },
      ip: clientIp(request),
    });
    return reply.code(200).send(done);
  });
  // Answers everyone, so the sign-in page asks without a failed request: signed out (or an embed link, whose
  // viewers must not learn who made it) is `user: null`.
  app.get('/api/v1/auth/me', { config: { public: true } }, async (request) => {
    await identify(store, request);
    if (!request.principal || (request.via !== 'session' && request.via !== 'token'))
      return { user: null, via: null, csrf: null };
    // The CSRF token again, for a page reloaded after sign-in.
    return { user: publicUser(request.principal), via: request.via, csrf: request.csrf };
  });
}
