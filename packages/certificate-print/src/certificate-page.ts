import { createHash } from 'node:crypto';
import { create as createQrCode } from 'qrcode';

/**
 * The printable certificate: one self-contained HTML document (no script, no external resource, its
 * QR codes inline as SVG) laid out for A4 paper. Pure: the same view gives the same bytes, and the date
 * the page is printed on comes in with the view.
 *
 * What the page shows is what a verifier may learn anyway (number, standard, units, issuer, dates,
 * status), plus the holder's name only when the caller passes it — the holder printing their own
 * certificate. Nothing else about the person is ever an input.
 */

export type CertificateKind = 'full_qualification' | 'certificate_of_competency';
/** The certificate's state on the day the page is printed; the QR code leads to the current one. */
export type CertificateStatus = 'valid' | 'expired' | 'suspended' | 'revoked' | 'superseded';

export interface CertificateUnitView {
  readonly code: string;
  readonly title: string;
}

export interface CertificateView {
  readonly certificateNumber: string;
  readonly kind: CertificateKind;
  readonly standard: { readonly id: string; readonly version: number; readonly title: string };
  /** ISCO-08 unit group (four digits) and its title. */
  readonly occupation: { readonly iscoCode: string; readonly title: string };
  readonly units: readonly CertificateUnitView[];
  readonly issuingBody: string;
  /** Calendar dates, YYYY-MM-DD. */
  readonly issuedOn: string;
  /** Absent when the certificate does not expire. */
  readonly expiresOn?: string;
  readonly status: CertificateStatus;
  /** The coded reason of a suspension or revocation (e.g. `issued_in_error`), or the superseding certificate's number. */
  readonly statusReason?: string;
  /** The day the page is printed (YYYY-MM-DD): the status above is as of that day. */
  readonly asOf: string;
  /** Printed only when given: the holder printing their own certificate. Never in the title or metadata. */
  readonly holderName?: string;
  /** `https://<host>/verify/<certificateNumber>?code=<verificationCode>`, encoded in the main QR code. */
  readonly verificationUrl: string;
  readonly verificationCode: string;
  /**
   * The credential as a compact VC-JWT (JWS compact serialisation) for offline checks: the second QR code
   * holds `offlineQrPayload(verificationUrl, compactCredential)`.
   */
  readonly compactCredential?: string;
}

export interface CertificatePage {
  /** The complete document, UTF-8. */
  readonly html: string;
  /** Headers to send with it: content type, the Content-Security-Policy, no caching, no referrer. */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentSecurityPolicy: string;
  /**
   * Whether the second QR code is on the page: `absent` when no credential was given, `too_large` when it
   * does not fit in a QR code (version 40, error correction L); the page then says to verify online.
   */
  readonly offlineCredential: 'included' | 'absent' | 'too_large';
}

/** A view the page cannot be printed from: a bug in the caller, named by the field at fault. */
export class CertificatePageInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'CertificatePageInputError';
  }
}

/**
 * The page's style sheet. Its SHA-256 goes into the Content-Security-Policy, so it is the only style the
 * page may apply; there is no `style` attribute anywhere, and sizes that vary (the QR codes) are SVG
 * `width`/`height` attributes.
 */
