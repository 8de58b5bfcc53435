import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { PNG } from 'pngjs';
import { testIssuer } from '@homeward/testing/infrastructure';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';
import { UNITS, givenAssessedCompetent, givenKnownWorker, givenStandardAndCentre, ok, standardContent } from './skills.story';

// The printable certificate end to end, in a real browser against the running service: the service listens
// on 127.0.0.1 (its PUBLIC_BASE_URL, so the QR code leads back to it), Debian's Chromium (playwright-core,
// the flags of @homeward/certificate-print's browser test) opens GET /certificates/{n}/printable with an
// agency's token, the QR code is decoded from the screenshot's pixels (jsQR + pngjs), and the decoded link
// is followed with a plain HTTP GET: valid, then revoked with its reason after the revocation; the browser's
// verification page says revoked too. Screenshots go to .local/skills-certification/ (gitignored).

const CHROMIUM = process.env.HOMEWARD_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT = join(__dirname, '../../../.local/skills-certification');
/** A4 at 96 CSS pixels per inch; three device pixels per CSS pixel so the dense QR code has room. */
const VIEWPORT = { width: 794, height: 1123 };
const SCALE = 3;
const namespaceOf = (topic: string) => topic.slice(0, topic.indexOf('homeward.'));

/** A port free on 127.0.0.1 now, for the service's PUBLIC_BASE_URL and its listener. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Visit {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly response: Response;
  readonly requests: string[];
  readonly console: string[];
  readonly dialogs: string[];
}

/** Saves a full-page screenshot under .local/ and reads it back as pixels. */
async function screenshot(page: Page, name: string): Promise<PNG> {
  const bytes = await page.screenshot({ fullPage: true, type: 'png' });
  writeFileSync(join(OUTPUT, `${name}.png`), bytes);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const png = PNG.sync.read(bytes);
  expect(png.width).toBe(VIEWPORT.width * SCALE);
  return png;
}

/** The QR code drawn by the SVG that `selector` finds, decoded from the screenshot's pixels only. */
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

/** A computed style property of the first element `selector` finds, read in the page (no DOM types here). */
function fontSize(page: Page, selector: string): Promise<string> {
  return page
    .locator(selector)
    .first()
    .evaluate(
      (element) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(element).fontSize,
    );
}

