import { generateKeyPairSync, sign } from 'node:crypto';
import { type CertificateView } from '../src/certificate-page';

/** A certificate as the service would render it: a full qualification for a welder, valid, no holder name. */
export function welderCertificate(overrides: Partial<CertificateView> = {}): CertificateView {
  const certificateNumber = overrides.certificateNumber ?? 'SC-2026-000123';
  const verificationCode = overrides.verificationCode ?? 'K7QM-3XRP-9TDW';
  return {
    certificateNumber,
    kind: 'full_qualification',
    standard: { id: 'std-welding-gmaw-l2', version: 3, title: 'Gas metal arc welding, level II' },
    occupation: { iscoCode: '7212', title: 'Welders and flame cutters' },
    units: [
      { code: 'MAN-WLD-201', title: 'Apply safety practices in welding' },
      { code: 'MAN-WLD-202', title: 'Prepare weld joints and materials' },
      { code: 'MAN-WLD-203', title: 'Weld carbon steel plates in flat and horizontal positions' },
      { code: 'MAN-WLD-204', title: 'Inspect welds visually and repair defects' },
    ],
    issuingBody: 'National Skills Testing Board',
    issuedOn: '2026-11-20',
    expiresOn: '2031-11-19',
    status: 'valid',
    asOf: '2026-12-06',
    verificationUrl: `https://skills.homeward.example/verify/${encodeURIComponent(certificateNumber)}?code=${encodeURIComponent(verificationCode)}`,
    verificationCode,
    ...overrides,
  };
}

/**
 * A real compact VC-JWT (Ed25519, EdDSA) of an Open Badges 3.0 credential shaped like the service's, so
 * the second QR code carries a credential of realistic length. Signed here with a throwaway key: the
 * page only prints it; verifying it is the credentials library's business.
 */
export function compactCredential(view: CertificateView): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const issuer = 'did:web:skills.homeward.example';
  const header = { alg: 'EdDSA', typ: 'vc+jwt', kid: `${issuer}#key-2026-1` };
  const payload = {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:homeward:certificate:${view.certificateNumber}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuer, type: ['Profile'], name: view.issuingBody },
    validFrom: `${view.issuedOn}T00:00:00Z`,
    validUntil: view.expiresOn === undefined ? undefined : `${view.expiresOn}T23:59:59Z`,
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: view.units.map((unit) => ({
        id: `urn:homeward:standard:${view.standard.id}:v${view.standard.version}:unit:${unit.code}`,
        type: ['Achievement'],
        name: unit.title,
      })),
    },
    credentialStatus: [
      {
        id: 'https://skills.homeward.example/status/revocation/1#4711',
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '4711',
        statusListCredential: 'https://skills.homeward.example/status/revocation/1',
      },
    ],
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(payload)}`;
  const signature = sign(null, Buffer.from(signingInput), privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Text that would run, break out of an attribute or a tag, or turn the page's direction, if not escaped. */
export const HOSTILE = {
  name: `"><script>window.__pwned = 'name'; alert('name')</script><img src=x onerror="window.__pwned='img';alert(1)">'\u202Eevil`,
  title: `Welding </title><script>alert('title')</script><svg onload=alert(1)> & "quotes" 'single'`,
  unitTitle: `</td></tr></table><iframe src="javascript:alert(1)"></iframe><style>body{display:none}</style>`,
  issuingBody: `Board' onmouseover='alert(1)' x='<b>bold</b>&amp;`,
};