const STYLE = `
@page { size: A4; margin: 12mm; }
*, *::before, *::after { box-sizing: border-box; }
html { font-family: "DejaVu Serif", "Noto Serif", Georgia, "Times New Roman", serif; color: #111; line-height: 1.3; }
body { margin: 0; }
.certificate { max-width: 186mm; margin: 0 auto; padding: 7mm 10mm; overflow-wrap: anywhere; border: 1.4mm double #1d3b5e; }
.issuer { margin: 0; font-size: 11pt; letter-spacing: 0.06em; text-transform: uppercase; text-align: center; color: #1d3b5e; }
h1 { margin: 2mm 0 0; font-size: 22pt; font-weight: normal; text-align: center; color: #1d3b5e; }
.number { margin: 0 0 3mm; text-align: center; font-size: 10.5pt; }
.code { white-space: nowrap; }
.number strong, .code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Courier New", monospace; letter-spacing: 0.04em; }
.notice { margin: 0 0 4mm; padding: 3mm 4mm; border: 0.8mm solid #8b0000; color: #8b0000; font-weight: bold; font-size: 12pt; text-align: center; }
.statement { margin: 0 0 4mm; font-size: 11.5pt; text-align: center; }
.holder { display: block; margin: 1.5mm 0; font-size: 17pt; font-weight: bold; }
.standard-title { display: block; margin-top: 1.5mm; font-size: 13.5pt; font-style: italic; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 5mm; margin: 0 0 4mm; font-size: 10pt; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 0 0 4mm; font-size: 9.5pt; }
caption { text-align: start; font-weight: bold; font-size: 10.5pt; padding-bottom: 1mm; }
th, td { text-align: start; vertical-align: top; padding: 0.6mm 2mm; border-bottom: 0.25mm solid #9aa7b5; }
thead { display: table-header-group; }
thead th { border-bottom: 0.5mm solid #1d3b5e; }
td.unit-code { white-space: nowrap; font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Courier New", monospace; }
tr { break-inside: avoid; }
.verification { break-inside: avoid; display: grid; grid-template-columns: auto minmax(45mm, 1fr) auto; gap: 2mm 5mm; align-items: start; border-top: 0.4mm solid #1d3b5e; padding-top: 3mm; }
.verification h2 { grid-column: 1 / -1; margin: 0; font-size: 12pt; }
/* A figure as wide as its QR code, the caption wrapping under it. */
.verification figure { margin: 0; display: table; }
.verification figcaption { display: table-caption; caption-side: bottom; padding-top: 1mm; font-size: 8pt; line-height: 1.25; }
.verification .how { font-size: 8.5pt; }
.verification .how p { margin: 0 0 1.5mm; }
.url { overflow-wrap: anywhere; font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Courier New", monospace; font-size: 8pt; color: inherit; }
svg.qr { display: block; }
@media screen {
  body { background: #e8ebef; padding: 8mm 0; }
  .certificate { background: #fff; }
}
@media print {
  a { text-decoration: none; }
}
`;

const PAGE_POLICY = scriptlessPagePolicy(STYLE);

/**
 * The security of a page that runs no script and loads nothing, for this certificate and for any other
 * page a service renders from data (the skills service's verification page uses it too): its one style
 * sheet allowed by its SHA-256, no script, image, font, frame, form or connection. `frame-ancestors` only
 * works as a header, so the policy for the document's `<meta http-equiv>` (`documentPolicy`, which keeps a
 * saved copy protected) leaves it out. The headers are the ones to send with the page: content type, the
 * policy, no sniffing, no referrer and no caching (such pages show a certificate's status of the moment,
 * and may carry a name).
 */
export function scriptlessPagePolicy(styleSheet: string): {
  readonly contentSecurityPolicy: string;
  readonly documentPolicy: string;
  readonly headers: Readonly<Record<string, string>>;
} {
  const styleHash = `'sha256-${createHash('sha256').update(styleSheet, 'utf8').digest('base64')}'`;
  const documentPolicy = ["default-src 'none'", `style-src ${styleHash}`, "img-src 'none'", "base-uri 'none'", "form-action 'none'"].join(
    '; ',
  );
  const contentSecurityPolicy = `${documentPolicy}; frame-ancestors 'none'`;
  return {
    contentSecurityPolicy,
    documentPolicy,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
  };
}

const KIND_TITLES: Record<CertificateKind, string> = {
  full_qualification: 'Full qualification',
  certificate_of_competency: 'Certificate of competency',
};

