import {
  CredentialInputError,
  certificateCredential,
  sampleCertificateInput,
  verifyCredential,
  type CertificateCredentialInput,
} from '../src/credentials';
import { Issuer } from './fixtures';

describe('building a certificate credential from bad input', () => {
  const refused = (overrides: Partial<CertificateCredentialInput>): CredentialInputError => {
    try {
      certificateCredential(sampleCertificateInput(overrides), 'did:web:skills.test');
    } catch (error) {
      expect(error).toBeInstanceOf(CredentialInputError);
      return error as CredentialInputError;
    }
    throw new Error('accepted');
  };

  it('names the field at fault', () => {
    expect(refused({ id: 'not a uri' }).field).toBe('id');
    expect(refused({ units: [] }).field).toBe('units');
    expect(
      refused({
        units: [
          { code: 'A', title: 'a' },
          { code: 'A', title: 'b' },
        ],
      }).field,
    ).toBe('units/1/code');
    expect(refused({ units: [{ code: 'A', title: 'a', escoSkills: ['walking'] }] }).field).toBe('units/0/escoSkills/0');
    expect(refused({ standard: { ...sampleCertificateInput().standard, iscoCode: '72' } }).field).toBe('standard/iscoCode');
    expect(refused({ validFrom: new Date('2030-01-01'), validUntil: new Date('2029-01-01') }).field).toBe('validUntil');
    expect(refused({ status: [] }).field).toBe('status');
  });

  it('describes a certificate of competency by its units, and a qualification by its standard', () => {
    const partial = certificateCredential(
      sampleCertificateInput({ kind: 'certificate-of-competency', units: [{ code: 'WLD301', title: 'Plates' }] }),
      'did:web:s.test',
    ) as any;
    const full = certificateCredential(sampleCertificateInput(), 'did:web:s.test') as any;
    expect(partial.credentialSubject.achievement.id).toBe('urn:homeward:skills:standard:WELD-3:2:units:WLD301');
    expect(partial.credentialSubject.achievement.name).toBe('Certificate of competency: Welding (GMAW) Level III');
    expect(full.credentialSubject.achievement.id).toBe('urn:homeward:skills:standard:WELD-3:2');
  });
});

describe('verifying what is not a credential', () => {
  it('answers invalid-signature, never throws', async () => {
    const issuer = new Issuer();
    for (const presented of [
      {},
      'not-a-jwt',
      'e30.e30.AAAA',
      { issuer: issuer.keys.issuerId, proof: { verificationMethod: `${issuer.keys.issuerId}#key-1` } },
    ]) {
      expect((await verifyCredential(presented, issuer.verifyOptions())).status).toBe('invalid-signature');
    }
  });
});
