import type { VerificationResult } from '../application/verification/verify-certificate';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WORDS: Record<VerificationResult['status'], { headline: string; colour: string }> = {
  valid: { headline: 'Valid certificate', colour: '#1b7f3b' },
  expired: { headline: 'Expired certificate', colour: '#8a6d00' },
  suspended: { headline: 'Suspended certificate', colour: '#b35900' },
  revoked: { headline: 'Revoked certificate', colour: '#b00020' },
  superseded: { headline: 'Superseded by a full qualification', colour: '#555' },
  invalid: { headline: 'Not a valid certificate: its record failed verification', colour: '#b00020' },
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

/** The public verification as a page for a browser (the QR code's link): the same facts as the JSON, no person. */
export function verificationPage(result: VerificationResult): string {
  const words = WORDS[result.status];
  if (result.status === 'invalid') {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(result.certificateNumber)} — ${escape(words.headline)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
.status{border-left:.5rem solid ${words.colour};padding:.5rem 1rem;background:#f6f6f6}h1{font-size:1.4rem;margin:0;color:${words.colour}}
footer{margin-top:2rem;font-size:.85rem;color:#666}</style></head>
<body><div class="status"><h1>${escape(words.headline)}</h1><p>Certificate ${escape(result.certificateNumber)}: ${escape(result.detail)} (<code>${escape(result.code)}</code>).</p>
<p>Do not rely on this certificate. Contact ${escape(result.issuer.name)}.</p></div>
<footer>This page shows whether the certificate is genuine and where it stands. It never shows who holds it.</footer>
</body></html>`;
  }
  const reason = result.reason ? ` — ${escape(REASONS[result.reason] ?? result.reason)} (<code>${escape(result.reason)}</code>)` : '';
  const kind = result.kind === 'full_qualification' ? 'Full qualification' : 'Certificate of competency';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(result.certificateNumber)} — ${escape(words.headline)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
.status{border-left:.5rem solid ${words.colour};padding:.5rem 1rem;background:#f6f6f6}h1{font-size:1.4rem;margin:0;color:${words.colour}}
dt{font-weight:600;margin-top:.6rem}dd{margin:0}li{margin:.2rem 0}footer{margin-top:2rem;font-size:.85rem;color:#666}</style></head>
<body><div class="status"><h1>${escape(words.headline)}${reason}</h1><p>Certificate ${escape(result.certificateNumber)}</p></div>
<dl>
<dt>${escape(kind)}</dt><dd>${escape(result.standard.title)} (standard ${escape(result.standard.standardId)}, version ${result.standard.version}; level ${result.standard.level}; ISCO-08 ${escape(result.standard.occupationIsco)})</dd>
<dt>Units of competency</dt><dd><ul>${result.units.map((u) => `<li><code>${escape(u.code)}</code> ${escape(u.title)}</li>`).join('')}</ul></dd>
<dt>Issued by</dt><dd>${escape(result.issuer.name)} <small>(${escape(result.issuer.id)})</small></dd>
<dt>Issued on</dt><dd>${escape(result.issuedOn)}</dd>
${result.expiresOn ? `<dt>Expires on</dt><dd>${escape(result.expiresOn)}</dd>` : ''}
${result.supersededBy ? `<dt>Superseded by</dt><dd>${escape(result.supersededBy)}</dd>` : ''}
</dl>
${result.verifiedBy === 'register' ? '<p><small>Checked against the issuer’s register only: this service issues no signed credentials.</small></p>\n' : '<p><small>Checked against the certificate’s signed credential and the issuer’s signed status lists.</small></p>\n'}<footer>This page shows whether the certificate is genuine and where it stands. It never shows who holds it.</footer>
</body></html>`;
}
