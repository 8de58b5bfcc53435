import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { offlineQrPayload, renderCertificatePage, type CertificatePage, type CertificateView } from '../src/certificate-page';
import { compactCredential, HOSTILE, welderCertificate } from './certificate-views';

/**
 * The printable certificate in a real browser: Debian's Chromium, headless, driven by playwright-core,
 * loading the page from a local HTTP server the way the service serves it (with its headers). The QR
 * codes are read back from screenshots by jsQR; the PDF is Chromium's own print. `npm test` installs the
 * browser first (scripts/chromium.mjs).
 */
const CHROMIUM = process.env.HOMEWARD_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT = join(__dirname, '../../../.local/certificate-print');
/** A4 at 96 CSS pixels per inch; three device pixels per CSS pixel so the dense QR code has room. */
const VIEWPORT = { width: 794, height: 1123 };
const SCALE = 3;

interface Served {
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}
const routes = new Map<string, Served>();
let server: Server;
let origin: string;
let browser: Browser;

function serve(path: string, page: Served): string {
  routes.set(path, page);
  return `${origin}${path}`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`node scripts/chromium.mjs\` as root (it installs Debian's chromium), or set HOMEWARD_CHROMIUM`,
    );
  }
  mkdirSync(OUTPUT, { recursive: true });
  server = createServer((request, response) => {
    const page = routes.get(request.url ?? '');
    if (!page) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, page.headers).end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface Visit {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly requests: string[];
  readonly dialogs: string[];
  readonly console: string[];
}

async function visit(url: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: SCALE, javaScriptEnabled: true });
  const page = await context.newPage();
  const visited: Visit = { context, page, requests: [], dialogs: [], console: [] };
  page.on('request', (request) => visited.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    visited.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => visited.console.push(`${message.type()}: ${message.text()}`));
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return visited;
}

/** Saves a full-page screenshot and checks that it is a PNG of a page-sized image. */
async function screenshot(page: Page, name: string): Promise<PNG> {
  const bytes = await page.screenshot({ fullPage: true, type: 'png' });
  writeFileSync(join(OUTPUT, `${name}.png`), bytes);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.length).toBeGreaterThan(30_000);
  expect(bytes.length).toBeLessThan(20_000_000);
  const png = PNG.sync.read(bytes);
  expect(png.width).toBe(VIEWPORT.width * SCALE);
  expect(png.height).toBeGreaterThan(png.width);
  return png;
}

/** Reads the QR code drawn by the SVG that `selector` finds, from the screenshot's pixels only. */
async function readQr(page: Page, png: PNG, selector: string): Promise<string | undefined> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on the page`);
  const margin = 4 * SCALE;
  const left = Math.max(0, Math.floor(box.x * SCALE) - margin);
  const top = Math.max(0, Math.floor(box.y * SCALE) - margin);
  const width = Math.min(png.width - left, Math.ceil(box.width * SCALE) + 2 * margin);
  const height = Math.min(png.height - top, Math.ceil(box.height * SCALE) + 2 * margin);
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row += 1) {
    const from = ((top + row) * png.width + left) * 4;
    pixels.set(png.data.subarray(from, from + width * 4), row * width * 4);
  }
  return jsQR(pixels, width, height)?.data;
}

/** One computed style property of the element, read in the page (the package's types have no DOM). */
function computedStyle(locator: Locator, property: 'direction' | 'fontSize'): Promise<string> {
  return locator.evaluate(
    (element, name) =>
      (globalThis as unknown as { getComputedStyle(element: unknown): Record<string, string> }).getComputedStyle(element)[name]!,
    property,
  );
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** What axe-core (WCAG 2.1 A and AA, and its best practices) finds wrong with the loaded page. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((result) => result.violations.map((violation) => violation.id + ': ' + violation.nodes.map((node) => node.target.join(' ')).join(', ')))`);
}

async function printPdf(page: Page, name: string): Promise<{ bytes: Buffer; pages: number }> {
  const bytes = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  writeFileSync(join(OUTPUT, `${name}.pdf`), bytes);
  // Chromium writes each page's dictionary uncompressed: `/Type /Page` (the page tree is `/Pages`).
  const pages = bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  return { bytes, pages };
}

function withoutPolicy(page: CertificatePage): Served {
  const { 'content-security-policy': _policy, ...headers } = page.headers;
  return { html: page.html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''), headers };
}

