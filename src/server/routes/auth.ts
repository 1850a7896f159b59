import type { FastifyInstance } from 'fastify';
import {
  type AppStore,
  changeOwnPassword,
  recordAudit,
  SESSION_HOURS,
  signIn,
  signOut,
} from '../../appstore/index.js';
import { passwordChangeSchema, signInSchema } from '../../contract/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { callerOf, clientIp, identify, SESSION_COOKIE } from '../auth.js';
import { parseBody } from '../body.js';
import { anyone, needs } from '../openapi.js';

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
    {
      config: {
        public: true,
        rateLimit: { max: 10, timeWindow: '1 minute' },
        doc: {
          summary: 'Sign in with a password: sets the session cookie, returns the CSRF token 登录',
          body: signInSchema,
          answers: {
            '200': 'Signed in: { user, csrf, expiresAt }',
            '401': 'Wrong user name or password',
            '429': 'Locked after repeated failures, or too many attempts from this address',
          },
        },
      },
    },
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
  app.post(
    '/api/v1/auth/logout',
    {
      config: {
        permission: 'data.read',
        doc: { summary: 'Sign out 退出登录', answers: { '204': 'Signed out' } },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) await signOut(store, cookie);
      await recordAudit(store, {
        actor: callerOf(request).username,
        action: 'logout',
        ip: clientIp(request),
      });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );
  // 修改密码: anyone signed in through the web app, for their own account.
  app.post(
    '/api/v1/auth/password',
    needs('data.read', {
      summary: 'Change your own password (signed in; the current one checked; other sessions end) 修改密码',
      body: passwordChangeSchema,
      answers: {
        '200': 'Changed: { revokedTokens } (with revokeTokens: true, every API token of the user is revoked)',
        '403': 'Wrong current password, or not a signed-in session',
        '429': 'Five wrong current passwords: locked for 15 minutes',
      },
    }),
    async (request, reply) => {
      const caller = callerOf(request);
      if (request.via !== 'session')
        throw new ZhongtaiError('FORBIDDEN', {
          en: 'A password is changed by its person, signed in',
          zh: '密码只能由本人登录后修改',
        });
      const { current, next, revokeTokens } = parseBody(passwordChangeSchema, request.body);
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
    },
  );
  // Answers everyone, so the sign-in page asks without a failed request: signed out (or an embed link, whose
  // viewers must not learn who made it) is `user: null`.
  app.get(
    '/api/v1/auth/me',
    anyone({
      summary: 'Who is signed in, with role, permissions, grants and CSRF token 当前用户',
      answers: { '200': '{ user, via, csrf }; user null when signed out' },
    }),
    async (request) => {
      await identify(store, request);
      if (!request.principal || (request.via !== 'session' && request.via !== 'token'))
        return { user: null, via: null, csrf: null };
      // The CSRF token again, for a page reloaded after sign-in.
      return { user: publicUser(request.principal), via: request.via, csrf: request.csrf };
    },
  );
}