const REASON_LABELS: Readonly<Record<string, string>> = {
  under_investigation: 'under investigation',
  assessment_disputed: 'assessment disputed',
  administrative_hold: 'administrative hold',
  issued_in_error: 'issued in error',
  fraud_or_misrepresentation: 'fraud or misrepresentation',
  assessment_irregularity: 'assessment irregularity',
  holder_request: "at the holder's request",
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Module size floors, in millimetres: phone cameras read 0.8 mm modules from arm's length, 0.35 mm up close. */
const URL_QR = { moduleMm: 0.8, minimumMm: 34, errorCorrectionLevel: 'M' } as const;
const CREDENTIAL_QR = { moduleMm: 0.35, minimumMm: 26, errorCorrectionLevel: 'L' } as const;
/** QR codes need a margin of four light modules to be found. */
const QUIET_ZONE = 4;

/** Text for element content and double-quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => {
    switch (character) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}

/**
 * The verification URL as the page expects it: the service's public base URL (scheme, host and any path
 * prefix), then `/verify/<number>?code=<code>`, both encoded.
 */
export function verificationUrl(publicBaseUrl: string, certificateNumber: string, verificationCode: string): string {
  const url = new URL(`${publicBaseUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(certificateNumber)}`);
  url.searchParams.set('code', verificationCode);
  return url.toString();
}

export function renderCertificatePage(view: CertificateView): CertificatePage {
  checkView(view);
  const number = escapeHtml(view.certificateNumber);
  const kindTitle = KIND_TITLES[view.kind];
  const urlQr = qrSvg(view.verificationUrl, URL_QR, 'qr-url-title', 'QR code: the address that verifies this certificate online');
  const credential = credentialFigure(
    view.compactCredential === undefined ? undefined : offlineQrPayload(view.verificationUrl, view.compactCredential),
  );

  const holderLine =
    view.holderName === undefined
      ? 'The holder of this certificate'
      : `This certifies that <bdi class="holder">${escapeHtml(view.holderName)}</bdi>`;
  const scope =
    view.kind === 'full_qualification'
      ? 'has been assessed competent in every unit of the competency standard'
      : 'has been assessed competent in the units listed below of the competency standard';

  const units = view.units
    .map((unit) => `<tr><td class="unit-code"><bdi>${escapeHtml(unit.code)}</bdi></td><td dir="auto">${escapeHtml(unit.title)}</td></tr>`)
    .join('\n');

  const html = `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PAGE_POLICY.documentPolicy)}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(kindTitle)} ${number}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="certificate" aria-labelledby="certificate-title">
<header>
<p class="issuer" dir="auto">${escapeHtml(view.issuingBody)}</p>
<h1 id="certificate-title">${escapeHtml(kindTitle)}</h1>
<p class="number">Certificate number <strong>${number}</strong></p>
</header>
${statusNotice(view)}
<p class="statement">${holderLine}
${scope}
<span class="standard-title" dir="auto">${escapeHtml(view.standard.title)}</span></p>
<dl class="facts">
<dt>Standard</dt><dd><bdi>${escapeHtml(view.standard.id)}</bdi>, version ${view.standard.version}</dd>
<dt>Occupation (ISCO-08)</dt><dd>${escapeHtml(view.occupation.iscoCode)} <bdi>${escapeHtml(view.occupation.title)}</bdi></dd>
<dt>Issuing body</dt><dd dir="auto">${escapeHtml(view.issuingBody)}</dd>
<dt>Issued on</dt><dd>${dateElement(view.issuedOn)}</dd>
<dt>Expires on</dt><dd>${view.expiresOn === undefined ? 'Does not expire' : dateElement(view.expiresOn)}</dd>
</dl>
<table class="units">
<caption>Units of competency certified (${view.units.length})</caption>
<thead><tr><th scope="col">Code</th><th scope="col">Unit</th></tr></thead>
<tbody>
${units}
</tbody>
</table>
<section class="verification" aria-labelledby="verification-title">
<h2 id="verification-title">Verify this certificate</h2>
<figure class="qr-url">
${urlQr}
<figcaption>Scan to check online that this certificate is genuine, and its status today.</figcaption>
</figure>
<div class="how">
<p>Or open <a class="url" href="${escapeHtml(view.verificationUrl)}">${escapeHtml(view.verificationUrl)}</a></p>
<p>Verification code: <strong class="code">${escapeHtml(view.verificationCode)}</strong></p>
<p>The check answers valid, expired, suspended or revoked, with the standard, units and issuer; never the holder's name or other personal data.</p>
${credential.note}
<p>Status on ${dateElement(view.asOf)}, when this copy was printed: ${escapeHtml(statusLabel(view))}. The check gives the status today.</p>
</div>
${credential.figure}
</section>
</main>
</body>
</html>
`;
  return {
    html,
    contentSecurityPolicy: PAGE_POLICY.contentSecurityPolicy,
    // The page may carry the holder's name: no shared cache keeps it (`cache-control: no-store`).
    headers: PAGE_POLICY.headers,
    offlineCredential: credential.state,
  };
}

function statusNotice(view: CertificateView): string {
  if (view.status === 'valid') return '';
  return `<p class="notice" role="note">Not valid: ${escapeHtml(statusLabel(view))}.</p>`;
}

function statusLabel(view: CertificateView): string {
  const reason =
    view.statusReason === undefined
      ? undefined
      : // Own keys only: a reason such as `toString` is shown in its own words, not as an inherited function.
        Object.hasOwn(REASON_LABELS, view.statusReason)
        ? REASON_LABELS[view.statusReason]!
        : view.statusReason.replace(/_/g, ' ');
  switch (view.status) {
    case 'valid':
      return 'valid';
    case 'expired':
      return 'expired';
    case 'suspended':
      return reason === undefined ? 'suspended' : `suspended (${reason})`;
    case 'revoked':
      return reason === undefined ? 'revoked' : `revoked (${reason})`;
    case 'superseded':
      // For a superseded certificate the reason is the number of the full qualification that replaced it.
      return view.statusReason === undefined ? 'superseded' : `superseded by certificate ${view.statusReason}`;
  }
}

/**
 * What the second QR code holds: the verification URL with the compact VC-JWT in its fragment,
 * `https://host/verify/<number>?code=<code>#vc=<jwt>` — the format of the credentials library's
 * `qrPayload` / `readQrPayload`. A phone's camera opens the check (a fragment never reaches the server); a
 * verifier app takes the JWT after `#vc=` and checks it offline.
 */
export function offlineQrPayload(verificationUrl: string, compactCredential: string): string {
  return `${verificationUrl}#vc=${compactCredential}`;
}

function credentialFigure(payload: string | undefined): {
  figure: string;
  note: string;
  state: CertificatePage['offlineCredential'];
} {
  if (payload === undefined) return { figure: '', note: '', state: 'absent' };
  let svg: string;
  try {
    svg = qrSvg(payload, CREDENTIAL_QR, 'qr-credential-title', 'QR code: the signed credential, for offline verification');
  } catch (error) {
    if (!(error instanceof Error) || !/too big/i.test(error.message)) throw error;
    return {
      figure: '',
      note: '<p>The signed credential is too long for a QR code on paper: verify online.</p>',
      state: 'too_large',
    };
  }
  return {
    figure: `<figure class="qr-credential">
${svg}
<figcaption>The same check with the signed credential (VC-JWT) in it: a verifier app checks its signature with the issuer's key, and its status with a cached status list, offline.</figcaption>
</figure>`,
    note: '',
    state: 'included',
  };
}

/**
 * The QR code as an SVG path, one rectangle per run of dark modules on a row, on a light square that
 * includes the quiet zone. Its printed size keeps each module at least `moduleMm` wide.
 */
function qrSvg(
  text: string,
  size: { readonly moduleMm: number; readonly minimumMm: number; readonly errorCorrectionLevel: 'L' | 'M' },
  titleId: string,
  title: string,
): string {
  const { modules } = createQrCode(text, { errorCorrectionLevel: size.errorCorrectionLevel });
  const count = modules.size;
  const side = count + 2 * QUIET_ZONE;
  const runs: string[] = [];
  for (let row = 0; row < count; row += 1) {
    let column = 0;
    while (column < count) {
      if (!modules.get(row, column)) {
        column += 1;
        continue;
      }
      const start = column;
      while (column < count && modules.get(row, column)) column += 1;
      const length = column - start;
      runs.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${length}v1h-${length}z`);
    }
  }
  const millimetres = Math.max(size.minimumMm, Math.ceil(side * size.moduleMm));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-labelledby="${titleId}" ` +
    `width="${millimetres}mm" height="${millimetres}mm" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<title id="${titleId}">${escapeHtml(title)}</title>` +
    `<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${runs.join('')}"/></svg>`
  );
}

function dateElement(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `<time datetime="${date}">${day} ${MONTHS[month - 1]} ${year}</time>`;
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function checkView(view: CertificateView): void {
  for (const [field, value] of [
    ['/issuedOn', view.issuedOn],
    ['/expiresOn', view.expiresOn],
    ['/asOf', view.asOf],
  ] as const) {
    if (value === undefined) continue;
    if (!ISO_DATE.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw new CertificatePageInputError(field, `not a calendar date (YYYY-MM-DD): ${JSON.stringify(value)}`);
    }
  }
  if (view.expiresOn !== undefined && view.expiresOn < view.issuedOn) {
    throw new CertificatePageInputError('/expiresOn', 'before the issue date');
  }
  if (view.status === 'valid' && view.expiresOn !== undefined && view.expiresOn < view.asOf) {
    throw new CertificatePageInputError('/status', `valid, but it expired on ${view.expiresOn}, before the print date`);
  }
  if (!Number.isSafeInteger(view.standard.version) || view.standard.version < 1) {
    throw new CertificatePageInputError('/standard/version', 'not a positive integer');
  }
  if (!/^\d{4}$/.test(view.occupation.iscoCode)) {
    throw new CertificatePageInputError('/occupation/iscoCode', 'not an ISCO-08 unit group (four digits)');
  }
  if (view.units.length === 0) throw new CertificatePageInputError('/units', 'a certificate certifies at least one unit');
  for (const [field, value] of [
    ['/certificateNumber', view.certificateNumber],
    ['/verificationCode', view.verificationCode],
  ] as const) {
    if (value.trim() === '') throw new CertificatePageInputError(field, 'empty');
  }
  checkVerificationUrl(view);
  if (view.compactCredential !== undefined && !JWS_COMPACT.test(view.compactCredential)) {
    throw new CertificatePageInputError('/compactCredential', 'not a compact JWS (header.payload.signature)');
  }
}

/**
 * The QR code must lead to this certificate's own check: https (http only on a loopback host, for a
 * local demo), the path ending in `/verify/<number>` and the code in the query.
 */
function checkVerificationUrl(view: CertificateView): void {
  let url: URL;
  try {
    url = new URL(view.verificationUrl);
  } catch {
    throw new CertificatePageInputError('/verificationUrl', 'not an absolute URL');
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new CertificatePageInputError('/verificationUrl', 'not https');
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new CertificatePageInputError('/verificationUrl', 'carries credentials or a fragment');
  }
  const expectedPath = `/verify/${encodeURIComponent(view.certificateNumber)}`;
  if (!url.pathname.endsWith(expectedPath)) {
    throw new CertificatePageInputError('/verificationUrl', `does not end in ${expectedPath}`);
  }
  if (url.searchParams.get('code') !== view.verificationCode) {
    throw new CertificatePageInputError('/verificationUrl', 'its code is not the verification code');
  }
}
