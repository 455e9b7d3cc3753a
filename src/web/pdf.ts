import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../store/errors.js';
import { ROOT } from '../paths.js';

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

// one PDF at a time per process: each one starts a browser, and a queue keeps a burst from exhausting memory
let queue: Promise<unknown> = Promise.resolve();

/**
 * Prints a rendered page to A4 PDF in headless Chromium. The stylesheet is inlined, scripts are off and
 * every network request is refused: the PDF is made from the page alone.
 */
export function renderPdf(html: string): Promise<Buffer> {
  const run = queue.then(() => print(html));
  queue = run.catch(() => undefined);
  return run;
}

/** Printable width of A4 with 12 mm side margins, in CSS pixels (96 per inch): portrait and landscape. */
const PORTRAIT_PX = Math.floor(((210 - 24) / 25.4) * 96);
const LANDSCAPE_PX = Math.floor(((297 - 24) / 25.4) * 96);

/**
 * No column is lost: the page is laid out at the portrait width; when a table is wider, at the landscape width;
 * when it is wider still, the print is scaled down to fit (not below 0.4). Widths are read from the layout
 * through the browser's protocol (the page's own scripts stay off).
 */
async function fitToPage(
  page: import('playwright-core').Page,
  html: string,
): Promise<{ landscape: boolean; scale: number }> {
  const widest = async (width: number) => {
    await page.setViewportSize({ width, height: 1000 });
    await page.setContent(html, { waitUntil: 'load' });
    let max = 0;
    for (const table of await page.locator('table, svg').all()) {
      const box = await table.boundingBox();
      if (box) max = Math.max(max, box.x + box.width);
    }
    return max;
  };
  if ((await widest(PORTRAIT_PX)) <= PORTRAIT_PX + 1) return { landscape: false, scale: 1 };
  // a scaled print lays the page out wider, and a table given more room widens (its columns wrap less): widen
  // the layout until the widest table fits in it, then print at the scale that puts that layout on the page
  let width = LANDSCAPE_PX;
  for (let round = 0; round < 6; round++) {
    const wide = await widest(width);
    if (wide <= width + 1) break;
    width = Math.ceil(wide);
  }
  return { landscape: true, scale: Math.max(0.4, Math.min(1, LANDSCAPE_PX / width)) };
}

const PAGE_FOOTER =
  '<div style="width:100%;font-size:8pt;text-align:center;color:#444;font-family:\'Noto Sans CJK SC\',sans-serif">' +
  '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页 · ' +
  'page <span class="pageNumber"></span> of <span class="totalPages"></span></div>';

const STYLESHEET = join(ROOT, 'src/web/static/app.css');

async function print(html: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new ConflictError({
      zh: '服务器未安装 Chromium，无法生成 PDF；请使用浏览器的"打印"功能',
      en: 'Chromium is not installed on the server, so no PDF can be made; use the browser’s Print instead',
    });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.route('**/*', (route) => route.abort());
    const css = readFileSync(STYLESHEET, 'utf8');
    const standalone = html
      .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${css}</style>`)
      .replace(/<script[^>]*><\/script>/g, '');
    await page.emulateMedia({ media: 'print' });
    const layout = await fitToPage(page, standalone);
    return Buffer.from(
      await page.pdf({
        format: 'A4',
        landscape: layout.landscape,
        scale: layout.scale,
        printBackground: true,
        // page numbers on every page: 第 N 页 / 共 M 页 (Chromium fills the spans)
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: PAGE_FOOTER,
        margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
      }),
    );
  } finally {
    await browser.close();
  }
}

/**
 * A page view printed to PDF: the view and the layout rendered with `printing` set (no forms, no navigation),
 * then printed by renderPdf (page numbers, fit to the page). For report pages that are not under /reports.
 */
export async function pdfOfView(
  res: import('express').Response,
  view: string,
  data: Record<string, unknown> & { title: string },
): Promise<Buffer> {
  const render = (name: string, locals: Record<string, unknown>) =>
    new Promise<string>((resolve, reject) =>
      res.render(name, locals, (err, html) => (err ? reject(err) : resolve(html))),
    );
  const body = await render(view, { ...res.locals, ...data, printing: true });
  return renderPdf(await render('layout', { ...res.locals, body, title: data.title, printing: true }));
}
