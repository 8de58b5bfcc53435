import { escapeHtml, scriptlessPagePolicy } from '@homeward/certificate-print';
import type { VerificationResult } from '../application/verification/verify-certificate';

const HEADLINES: Record<VerificationResult['status'], string> = {
  valid: 'Valid certificate',
  expired: 'Expired certificate',
  suspended: 'Suspended certificate',
  revoked: 'Revoked certificate',
  superseded: 'Superseded by a full qualification',
  invalid: 'Not a valid certificate: its record failed verification',
};

const REASONS: Record<string, string> = {
  issued_in_error: 'issued in error',
  fraud_or_misrepresentation: 'fraud or misrepresentation',
  assessment_irregularity: 'irregularity in the assessment',
  holder_request: 'at the holder’s request',
  under_investigation: 'under investigation',
  assessment_disputed: 'assessment disputed',
  administrative_hold: 'administrative hold',
};

/** The reason's words; a code not listed (only own keys: not `toString`) in its own words, underscores as spaces. */
function reasonLabel(reason: string): string {
  return Object.hasOwn(REASONS, reason) ? REASONS[reason]! : reason.replace(/_/g, ' ');
}

/**
 * One fixed style sheet for every answer (the status picks a class, not a colour written into the page),
 * so the policy allows exactly it by hash, as the printable certificate's does.
 */
const STYLE = `
body { font-family: "DejaVu Sans", "Noto Sans", system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #222; overflow-wrap: anywhere; }
.status { border-left: 0.5rem solid #555; padding: 0.5rem 1rem; background: #f6f6f6; }
h1 { font-size: 1.4rem; margin: 0; color: #555; }
.status-valid { border-color: #1b7f3b; } .status-valid h1 { color: #1b7f3b; }
.status-expired { border-color: #8a6d00; } .status-expired h1 { color: #8a6d00; }
.status-suspended { border-color: #b35900; } .status-suspended h1 { color: #b35900; }
.status-revoked { border-color: #b00020; } .status-revoked h1 { color: #b00020; }
.status-invalid { border-color: #b00020; } .status-invalid h1 { color: #b00020; }
dt { font-weight: 600; margin-top: 0.6rem; }
dd { margin: 0; }
li { margin: 0.2rem 0; }
footer { margin-top: 2rem; font-size: 0.85rem; color: #595959; }
`;

const POLICY = scriptlessPagePolicy(STYLE);

export interface VerificationPage {
  readonly html: string;
  /** Content type, the Content-Security-Policy (no script; the one style sheet by hash), nosniff, no referrer, no-store. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The public verification as a page for a browser (the QR code's link): the same facts as the JSON, no
 * person. Every text escaped with @homeward/certificate-print's `escapeHtml`, no script, and the policy of
 * its `scriptlessPagePolicy` both as a header and in the document.
 */
export function verificationPage(result: VerificationResult): VerificationPage {
  const headline = HEADLINES[result.status];
  if (result.status === 'invalid') return page(result.certificateNumber, headline, 'invalid', invalidBody(result));
  const reason = result.reason ? ` — ${escapeHtml(reasonLabel(result.reason))} (<code>${escapeHtml(result.reason)}</code>)` : '';
  const kind = result.kind === 'full_qualification' ? 'Full qualification' : 'Certificate of competency';
  const checked =
    result.verifiedBy === 'register'
      ? 'Checked against the issuer’s register only: this service issues no signed credentials.'
      : 'Checked against the certificate’s signed credential and the issuer’s signed status lists.';
  return page(
    result.certificateNumber,
    headline,
    result.status,
    `<div class="status status-${result.status}"><h1>${escapeHtml(headline)}${reason}</h1><p>Certificate <span class="number">${escapeHtml(result.certificateNumber)}</span></p></div>
<dl>
<dt>${escapeHtml(kind)}</dt><dd><span dir="auto">${escapeHtml(result.standard.title)}</span> (standard <bdi>${escapeHtml(result.standard.standardId)}</bdi>, version ${result.standard.version}; level ${result.standard.level}; ISCO-08 ${escapeHtml(result.standard.occupationIsco)})</dd>
<dt>Units of competency</dt><dd><ul>${result.units.map((u) => `<li><code>${escapeHtml(u.code)}</code> <span dir="auto">${escapeHtml(u.title)}</span></li>`).join('')}</ul></dd>
<dt>Issued by</dt><dd><span dir="auto">${escapeHtml(result.issuer.name)}</span> <small>(${escapeHtml(result.issuer.id)})</small></dd>
<dt>Issued on</dt><dd>${escapeHtml(result.issuedOn)}</dd>
${result.expiresOn ? `<dt>Expires on</dt><dd>${escapeHtml(result.expiresOn)}</dd>` : ''}
${result.supersededBy ? `<dt>Superseded by</dt><dd>${escapeHtml(result.supersededBy)}</dd>` : ''}
</dl>
<p><small>${escapeHtml(checked)}</small></p>`,
  );
}

/** A certificate whose record failed verification: the code and what to do, nothing the register says. */
function invalidBody(result: Extract<VerificationResult, { status: 'invalid' }>): string {
  return `<div class="status status-invalid"><h1>${escapeHtml(HEADLINES.invalid)}</h1><p>Certificate <span class="number">${escapeHtml(result.certificateNumber)}</span>: ${escapeHtml(result.detail)} (<code>${escapeHtml(result.code)}</code>).</p>
<p>Do not rely on this certificate. Contact <span dir="auto">${escapeHtml(result.issuer.name)}</span>.</p></div>`;
}

function page(certificateNumber: string, headline: string, status: VerificationResult['status'], main: string): VerificationPage {
  const html = `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(POLICY.documentPolicy)}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(certificateNumber)} — ${escapeHtml(headline)}</title>
<style>${STYLE}</style>
</head>
<body>
<main data-status="${status}">
${main}
</main>
<footer>This page shows whether the certificate is genuine and where it stands. It never shows who holds it.</footer>
</body>
</html>
`;
  return { html, headers: POLICY.headers };
}
