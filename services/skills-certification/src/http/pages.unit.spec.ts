import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { escapeHtml, renderCertificatePage } from '@homeward/certificate-print';
import type { VerificationResult } from '../application/verification/verify-certificate';
import type { components } from './generated/skills-certification.v1';
import { printableCertificateView, type PrintedStandard } from './printable-certificate';
import { verificationPage } from './verification.page';

type Certificate = components['schemas']['Certificate'];

const standard: PrintedStandard = {
  version: 2,
  title: 'Housekeeping NC II',
  occupationIsco: '9111',
  units: [
    { code: 'HHK-01', title: 'Clean rooms' },
    { code: 'HHK-02', title: 'Handle linen' },
    { code: 'HHK-03', title: 'Serve guests' },
  ],
};

const certificate: Certificate = {
  certificateNumber: 'SKL-2024-000007',
  workerId: '0b7e4f59-2f0c-4c58-9f3a-1f5c8f9d2a10',
  kind: 'certificate_of_competency',
  standardId: 'rmcs-housekeeping',
  standardVersion: 2,
  unitCodes: ['HHK-03', 'HHK-01'],
  issuingBody: 'Technical Education and Skills Development Authority',
  issuedOn: '2024-08-05',
  expiresOn: '2029-08-04',
  status: 'valid',
  verificationCode: 'WHCWA-7STMH',
  verificationUrl: 'https://skills.homeward.test/verify/SKL-2024-000007?code=WHCWA-7STMH',
};

describe('the printable certificate’s view, from the service’s records', () => {
  it('names the standard version, the ISCO-08 title, the certified units in the standard’s order, and no holder', () => {
    const view = printableCertificateView(certificate, standard, '2026-12-06', undefined);
    expect(view).toEqual({
      certificateNumber: 'SKL-2024-000007',
      kind: 'certificate_of_competency',
      standard: { id: 'rmcs-housekeeping', version: 2, title: 'Housekeeping NC II' },
      occupation: { iscoCode: '9111', title: 'Domestic cleaners and helpers' },
      units: [
        { code: 'HHK-01', title: 'Clean rooms' },
        { code: 'HHK-03', title: 'Serve guests' },
      ],
      issuingBody: 'Technical Education and Skills Development Authority',
      issuedOn: '2024-08-05',
      expiresOn: '2029-08-04',
      status: 'valid',
      asOf: '2026-12-06',
      verificationUrl: certificate.verificationUrl,
      verificationCode: 'WHCWA-7STMH',
    });
    expect(renderCertificatePage(view).offlineCredential).toBe('absent');
  });

  it('carries the reason of a revocation, and the superseding number of a superseded certificate', () => {
    const revoked = printableCertificateView(
      { ...certificate, status: 'revoked', reason: 'issued_in_error' },
      standard,
      '2026-12-06',
      undefined,
    );
    expect(revoked).toMatchObject({ status: 'revoked', statusReason: 'issued_in_error' });
    expect(renderCertificatePage(revoked).html).toContain('Not valid: revoked (issued in error).');
    const superseded = printableCertificateView(
      { ...certificate, status: 'superseded', supersededBy: 'SKL-2024-000009' },
      standard,
      '2026-12-06',
      undefined,
    );
    expect(superseded).toMatchObject({ status: 'superseded', statusReason: 'SKL-2024-000009' });
  });

  it('puts the compact credential in the second QR code, and refuses a standard whose occupation is no ISCO-08 unit group', () => {
    const jwt = `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.c2ln`;
    expect(renderCertificatePage(printableCertificateView(certificate, standard, '2026-12-06', jwt)).offlineCredential).toBe('included');
    expect(() => printableCertificateView(certificate, { ...standard, occupationIsco: '9999' }, '2026-12-06', undefined)).toThrow(
      /ISCO-08 9999/,
    );
  });
});

const result: Exclude<VerificationResult, { status: 'invalid' }> = {
  certificateNumber: 'SKL-2024-000007',
  status: 'revoked',
  reason: 'assessment_irregularity',
  kind: 'full_qualification',
  standard: { standardId: 'rmcs-housekeeping', version: 2, title: 'Housekeeping NC II', occupationIsco: '9111', level: 2 },
  units: [{ code: 'HHK-01', title: 'Clean rooms' }],
  issuer: { name: 'Technical Education and Skills Development Authority', id: 'did:web:skills.homeward.test' },
  issuedOn: '2024-08-05',
  expiresOn: '2029-08-04',
  verifiedBy: 'credential',
};

describe('the verification page for browsers', () => {
  it('says the status and reason, and is sent with a policy allowing its own style sheet only', () => {
    const page = verificationPage(result);
    expect(page.html).toContain('<h1>Revoked certificate — irregularity in the assessment (<code>assessment_irregularity</code>)</h1>');
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.html)![1]!;
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(page.headers['content-security-policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-${hash}&#39;;`,
    );
    expect(page.html).not.toMatch(/<script|\sstyle="|\son\w+=/i);
  });

  it('has one style sheet whatever the status: the status picks a class', () => {
    const policies = new Set(
      (['valid', 'expired', 'suspended', 'revoked', 'superseded'] as const).map(
        (status) => verificationPage({ ...result, status }).headers['content-security-policy'],
      ),
    );
    expect(policies.size).toBe(1);
  });

  it('says a certificate whose record failed verification is not valid, with its code, under the same policy and nothing the register says', () => {
    const page = verificationPage({
      certificateNumber: result.certificateNumber,
      status: 'invalid',
      code: 'verification.credential-tampered',
      detail: 'the stored credential does not verify',
      issuer: result.issuer,
      verifiedBy: 'credential',
    });
    expect(page.html).toContain('Not a valid certificate');
    expect(page.html).toContain('<code>verification.credential-tampered</code>');
    expect(page.html).not.toContain(result.standard.title);
    expect(page.headers['content-security-policy']).toBe(verificationPage(result).headers['content-security-policy']);
  });

  it('escapes every text it shows, whatever it is', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (title, unitTitle, reason) => {
        const page = verificationPage({
          ...result,
          reason: reason === '' ? 'x' : reason,
          standard: { ...result.standard, title },
          units: [{ code: 'HHK-01', title: unitTitle }],
        });
        expect(page.html).toContain(`<span dir="auto">${escapeHtml(title)}</span> (standard`);
        expect(page.html).toContain(`<li><code>HHK-01</code> <span dir="auto">${escapeHtml(unitTitle)}</span></li>`);
        // Only the page's own markup: the counts of tags do not move with the text.
        expect(page.html.match(/<[a-z]/gi)!.length).toBe(verificationPage(result).html.match(/<[a-z]/gi)!.length);
      }),
    );
    const hostile = verificationPage({ ...result, standard: { ...result.standard, title: `</span><script>alert(1)</script>` } });
    expect(hostile.html).not.toContain('<script>');
    expect(hostile.html).toContain('&lt;/span&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
