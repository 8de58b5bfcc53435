import { createHash } from 'node:crypto';
import fc from 'fast-check';
import jsQR from 'jsqr';
import { compactCredential, HOSTILE, welderCertificate } from '../test/certificate-views';
import {
  CertificatePageInputError,
  escapeHtml,
  offlineQrPayload,
  renderCertificatePage,
  scriptlessPagePolicy,
  verificationUrl,
} from './certificate-page';

/**
 * Paints an SVG the renderer made into pixels (4 per module, from its own path data) and reads it back
 * with jsQR, an independent decoder: the path must draw a QR code that says what was asked.
 */
function decodeQrSvg(svg: string): string | undefined {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  const path = /<path fill="#000" d="([^"]*)"/.exec(svg);
  if (!viewBox || !path) throw new Error('not one of our QR codes');
  const side = Number(viewBox[1]);
  const scale = 4;
  const width = side * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const run of path[1]!.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, length] = [Number(run[1]), Number(run[2]), Number(run[3])];
    for (let py = y * scale; py < (y + 1) * scale; py += 1) {
      for (let px = x * scale; px < (x + length) * scale; px += 1) {
        const offset = (py * width + px) * 4;
        pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
      }
    }
  }
  return jsQR(pixels, width, width)?.data;
}

function svgsOf(html: string): string[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((match) => match[0]);
}