describe('a valid full qualification, printed without the holder name', () => {
  const view = welderCertificate();
  const rendered = renderCertificatePage(view);
  let visited: Visit;

  beforeAll(async () => {
    visited = await visit(serve('/certificate/plain', rendered));
  });
  afterAll(async () => visited?.context.close());

  it('loads with its own style sheet only, nothing else fetched, nothing refused by the policy', async () => {
    expect(visited.requests).toEqual([`${origin}/certificate/plain`]);
    expect(visited.console).toEqual([]);
    // 22 pt: the style sheet was applied, so its hash in the policy is right.
    expect(await computedStyle(visited.page.locator('h1'), 'fontSize')).toBe('29.3333px');
    expect(await visited.page.locator('script').count()).toBe(0);
    expect(await visited.page.title()).toBe('Full qualification SC-2026-000123');
    expect(await visited.page.locator('html').getAttribute('lang')).toBe('en');
  });

  it('passes the accessibility rules of axe-core', async () => {
    expect(await accessibilityViolations(visited.page)).toEqual([]);
  });

  it('shows a QR code that a reader decodes, from the screenshot, to the verification URL', async () => {
    const png = await screenshot(visited.page, 'certificate');
    expect(await readQr(visited.page, png, 'figure.qr-url svg')).toBe(view.verificationUrl);
    expect(await visited.page.locator('svg.qr').count()).toBe(1);
  });

  it('keeps the QR code readable with the print style sheet', async () => {
    await visited.page.emulateMedia({ media: 'print' });
    const png = await screenshot(visited.page, 'certificate-print-media');
    expect(await readQr(visited.page, png, 'figure.qr-url svg')).toBe(view.verificationUrl);
    await visited.page.emulateMedia({ media: 'screen' });
  });

  it('prints to a one-page A4 PDF', async () => {
    const pdf = await printPdf(visited.page, 'certificate');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.pages).toBe(1);
    // A4 is 210 × 297 mm: 595 × 842 points.
    const mediaBox = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.bytes.toString('latin1'));
    expect(Math.round(Number(mediaBox?.[1]))).toBe(595);
    expect(Math.round(Number(mediaBox?.[2]))).toBe(842);
    // The printed verification address is a link in the PDF.
    expect(pdf.bytes.toString('latin1')).toContain(`/URI (${view.verificationUrl})`);
  });

  it('has a style sheet the policy would refuse if it were not the page’s own', async () => {
    const tampered = rendered.html.replace('</head>', '<style>h1 { font-size: 8px; }</style></head>');
    const other = await visit(serve('/certificate/tampered-style', { html: tampered, headers: rendered.headers }));
    try {
      expect(await computedStyle(other.page.locator('h1'), 'fontSize')).toBe('29.3333px');
      expect(other.console.join('\n')).toMatch(/Content Security Policy/);
    } finally {
      await other.context.close();
    }
  });
});

describe('a certificate of competency printed by its holder, with the signed credential', () => {
  const base = welderCertificate({ kind: 'certificate_of_competency', holderName: 'Maria Santos Dela Cruz' });
  const view: CertificateView = { ...base, compactCredential: compactCredential(base) };
  let visited: Visit;

  beforeAll(async () => {
    visited = await visit(serve('/certificate/holder', renderCertificatePage(view)));
  });
  afterAll(async () => visited?.context.close());

  it('shows the name, and both QR codes decode from the screenshot: the URL, and the URL with the compact credential', async () => {
    expect(await visited.page.locator('.holder').textContent()).toBe('Maria Santos Dela Cruz');
    const png = await screenshot(visited.page, 'certificate-holder');
    expect(await readQr(visited.page, png, 'figure.qr-url svg')).toBe(view.verificationUrl);
    expect(await readQr(visited.page, png, 'figure.qr-credential svg')).toBe(
      offlineQrPayload(view.verificationUrl, view.compactCredential!),
    );
  });

  it('passes the accessibility rules of axe-core', async () => {
    expect(await accessibilityViolations(visited.page)).toEqual([]);
  });

  it('still prints on one A4 page', async () => {
    const pdf = await printPdf(visited.page, 'certificate-holder');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.pages).toBe(1);
  });
});

describe('a credential near the capacity of a QR code', () => {
  it('is still read back from the screenshot, on a page that prints on one A4 sheet', async () => {
    const units = Array.from({ length: 9 }, (_, index) => ({
      code: `MAN-WLD-${String(201 + index)}`,
      title: `Weld unit number ${index + 1} in position`,
    }));
    const base = welderCertificate({ units, holderName: 'Maria Santos Dela Cruz' });
    const view: CertificateView = { ...base, compactCredential: compactCredential(base) };
    // Version 40 at error correction L holds 2,953 bytes.
    expect(view.compactCredential!.length).toBeGreaterThan(2_600);
    const rendered = renderCertificatePage(view);
    expect(rendered.offlineCredential).toBe('included');
    const visited = await visit(serve('/certificate/dense', rendered));
    try {
      const png = await screenshot(visited.page, 'certificate-dense');
      expect(await readQr(visited.page, png, 'figure.qr-credential svg')).toBe(
        offlineQrPayload(view.verificationUrl, view.compactCredential!),
      );
      expect(await readQr(visited.page, png, 'figure.qr-url svg')).toBe(view.verificationUrl);
      expect((await printPdf(visited.page, 'certificate-dense')).pages).toBe(1);
    } finally {
      await visited.context.close();
    }
  });
});

