import { existsSync } from 'node:fs';

/**
 * A dashboard's picture, taken by a headless Chromium opening its embed link (so it shows what the link's maker —
 * the recipient — may see). Chromium is the system's (Debian `chromium`, or ZHONGTAI_CHROMIUM); where there is none
 * the caller sends a table of figures instead and says so.
 */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | null {
  const given = process.env.ZHONGTAI_CHROMIUM;
  if (given !== undefined) return given && existsSync(given) ? given : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export interface RenderRequest {
  /** The server's own address, as the browser reaches it. */
  baseUrl: string;
  /** The embed link's path (/embed/…). */
  path: string;
  /** One tile's test id (tile-<id>): only it is pictured. */
  tile?: string;
  width?: number;
  lang?: 'zh' | 'en';
}

export async function renderDashboard(request: RenderRequest): Promise<Buffer | null> {
  const executablePath = chromiumPath();
  if (!executablePath) return null;
  // Loaded on use: the server without a browser never pays for it.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({
      viewport: { width: request.width ?? 1280, height: 900 },
      deviceScaleFactor: 1,
      locale: request.lang === 'en' ? 'en-US' : 'zh-CN',
    });
    await page.goto(`${request.baseUrl}${request.path}`, { waitUntil: 'networkidle', timeout: 60_000 });
    await page.getByTestId('embed').waitFor({ timeout: 30_000 });
    // Every tile answered (or said why not), and charts past their entrance animation.
    await page.waitForFunction(
      () => document.querySelectorAll('[aria-busy="true"]').length === 0,
      undefined,
      {
        timeout: 60_000,
      },
    );
    await page.waitForTimeout(1200);
    const target = request.tile ? page.getByTestId(request.tile) : page.getByTestId('embed');
    return await target.screenshot({ type: 'png', timeout: 30_000 });
  } finally {
    await browser.close();
  }
}
