import type { components } from './generated/skills-certification.v1';

type Certificate = components['schemas']['Certificate'];

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The printable certificate: number, standard, units, issuer, dates, the verification code, and the QR code
 * of the verification link (with the compact signed credential in its fragment, for offline checks). No
 * name: the service holds none; the holder shows an identity document beside it.
 */
export function certificatePage(
  certificate: Certificate,
  standard: { title: string; level: number; occupationIsco: string; units: readonly { code: string; title: string }[] },
  qrSvg: string,
): string {
  const kind = certificate.kind === 'full_qualification' ? 'National Certificate — full qualification' : 'Certificate of Competency';
  const units = standard.units.filter((u) => certificate.unitCodes.includes(u.code));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(certificate.certificateNumber)}</title>
<style>@page{size:A4;margin:18mm}body{font-family:Georgia,serif;color:#111;max-width:170mm;margin:auto}
h1{font-size:22pt;text-align:center;margin:8mm 0 2mm}h2{font-size:15pt;text-align:center;font-weight:normal;margin:0 0 8mm}
.meta{display:flex;justify-content:space-between;align-items:flex-start}.qr svg{width:45mm;height:45mm}
table{border-collapse:collapse;width:100%;margin:6mm 0}td{border-bottom:1px solid #ccc;padding:2mm}
.code{font-family:monospace;font-size:13pt;letter-spacing:.1em}.status{font-weight:bold;text-transform:uppercase}</style></head>
<body>
<h1>${escape(kind)}</h1>
<h2>${escape(standard.title)} — level ${standard.level} (ISCO-08 ${escape(standard.occupationIsco)})</h2>
<table>${units.map((u) => `<tr><td><code>${escape(u.code)}</code></td><td>${escape(u.title)}</td></tr>`).join('')}</table>
<div class="meta"><div>
<p>Certificate number <strong>${escape(certificate.certificateNumber)}</strong></p>
<p>Issued by ${escape(certificate.issuingBody)} on ${escape(certificate.issuedOn)}${certificate.expiresOn ? `, valid until ${escape(certificate.expiresOn)}` : ''}</p>
<p>Status at printing: <span class="status">${escape(certificate.status)}</span></p>
<p>Verification code <span class="code">${escape(certificate.verificationCode)}</span><br>
Check it at <a href="${escape(certificate.verificationUrl)}">${escape(certificate.verificationUrl.split('?')[0]!)}</a> or scan the code.</p>
</div><div class="qr">${qrSvg}</div></div>
</body></html>`;
}
