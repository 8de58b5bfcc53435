import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { testIssuer, testTopicNamespace } from '@homeward/testing/infrastructure';
import { MigrationHistory } from '../src/domain/history/migration-history';
import { buildReport } from '../src/domain/reports/build-report';
import { parsePeriod } from '../src/domain/reports/period';
import { HistoryWriter } from '../src/domain/reports/reports.spec-helpers';
import { render } from '../src/output/render';
import { startStatisticsHarness, type StatisticsHarness } from './statistics.harness';

/**
 * Screenshots by a real browser (Debian's Chromium, headless, driven by playwright-core as in the
 * certificate's browser test; `npm test` installs it with scripts/chromium.mjs): the statistics HTML
 * report, served the way the service serves it, and the statistics service's Swagger UI at `/docs`,
 * served by the running service. Each PNG is checked to be a real picture of the page: the PNG
 * signature, its size, pixels that vary (not a blank page), and the page's heading in the DOM.
 * The PNGs go to .local/screenshots (not committed); docs/screenshots holds a copy for the README.
 * HOMEWARD_UPDATE_SCREENSHOTS=1 copies them there.
 */
const CHROMIUM = process.env.HOMEWARD_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = join(__dirname, '../../..');
const OUTPUT = join(ROOT, '.local/screenshots');
const VIEWPORT = { width: 1280, height: 900 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`node scripts/chromium.mjs\` as root (it installs Debian's chromium), or set HOMEWARD_CHROMIUM`,
    );
  }
  mkdirSync(OUTPUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Takes the page's screenshot, saves it and checks that it is a real, non-blank picture. */
async function screenshot(page: Page, name: string): Promise<{ file: string; distinctColours: number }> {
  const bytes = await page.screenshot({ fullPage: false, type: 'png' });
  const file = join(OUTPUT, `${name}.png`);
  writeFileSync(file, bytes);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const png = PNG.sync.read(readFileSync(file));
  expect({ width: png.width, height: png.height }).toEqual(VIEWPORT);
  // Non-blank: many colours, and a luminance that varies well beyond anti-aliasing noise.
  const colours = new Set<number>();
  let sum = 0;
  let squares = 0;
  const pixels = png.width * png.height;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += y;
    squares += y * y;
  }
  const mean = sum / pixels;
  const variance = squares / pixels - mean * mean;
  expect(colours.size).toBeGreaterThan(50);
  expect(variance).toBeGreaterThan(100);
  if (process.env.HOMEWARD_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
    writeFileSync(join(ROOT, 'docs/screenshots', `${name}.png`), bytes);
  }
  return { file, distinctColours: colours.size };
}

describe('screenshots by a headless browser', () => {
  it('of the statistics HTML report', async () => {
    const writer = new HistoryWriter();
    const destinations = ['SA', 'AE', 'HK', 'SG', 'QA', 'KW'];
    for (let i = 0; i < 60; i++) {
      const id = `w${i}`;
      writer.registered(id, i % 3 === 0 ? 'M' : 'F', 1975 + (i % 25), '2025-01-01');
      const month = String(1 + (i % 9)).padStart(2, '0');
      writer.departed(id, 1, `2025-${month}-0${1 + (i % 8)}`, destinations[i % destinations.length]!, i % 2 ? '9111' : '5322', {
        cost: { currency: 'PHP', amountMinor: 1_000_000 + i * 10_000 },
        income: { currency: 'PHP', amountMinor: 2_000_000 + i * 20_000 },
      });
      if (i % 4 === 0)
        writer.returned(
          id,
          1,
          `2025-${String(10 + (i % 3)).padStart(2, '0')}-15`,
          destinations[i % destinations.length]!,
          'assisted',
          'contract_completed',
        );
    }
    const history = new MigrationHistory();
    for (const fact of writer.facts) history.apply(fact);
    const report = buildReport(history, {
      asOf: '2025-12-31',
      period: parsePeriod('2025'),
      frequency: 'month',
      reports: ['stock', 'departures', 'returns', 'durations', 'recruitment-cost'],
    });
    const rendered = render(report, 'html', { refArea: 'PH', agency: 'PSA' });

    const server: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': rendered.contentType }).end(rendered.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/reports/2025.html`, { waitUntil: 'load' });
      const heading = (await page.locator('h1').first().textContent()) ?? '';
      expect(heading.length).toBeGreaterThan(0);
      expect(await page.title()).toBe(heading);
      expect(await page.locator('svg').count()).toBeGreaterThan(0);
      await screenshot(page, 'statistics-report');
    } finally {
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);

  describe('of Swagger UI', () => {
    let statistics: StatisticsHarness;
    beforeAll(async () => {
      statistics = await startStatisticsHarness(testTopicNamespace(), await testIssuer());
      await statistics.runtime.app.listen(0, '127.0.0.1');
    }, 60_000);
    afterAll(async () => {
      await statistics?.stop();
    });

    it('of the statistics service at /docs', async () => {
      const address = statistics.runtime.app.getHttpServer().address() as AddressInfo;
      const context = await browser.newContext({ viewport: VIEWPORT });
      try {
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${address.port}/docs`, { waitUntil: 'load' });
        // Swagger UI renders the document's title and its operations once it has fetched the document.
        const title = page.locator('.swagger-ui .info .title');
        await title.waitFor({ state: 'visible', timeout: 20_000 });
        await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 20_000 });
        const document = (await (await fetch(`http://127.0.0.1:${address.port}/openapi.json`)).json()) as { info: { title: string } };
        expect(await title.textContent()).toContain(document.info.title);
        expect(await page.locator('.opblock').count()).toBeGreaterThan(1);
        await screenshot(page, 'swagger-ui-statistics');
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});
