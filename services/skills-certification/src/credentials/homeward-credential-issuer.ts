import {
  Bitstring,
  type KeyRing,
  MIN_STATUS_LIST_LENGTH,
  didKeyDocument,
  issueCertificateCredential,
  issueStatusListCredential,
  keyRingFromEnv,
  statusEntry,
  type IssuerDid,
} from '@homeward/credentials';
import type {
  CertificateForCredential,
  CredentialIssuer,
  CredentialVerifier,
  SignedCredential,
} from '../application/ports/credential-issuer';
import { STATUS_LIST_SIZE, statusListOf } from '../persistence/certificate-register';
import { HomewardCredentialVerifier } from './homeward-credential-verifier';

/**
 * The credential issuer port on @homeward/credentials: certificates as Open Badges 3.0 credentials signed
 * with eddsa-rdfc-2022 and as VC-JWT, status lists as signed BitstringStatusListCredentials, the issuer's
 * DID document — with the key ring's active key, every earlier key kept in the DID document so that
 * credentials signed before a rotation still verify.
 */
export class HomewardCredentialIssuer implements CredentialIssuer {
  readonly issuerId: string;

  constructor(
    private readonly keys: KeyRing,
    private readonly publicBaseUrl: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.issuerId = keys.issuerId;
    if (STATUS_LIST_SIZE !== MIN_STATUS_LIST_LENGTH) throw new Error('the register and the lists disagree on the list size');
  }

  /** From configuration: `name:seed,…` (oldest first, the last active), did:web on the public URL's host or did:key. */
  static fromConfig(keys: string, method: 'web' | 'key', publicBaseUrl: string, clock?: () => Date): HomewardCredentialIssuer {
    const url = new URL(publicBaseUrl);
    const did: IssuerDid = method === 'web' ? { method: 'web', host: url.host } : { method: 'key' };
    return new HomewardCredentialIssuer(keyRingFromEnv(did, keys), publicBaseUrl, clock);
  }

  verifier(statusLists: (url: string) => Promise<Record<string, unknown> | undefined>, maxAgeMs: number): CredentialVerifier {
    return new HomewardCredentialVerifier(this.keys, statusLists, maxAgeMs, this.clock);
  }

  private listUrl(purpose: 'revocation' | 'suspension', listNumber: number): string {
    return `${this.publicBaseUrl.replace(/\/$/, '')}/status-lists/${purpose}-${listNumber}`;
  }

  didDocument(): Record<string, unknown> {
    const document = this.issuerId.startsWith('did:key:') ? didKeyDocument(this.issuerId) : this.keys.didDocument(this.issuerId);
    return { ...(document ?? {}) };
  }

  async issueCertificate(certificate: CertificateForCredential): Promise<SignedCredential> {
    const { listNumber, indexInList } = statusListOf(certificate.statusIndex);
    const issued = await issueCertificateCredential(
      {
        id: `urn:homeward:skills:certificate:${certificate.certificateNumber}`,
        certificateNumber: certificate.certificateNumber,
        kind: certificate.kind === 'full_qualification' ? 'qualification' : 'certificate-of-competency',
        issuer: { name: certificate.issuingBody, url: this.publicBaseUrl },
        standard: {
          id: certificate.standard.standardId,
          version: certificate.standard.version,
          title: certificate.standard.title,
          iscoCode: certificate.standard.occupationIsco,
          level: String(certificate.standard.level),
        },
        units: certificate.units.map((u) => ({ code: u.code, title: u.title, escoSkills: [...u.escoSkills] })),
        validFrom: new Date(`${certificate.issuedOn}T00:00:00Z`),
        ...(certificate.expiresOn ? { validUntil: new Date(`${certificate.expiresOn}T00:00:00Z`) } : {}),
        status: [
          statusEntry(this.listUrl('revocation', listNumber), 'revocation', indexInList),
          statusEntry(this.listUrl('suspension', listNumber), 'suspension', indexInList),
        ],
        verificationUrl: certificate.verificationUrl,
      },
      this.keys,
    );
    return { dataIntegrity: issued.credential, jwt: issued.jwt, compactJwt: issued.compactJwt };
  }

  async statusListCredential(
    listNumber: number,
    purpose: 'revocation' | 'suspension',
    setPositions: readonly number[],
    now: Date,
  ): Promise<Record<string, unknown>> {
    const bits = new Bitstring(MIN_STATUS_LIST_LENGTH);
    for (const position of setPositions) bits.set(position, true);
    return issueStatusListCredential({ url: this.listUrl(purpose, listNumber), purpose, bits, validFrom: now }, this.keys);
  }
}