describe('the printable certificate, printed by the running service and checked in Chromium', () => {
  let registry: RegistrationHarness;
  let skills: SkillsHarness;
  let browser: Browser;
  let base: string;
  let centreId: string;
  const standardId = 'rmcs-housekeeping-print';
  const visits: Visit[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: run \`node scripts/chromium.mjs\` as root (it installs Debian's chromium), or set HOMEWARD_CHROMIUM`,
      );
    }
    mkdirSync(OUTPUT, { recursive: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const issuer = await testIssuer();
    registry = await startHarness('skills_print_registry', { issuer });
    skills = await startSkillsHarness('skills_print', {
      issuer,
      env: { TOPIC_NAMESPACE: namespaceOf(registry.runtime.topic), PUBLIC_BASE_URL: base, PORT: String(port) },
    });
    await skills.runtime.app.listen(port, '127.0.0.1');
    ({ centreId } = await givenStandardAndCentre(skills, standardId));
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
  }, 180_000);

  afterAll(async () => {
    for (const visit of visits) await visit.context.close();
    await browser?.close();
    await skills?.stop();
    await registry?.stop();
  });

  /** Opens `url` in a fresh browser context, with an agency's token when given, recording what the page does. */
  async function visit(url: string, token?: string): Promise<Visit> {
    const context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: SCALE,
      javaScriptEnabled: true,
      ...(token ? { extraHTTPHeaders: { authorization: `Bearer ${token}` } } : {}),
    });
    const page = await context.newPage();
    const requests: string[] = [];
    const console: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response) throw new Error(`no response from ${url}`);
    const opened = { context, page, response, requests, console, dialogs };
    visits.push(opened);
    return opened;
  }

  /** A plain HTTP GET of the link, as a verifier's program would make: JSON. */
  async function follow(link: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(link, { headers: { accept: 'application/json' } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('prints a page whose QR code, read from the screenshot, leads to the check: valid, then revoked with its reason', async () => {
    const workerId = await givenKnownWorker(registry, skills);
    await givenAssessedCompetent(skills, workerId, standardId, centreId);
    const issued = await ok(
      skills,
      'POST',
      `/candidates/${workerId}/certificates`,
      { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05', expiresOn: '2029-08-04' },
      skills.tokens.certifier,
    );
    const certificate = issued.body!.certificates[0] as { certificateNumber: string; verificationCode: string; verificationUrl: string };
    const number = certificate.certificateNumber;
    expect(certificate.verificationUrl).toBe(`${base}/verify/${number}?code=${certificate.verificationCode}`);

    // The page, from the service itself, with a reading agency's token.
    const printable = await visit(`${base}/certificates/${number}/printable`, skills.tokens.reader);
    expect(printable.response.status()).toBe(200);
    const headers = printable.response.headers();
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+={0,2}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cache-control']).toBe('no-store');
    // Nothing else fetched, nothing refused by the policy; its style sheet applied (h1 at 22 pt), no script.
    expect(printable.requests).toEqual([`${base}/certificates/${number}/printable`]);
    expect(printable.console).toEqual([]);
    expect(await fontSize(printable.page, 'h1')).toBe('29.3333px');
    expect(await printable.page.locator('script').count()).toBe(0);

    // What it says: the certificate from the service's records, the occupation's ISCO-08 title, no name.
    const { page } = printable;
    expect(await page.title()).toBe(`Full qualification ${number}`);
    expect(await page.locator('.number strong').textContent()).toBe(number);
    expect(await page.locator('.standard-title').textContent()).toBe(standardContent.title);
    expect(await page.locator('.facts').textContent()).toContain(`${standardId}, version 1`);
    expect(await page.locator('.facts').textContent()).toContain('9111 Domestic cleaners and helpers');
    expect(await page.locator('tbody td.unit-code').allTextContents()).toEqual(UNITS);
    expect(await page.locator('.code').textContent()).toBe(certificate.verificationCode);
    expect(await page.locator('.holder').count()).toBe(0);
    expect(await page.locator('.statement').textContent()).toMatch(/^The holder of this certificate/);
    expect(await page.locator('body').textContent()).not.toMatch(/Maria|Santos|Dela Cruz/);
    expect(await page.locator('.notice').count()).toBe(0);

    // Both QR codes, decoded from the screenshot: the link, and the link with the compact VC-JWT kept at issue.
    const png = await screenshot(page, 'printable-valid');
    const link = await readQr(page, png, 'figure.qr-url svg');
    expect(link).toBe(certificate.verificationUrl);
    const { rows } = await skills.db.pool.query(`SELECT compact_jwt FROM issued_credentials WHERE certificate_number = $1`, [number]);
    expect(rows[0].compact_jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await readQr(page, png, 'figure.qr-credential svg')).toBe(`${certificate.verificationUrl}#vc=${rows[0].compact_jwt}`);

    // The decoded link, followed with a plain HTTP GET: it is the service's /verify, and answers valid.
    expect(new URL(link!).pathname).toBe(`/verify/${number}`);
    const valid = await follow(link!);
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ certificateNumber: number, status: 'valid', kind: 'full_qualification' });
    expect(valid.body.reason).toBeUndefined();

    // Revoked: the same link now answers revoked, with the reason code.
    await ok(
      skills,
      'POST',
      `/certificates/${number}/revocation`,
      { revokedOn: '2025-01-15', reason: 'issued_in_error' },
      skills.tokens.certifier,
    );
    const revoked = await follow(link!);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ certificateNumber: number, status: 'revoked', reason: 'issued_in_error' });

    // A browser following the link (it asks for HTML first) gets the page, as locked down as the certificate.
    const check = await visit(link!);
    expect(check.response.status()).toBe(200);
    expect(check.response.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(check.response.headers()['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; .*frame-ancestors 'none'$/,
    );
    expect(check.requests).toEqual([link]);
    expect(check.console).toEqual([]);
    expect(check.dialogs).toEqual([]);
    expect(await check.page.locator('script').count()).toBe(0);
    expect(await check.page.locator('h1').textContent()).toBe('Revoked certificate — issued in error (issued_in_error)');
    expect((await check.page.locator('body').innerText()).toLowerCase()).toContain('revoked');
    // Its style sheet applied (1.4 rem), so the policy's hash is its own.
    expect(await fontSize(check.page, 'h1')).toBe('22.4px');
    expect(await check.page.locator('body').textContent()).not.toMatch(/Maria|Santos|Dela Cruz/);
    await screenshot(check.page, 'verification-revoked');

    // Printed again, the page carries the revocation at the top; its QR code still leads to the same check.
    const reprinted = await visit(`${base}/certificates/${number}/printable`, skills.tokens.reader);
    expect(await reprinted.page.locator('.notice').textContent()).toBe('Not valid: revoked (issued in error).');
    const again = await screenshot(reprinted.page, 'printable-revoked');
    expect(await readQr(reprinted.page, again, 'figure.qr-url svg')).toBe(link);
  }, 180_000);

  it('prints nothing without a token, and nothing for a mission', async () => {
    const { rows } = await skills.db.pool.query(`SELECT certificate_number FROM certificates LIMIT 1`);
    const number = rows[0].certificate_number as string;
    expect((await fetch(`${base}/certificates/${number}/printable`)).status).toBe(401);
    const mission = await fetch(`${base}/certificates/${number}/printable`, {
      headers: { authorization: `Bearer ${skills.tokens.missionSA}` },
    });
    expect(mission.status).toBe(403);
  });
});
