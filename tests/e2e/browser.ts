/**
 * What every browser test starts with: the app on a free loopback port over a fresh database, and headless
 * Chromium. CI installs Chromium and sets E2E_REQUIRED=1, so there a missing browser fails instead of skipping.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../src/web/pdf.js';
import { ROOT, startApp, type TestApp } from '../integration/harness.js';

export const SHOTS = join(ROOT, 'tests/e2e/screenshots');
export const executablePath = chromiumPath();
if (!executablePath && process.env.E2E_REQUIRED)
  throw new Error('Chromium is required for the browser tests');

export interface BrowserApp {
  readonly t: TestApp;
  readonly base: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function startBrowserApp(o: { sample?: boolean } = {}): Promise<BrowserApp> {
  mkdirSync(SHOTS, { recursive: true });
  const t = await startApp(o);
  const server: Server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  return {
    t,
    base,
    browser,
    async close() {
      await browser.close();
      server.close();
      await t.close();
    },
  };
}

/**
 * Starts the app and Chromium before a file's tests and stops them after; the fields of the returned object are
 * read once the tests run.
 */
export function useBrowserApp(timeoutMs: number, o: { sample?: boolean } = {}): Omit<BrowserApp, 'close'> {
  let app: BrowserApp | undefined;
  beforeAll(async () => {
    app = await startBrowserApp(o);
  }, timeoutMs);
  afterAll(() => app?.close());
  const started = () => {
    if (!app) throw new Error('the browser app has not started');
    return app;
  };
  return {
    get t() {
      return started().t;
    },
    get base() {
      return started().base;
    },
    get browser() {
      return started().browser;
    },
  };
}
