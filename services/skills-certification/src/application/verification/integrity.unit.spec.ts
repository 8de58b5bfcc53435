import type { RegisteredCertificate } from '../../persistence/certificate-register';
import type { StoredCredentialCheck } from '../credential-store';
import { integrityFailure } from './verify-certificate';

// The comparison of the register row with the verified credential: each way they can disagree has its code.

const row: RegisteredCertificate = {
  certificateNumber: 'SKL-2024-000042',
  workerId: '00000000-0000-4000-8000-000000000001',
  standardId: 'rmcs-housekeeping',
  standardVersion: 2,
  kind: 'certificate_of_competency',
  unitCodes: ['HHK-02', 'HHK-01'],
  issuingBody: 'TESDA',
  status: 'valid',
  issuedOn: '2024-08-05',
  expiresOn: '2029-08-04',
  statusIndex: 131_072 + 77,
};

const agreeing: StoredCredentialCheck = {
  kind: 'checked',
  outcome: 'valid',
  revoked: false,
  suspended: false,
  errors: [],
  claims: {
    certificateNumber: 'SKL-2024-000042',
    kind: 'certificate_of_competency',
    standardId: 'rmcs-housekeeping',
    standardVersion: 2,
    unitCodes: ['HHK-01', 'HHK-02'],
    issuingBody: 'TESDA',
    issuerId: 'did:web:skills.example',
    validFrom: '2024-08-05',
    validUntil: '2029-08-04',
    revocationIndex: 131_072 + 77,
    suspensionIndex: 131_072 + 77,
  },
};

const withClaims = (claims: Partial<NonNullable<Extract<StoredCredentialCheck, { kind: 'checked' }>['claims']>>) =>
  ({ ...agreeing, claims: { ...(agreeing as any).claims, ...claims } }) as StoredCredentialCheck;

describe('integrityFailure', () => {
  it('finds nothing when the register and the credential agree (units in any order), or when no credential is issued', () => {
    expect(integrityFailure(row, agreeing)).toBeUndefined();
    expect(integrityFailure(row, { kind: 'not-issued' })).toBeUndefined();
    expect(integrityFailure({ ...row, status: 'revoked' }, { ...agreeing, outcome: 'revoked', revoked: true })).toBeUndefined();
    expect(integrityFailure({ ...row, status: 'superseded' }, agreeing)).toBeUndefined();
  });

  it.each([
    ['tampered', 'verification.credential-tampered'],
    ['invalid-signature', 'verification.credential-invalid'],
    ['status-unavailable', 'verification.status-unavailable'],
    ['not-yet-valid', 'verification.not-yet-valid'],
  ] as const)('answers a %s credential with %s', (outcome, code) => {
    expect(integrityFailure(row, { kind: 'checked', outcome, errors: [] })?.code).toBe(code);
  });

  it('answers a missing credential, and one without a status entry to read', () => {
    expect(integrityFailure(row, { kind: 'missing' })?.code).toBe('verification.credential-missing');
    const { suspended: _suspended, ...noSuspension } = agreeing as Extract<StoredCredentialCheck, { kind: 'checked' }>;
    void _suspended;
    expect(integrityFailure(row, noSuspension)?.code).toBe('verification.status-unavailable');
  });

  it.each([
    ['certificateNumber', withClaims({ certificateNumber: 'SKL-2024-000043' })],
    ['kind', withClaims({ kind: 'full_qualification' })],
    ['standardId', withClaims({ standardId: 'rmcs-cookery' })],
    ['standardVersion', withClaims({ standardVersion: 1 })],
    ['unitCodes', withClaims({ unitCodes: ['HHK-01'] })],
    ['issuingBody', withClaims({ issuingBody: 'Someone else' })],
    ['issuedOn', withClaims({ validFrom: '2024-08-04' })],
    ['expiresOn', withClaims({ validUntil: '2039-08-04' })],
    ['statusIndex', withClaims({ revocationIndex: 77 })],
    ['revoked', { ...agreeing, revoked: true } as StoredCredentialCheck],
    ['suspended', { ...agreeing, suspended: true } as StoredCredentialCheck],
  ])('answers a register that differs on %s with register-mismatch, naming it', (field, check) => {
    const failure = integrityFailure(row, check);
    expect(failure?.code).toBe('verification.register-mismatch');
    expect(failure?.detail).toContain(field);
  });

  it('catches an expiry the register gained or lost', () => {
    const { expiresOn: _expiresOn, ...noExpiry } = row;
    void _expiresOn;
    expect(integrityFailure(noExpiry, agreeing)?.code).toBe('verification.register-mismatch');
  });
});