describe('the printable certificate of a valid full qualification', () => {
  const view = welderCertificate();
  const page = renderCertificatePage(view);

  it('is a complete English document with a title that names the certificate and not the person', () => {
    expect(page.html.startsWith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')).toBe(true);
    expect(page.html).toContain('<meta charset="utf-8">');
    expect(page.html).toContain('<title>Full qualification SC-2026-000123</title>');
    expect(page.html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('shows the standard, occupation, units, issuer and dates', () => {
    expect(page.html).toContain('Gas metal arc welding, level II');
    expect(page.html).toContain('std-welding-gmaw-l2</bdi>, version 3');
    expect(page.html).toContain('7212 <bdi>Welders and flame cutters</bdi>');
    for (const unit of view.units) expect(page.html).toContain(`<bdi>${unit.code}</bdi></td><td dir="auto">${unit.title}</td>`);
    expect(page.html).toContain('Units of competency certified (4)');
    expect(page.html).toContain('<time datetime="2026-11-20">20 November 2026</time>');
    expect(page.html).toContain('<time datetime="2031-11-19">19 November 2031</time>');
    expect(page.html).toContain('every unit of the competency standard');
  });

  it('names nobody when no holder name is given', () => {
    expect(page.html).toContain('The holder of this certificate');
    expect(page.html).not.toContain('class="holder"');
  });

  it('carries one QR code that decodes to the verification URL, and prints the URL and code as text', () => {
    const svgs = svgsOf(page.html);
    expect(svgs).toHaveLength(1);
    expect(decodeQrSvg(svgs[0]!)).toBe(view.verificationUrl);
    expect(page.html).toContain(`href="${view.verificationUrl}"`);
    expect(page.html).toContain('<strong class="code">K7QM-3XRP-9TDW</strong>');
    expect(page.offlineCredential).toBe('absent');
  });

  it('allows only its own style sheet: no script, image, font, frame or form, by header and by meta element', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.html)![1]!;
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(page.contentSecurityPolicy).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(page.html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-${hash}&#39;;`,
    );
    expect(page.headers).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(page.html).not.toMatch(/<script|\sstyle="|\son\w+=/i);
  });

  it('is the same bytes for the same view', () => {
    expect(renderCertificatePage(view).html).toBe(page.html);
  });

  it('says when it was printed, and that the QR code gives the current status', () => {
    expect(page.html).toContain('Status on <time datetime="2026-12-06">6 December 2026</time>, when this copy was printed: valid.');
    expect(page.html).not.toContain('class="notice"');
  });
});

describe('a certificate printed by its holder, with the signed credential', () => {
  const base = welderCertificate({ holderName: 'Maria Santos Dela Cruz', kind: 'certificate_of_competency' });
  const view = { ...base, compactCredential: compactCredential(base) };
  const page = renderCertificatePage(view);

  it('names the holder in the body only', () => {
    expect(page.html).toContain('This certifies that <bdi class="holder">Maria Santos Dela Cruz</bdi>');
    expect(page.html).toContain('<title>Certificate of competency SC-2026-000123</title>');
    expect(page.html.match(/Maria Santos/g)).toHaveLength(1);
    expect(page.html).toContain('the units listed below of the competency standard');
  });

  it('adds a second QR code that decodes to the verification URL with the compact credential in its fragment', () => {
    expect(view.compactCredential.length).toBeGreaterThan(1000);
    const svgs = svgsOf(page.html);
    expect(svgs).toHaveLength(2);
    expect(decodeQrSvg(svgs[0]!)).toBe(view.verificationUrl);
    expect(decodeQrSvg(svgs[1]!)).toBe(`${view.verificationUrl}#vc=${view.compactCredential}`);
    expect(offlineQrPayload(view.verificationUrl, view.compactCredential)).toBe(`${view.verificationUrl}#vc=${view.compactCredential}`);
    expect(page.offlineCredential).toBe('included');
  });

  it('sizes each QR code so that its modules stay readable on paper', () => {
    const [urlSvg, credentialSvg] = svgsOf(page.html).map((svg) => ({
      millimetres: Number(/width="(\d+)mm"/.exec(svg)![1]),
      modules: Number(/viewBox="0 0 (\d+)/.exec(svg)![1]),
    }));
    expect(urlSvg!.millimetres / urlSvg!.modules).toBeGreaterThanOrEqual(0.8);
    expect(credentialSvg!.millimetres / credentialSvg!.modules).toBeGreaterThanOrEqual(0.35);
  });

  it('leaves the second QR code out, and says so, when the credential is too long for one', () => {
    const huge = `${'a'.repeat(1500)}.${'b'.repeat(1500)}.${'c'.repeat(86)}`;
    const tooLarge = renderCertificatePage({ ...view, compactCredential: huge });
    expect(tooLarge.offlineCredential).toBe('too_large');
    expect(svgsOf(tooLarge.html)).toHaveLength(1);
    expect(tooLarge.html).toContain('too long for a QR code on paper: verify online');
  });
});

describe('hostile text in every field', () => {
  const view = welderCertificate({
    holderName: HOSTILE.name,
    standard: { id: 'std-"x"', version: 1, title: HOSTILE.title },
    occupation: { iscoCode: '7212', title: HOSTILE.issuingBody },
    units: [{ code: '<b>U1</b>', title: HOSTILE.unitTitle }],
    issuingBody: HOSTILE.issuingBody,
    status: 'revoked',
    statusReason: '<script>alert(1)</script>',
  });
  const page = renderCertificatePage(view);

  it('is printed as text, never as markup', () => {
    const tags = new Set([...page.html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((match) => match[1]));
    expect([...tags].sort()).toEqual(
      [
        'a',
        'bdi',
        'body',
        'caption',
        'dd',
        'div',
        'dl',
        'dt',
        'figcaption',
        'figure',
        'h1',
        'h2',
        'head',
        'header',
        'html',
        'main',
        'meta',
        'p',
        'path',
        'rect',
        'section',
        'span',
        'strong',
        'style',
        'svg',
        'table',
        'tbody',
        'td',
        'th',
        'thead',
        'time',
        'title',
        'tr',
      ].sort(),
    );
    // Every attribute is one the renderer wrote: none opened by the text.
    const attributes = new Set([...page.html.matchAll(/<[a-zA-Z][^>]*?\s([a-z-]+)=/g)].map((match) => match[1]));
    expect(attributes.has('onerror') || attributes.has('onmouseover') || attributes.has('onload')).toBe(false);
    expect(page.html.match(/<style>/g)).toHaveLength(1);
    expect(page.html).toContain(escapeHtml(HOSTILE.name));
    expect(page.html).toContain(escapeHtml(HOSTILE.title));
    expect(page.html).toContain(escapeHtml(HOSTILE.unitTitle));
    expect(page.html).toContain(escapeHtml(HOSTILE.issuingBody));
  });

  it('escapes any string so that no tag, attribute or entity can start in it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        const html = renderCertificatePage({ ...view, holderName: text, issuingBody: text }).html;
        expect(html).toContain(`<bdi class="holder">${escaped}</bdi>`);
      }),
    );
  });

  it('isolates names and titles so that right-to-left text cannot turn the rest of a line', () => {
    expect(page.html).toContain(`<bdi class="holder">${escapeHtml(HOSTILE.name)}</bdi>`);
    expect(page.html).toContain(`<span class="standard-title" dir="auto">${escapeHtml(HOSTILE.title)}</span>`);
    expect(page.html).toContain(`<td dir="auto">${escapeHtml(HOSTILE.unitTitle)}</td>`);
  });
});

describe('a certificate that is no longer valid', () => {
  it.each([
    ['revoked', 'issued_in_error', 'Not valid: revoked (issued in error).'],
    ['suspended', 'under_investigation', 'Not valid: suspended (under investigation).'],
    ['superseded', 'SC-2026-000200', 'Not valid: superseded by certificate SC-2026-000200.'],
    ['expired', undefined, 'Not valid: expired.'],
  ] as const)('says so at the top when %s', (status, statusReason, notice) => {
    const page = renderCertificatePage(welderCertificate({ status, statusReason }));
    expect(page.html).toContain(`<p class="notice" role="note">${notice}</p>`);
  });
});

describe('a view the page cannot be printed from', () => {
  const valid = welderCertificate();
  it.each([
    ['/issuedOn', 'an impossible date', { issuedOn: '2026-02-30' }],
    ['/expiresOn', 'an expiry before the issue', { expiresOn: '2026-11-19' }],
    ['/asOf', 'a print date that is not YYYY-MM-DD', { asOf: '6 Dec 2026' }],
    ['/status', 'valid after its expiry', { asOf: '2031-11-20' }],
    ['/standard/version', 'a version 0', { standard: { ...valid.standard, version: 0 } }],
    ['/occupation/iscoCode', 'a two-digit ISCO code', { occupation: { iscoCode: '72', title: 'Sheet and structural metal workers' } }],
    ['/units', 'no units', { units: [] }],
    ['/verificationCode', 'a blank code', { verificationCode: ' ' }],
    ['/verificationUrl', 'a relative URL', { verificationUrl: 'verify/SC-2026-000123?code=K7QM-3XRP-9TDW' }],
    ['/verificationUrl', 'plain http', { verificationUrl: 'http://skills.homeward.example/verify/SC-2026-000123?code=K7QM-3XRP-9TDW' }],
    ['/verificationUrl', 'a javascript: URL', { verificationUrl: 'javascript:alert(1)//verify/SC-2026-000123?code=K7QM-3XRP-9TDW' }],
    [
      '/verificationUrl',
      "another certificate's URL",
      { verificationUrl: 'https://skills.homeward.example/verify/SC-2026-000999?code=K7QM-3XRP-9TDW' },
    ],
    ['/verificationUrl', 'another code', { verificationUrl: 'https://skills.homeward.example/verify/SC-2026-000123?code=OTHER' }],
    [
      '/verificationUrl',
      'user info in the URL',
      { verificationUrl: 'https://user:pw@skills.homeward.example/verify/SC-2026-000123?code=K7QM-3XRP-9TDW' },
    ],
    ['/compactCredential', 'a credential that is not a compact JWS', { compactCredential: 'not a jwt' }],
  ] as const)('is refused at %s: %s', (field, _case, override) => {
    const attempt = () => renderCertificatePage({ ...valid, ...override });
    expect(attempt).toThrow(CertificatePageInputError);
    expect(attempt).toThrow(expect.objectContaining({ field }));
  });

  it('accepts plain http on a loopback host, for a local demo', () => {
    const local = welderCertificate({ verificationUrl: 'http://127.0.0.1:3000/verify/SC-2026-000123?code=K7QM-3XRP-9TDW' });
    expect(() => renderCertificatePage(local)).not.toThrow();
  });
});

describe('the verification URL', () => {
  it('is the base URL, /verify/<number> and the code, encoded, and the page accepts it', () => {
    const url = verificationUrl('https://skills.homeward.example/', 'SC 2026/7', 'A&B=C');
    expect(url).toBe('https://skills.homeward.example/verify/SC%202026%2F7?code=A%26B%3DC');
    const view = welderCertificate({ certificateNumber: 'SC 2026/7', verificationCode: 'A&B=C', verificationUrl: url });
    expect(() => renderCertificatePage(view)).not.toThrow();
  });

  it('keeps a path prefix of the base URL', () => {
    expect(verificationUrl('https://gov.example/skills', 'SC-1', 'X')).toBe('https://gov.example/skills/verify/SC-1?code=X');
  });
});

describe('the policy of a page without script, for any style sheet', () => {
  it('allows that style sheet by its hash and nothing else, and gives the headers to send', () => {
    const style = 'body { color: #222; }';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    const policy = scriptlessPagePolicy(style);
    expect(policy.documentPolicy).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'`,
    );
    expect(policy.contentSecurityPolicy).toBe(`${policy.documentPolicy}; frame-ancestors 'none'`);
    expect(policy.headers).toMatchObject({
      'content-security-policy': policy.contentSecurityPolicy,
      'content-type': 'text/html; charset=utf-8',
      'x-content-type-options': 'nosniff',
    });
    expect(scriptlessPagePolicy(`${style} `).contentSecurityPolicy).not.toBe(policy.contentSecurityPolicy);
  });
});

describe('a reason code the page has no words for', () => {
  it('is shown in its own words, also when it is the name of an inherited property', () => {
    for (const reason of ['toString', 'constructor', 'court_order']) {
      const page = renderCertificatePage(welderCertificate({ status: 'revoked', statusReason: reason }));
      expect(page.html).toContain(`Not valid: revoked (${reason.replace(/_/g, ' ')}).`);
    }
  });
});
