import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { AppStore } from '../../src/appstore/index.js';
import { buildServer } from '../../src/server/index.js';
import type { Engine, Warehouse } from '../../src/warehouse/index.js';
import { ARTIFACTS } from './paths.js';
import { tempAppStore, userWithToken } from './server.js';

/** Debian's headless Chromium, driven by playwright-core (no browser download). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Who the pages of a world's browser sign in as by default, and where. */
const sessions = new WeakMap<Browser, { base: string; username: string; password: string }>();
const tokens = new Map<string, string>();

/** Signs a page's browser context in through the real sign-in endpoint (its HttpOnly cookie). */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${username} failed: ${response.status}`);
  const cookie = /zt_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error('no session cookie');
  await page
    .context()
    .addCookies([{ name: 'zt_session', value: cookie, url: base, httpOnly: true, sameSite: 'Strict' }]);
}

/**
 * A new page that records console errors and uncaught exceptions, signed in as the world's administrator
 * (`anonymous`: signed in as nobody, e.g. for an embed link).
 */
export async function watchedPage(
  browser: Browser,
  options: { anonymous?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
  const admin = sessions.get(browser);
  if (admin && !options.anonymous) await signIn(page, admin.base, admin.username, admin.password);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}

/** Every tile loaded and chart animations done, so screenshots show what a person sees. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, {
    timeout: 60_000,
  });
  await page.waitForTimeout(1200);
}

/** The real server over `engine` on a free loopback port, with the built web app; its base URL. */
export async function serveOnLoopback(
  engine: Engine,
  appStore: AppStore,
): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildServer({ engine, appStore });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** What an end-to-end test runs against: the server over a warehouse (and an application store), a browser. */
export interface World {
  engine: Warehouse;
  appStore: AppStore;
  /** The administrator the pages sign in as, with an API token for fetches. */
  admin: { userId: number; username: string; password: string; token: string };
  app: FastifyInstance;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function openWorld(engine: Warehouse, given?: AppStore): Promise<World> {
  const appStore = given ?? (await tempAppStore());
  const admin = await userWithToken(appStore, 'admin');
  const { app, base } = await serveOnLoopback(engine, appStore);
  const browser = await launchBrowser();
  sessions.set(browser, { base, username: admin.username, password: admin.password });
  tokens.set(base, admin.token);
  mkdirSync(join(ARTIFACTS, 'screenshots'), { recursive: true });
  return {
    engine,
    appStore,
    admin,
    app,
    base,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await engine.close();
      await appStore.close();
    },
  };
}

export { tempAppStore };

/** Headers of the world's administrator for fetches to a running server. */
export const adminHeaders = (base: string): Record<string, string> => ({
  authorization: `Bearer ${tokens.get(base) ?? ''}`,
});

/** POST /api/v1/query of a running server, as its administrator (or with the token given). */
export async function queryApi(base: string, body: object, token = tokens.get(base)) {
  const response = await fetch(`${base}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify(body),
  });
  return response.json();
}
