import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type AppStore, openAppStore } from '../../src/appstore/index.js';
import { buildServer } from '../../src/server/index.js';
import type { DuckDbEngine, Engine } from '../../src/warehouse/index.js';
import { ARTIFACTS } from './paths.js';

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

/** A new page that records console errors and uncaught exceptions. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
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
  appStore?: AppStore,
): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildServer({ engine, ...(appStore ? { appStore } : {}) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** What an end-to-end test runs against: the server over a warehouse (and an application store), a browser. */
export interface World {
  engine: DuckDbEngine;
  appStore?: AppStore;
  app: FastifyInstance;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function openWorld(engine: DuckDbEngine, appStore?: AppStore): Promise<World> {
  const { app, base } = await serveOnLoopback(engine, appStore);
  const browser = await launchBrowser();
  mkdirSync(join(ARTIFACTS, 'screenshots'), { recursive: true });
  return {
    engine,
    ...(appStore ? { appStore } : {}),
    app,
    base,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await engine.close();
      await appStore?.close();
    },
  };
}

/** A fresh embedded application store in a temporary folder. */
export const tempAppStore = (): Promise<AppStore> =>
  openAppStore({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-e2e-')), 'app') });

/** POST /api/v1/query of a running server. */
export async function queryApi(base: string, body: object) {
  const response = await fetch(`${base}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}
