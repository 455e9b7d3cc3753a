import { existsSync } from 'node:fs';
import { ConflictError } from '../store/errors.js';

/** The Chromium the PDF export drives: CHROMIUM_PATH, or Debian's package. */
export function chromiumPath(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p) => p && existsSync(p),
  );
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Prints a rendered page to A4 PDF in headless Chromium; the page's own links resolve against baseUrl. */
export async function renderPdf(html: string, baseUrl: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new ConflictError({
      zh: '服务器未安装 Chromium，无法生成 PDF；请使用浏览器的"打印"功能',
      en: 'Chromium is not installed on the server, so no PDF can be made; use the browser’s Print instead',
    });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent(html.replace('<head>', `<head><base href="${baseUrl}">`), { waitUntil: 'load' });
    return Buffer.from(
      await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
      }),
    );
  } finally {
    await browser.close();
  }
}