describe('a certificate with many units', () => {
  it('runs onto more pages, the units table header repeated', async () => {
    const units = Array.from({ length: 40 }, (_, index) => ({
      code: `MAN-WLD-${String(300 + index)}`,
      title: `Weld pipe joints in position ${index + 1} to the procedure specification, and record the result`,
    }));
    const visited = await visit(serve('/certificate/long', renderCertificatePage(welderCertificate({ units }))));
    try {
      const pdf = await printPdf(visited.page, 'certificate-long');
      expect(pdf.pages).toBeGreaterThanOrEqual(2);
    } finally {
      await visited.context.close();
    }
  });
});

describe('hostile names and titles', () => {
  const view = welderCertificate({
    holderName: HOSTILE.name,
    standard: { id: 'std-welding-gmaw-l2', version: 3, title: HOSTILE.title },
    units: [
      { code: 'MAN-WLD-201', title: HOSTILE.unitTitle },
      { code: 'MAN-WLD-202', title: 'Prepare weld joints and materials' },
    ],
    issuingBody: HOSTILE.issuingBody,
  });
  const rendered = renderCertificatePage(view);

  it.each([
    ['with its Content-Security-Policy', '/certificate/hostile', rendered],
    ['with no policy at all: the escaping alone holds', '/certificate/hostile-no-policy', withoutPolicy(rendered)],
  ])('run nothing and load nothing, %s', async (_label, path, served) => {
    const visited = await visit(serve(path, served));
    try {
      const { page } = visited;
      expect(visited.dialogs).toEqual([]);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator('script, img, iframe').count()).toBe(0);
      expect(await page.locator('style').count()).toBe(1);
      expect(visited.requests).toEqual([`${origin}${path}`]);
      // Shown exactly as given, as text.
      expect(await page.locator('.holder').textContent()).toBe(HOSTILE.name);
      expect(await page.locator('.standard-title').textContent()).toBe(HOSTILE.title);
      expect(await page.locator('tbody tr').first().locator('td').nth(1).textContent()).toBe(HOSTILE.unitTitle);
      expect(await page.locator('.issuer').textContent()).toBe(HOSTILE.issuingBody);
      expect(await page.locator('tbody tr').count()).toBe(2);
      expect(await page.title()).toBe('Full qualification SC-2026-000123');
      expect(await page.locator('main').isVisible()).toBe(true);
      const png = await screenshot(page, `certificate-hostile${path.endsWith('policy') ? '-no-policy' : ''}`);
      expect(await readQr(page, png, 'figure.qr-url svg')).toBe(view.verificationUrl);
    } finally {
      await visited.context.close();
    }
  });
});

describe('names and titles in right-to-left and non-Latin scripts', () => {
  const view = welderCertificate({
    holderName: 'محمد عبد الله الشمري',
    standard: { id: 'std-welding-gmaw-l2', version: 3, title: 'वेल्डिङ, तह दुई' },
    occupation: { iscoCode: '7212', title: 'ช่างเชื่อมและช่างตัดโลหะ' },
    units: [
      { code: 'MAN-WLD-201', title: 'ការអនុវត្តសុវត្ថិភាពក្នុងការផ្សារ' },
      { code: 'MAN-WLD-202', title: '准备焊接接头和材料' },
      { code: 'MAN-WLD-203', title: 'הכנת חיבורי ריתוך' },
    ],
    issuingBody: 'Pambansang Lupon sa Pagsusulit ng Kasanayan',
  });

  it('keeps every text exactly, sets right-to-left names right to left, and the page left to right', async () => {
    const visited = await visit(serve('/certificate/scripts', renderCertificatePage(view)));
    try {
      const { page } = visited;
      expect(await page.locator('.holder').textContent()).toBe(view.holderName);
      expect(await computedStyle(page.locator('.holder'), 'direction')).toBe('rtl');
      expect(await computedStyle(page.locator('tbody tr').nth(2).locator('td').nth(1), 'direction')).toBe('rtl');
      expect(await computedStyle(page.locator('h1'), 'direction')).toBe('ltr');
      expect(await page.locator('.standard-title').textContent()).toBe('वेल्डिङ, तह दुई');
      expect(await page.locator('tbody td:nth-child(2)').allTextContents()).toEqual(view.units.map((unit) => unit.title));
      const png = await screenshot(page, 'certificate-scripts');
      expect(await readQr(page, png, 'figure.qr-url svg')).toBe(view.verificationUrl);
    } finally {
      await visited.context.close();
    }
  });
});
