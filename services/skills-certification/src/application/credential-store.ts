import type { PoolClient } from 'pg';
import type { CertificateIssued } from '../domain/candidate/candidate.events';
import type { CertificateRegister } from '../persistence/certificate-register';
import type { IssuedCredentials } from '../persistence/issued-credentials';
import type { Lookups } from './lookups';
import type { CredentialCheck, CredentialIssuer, CredentialVerifier, SignedCredential } from './ports/credential-issuer';
import type { VerificationCodes } from './verification/verification-code';

/** The service runs without an issuer's keys (none configured): certificates are issued, credentials are not. 503. */
export class CredentialsNotConfigured extends Error {
  override readonly name = 'CredentialsNotConfigured';
}

/** No such status list. 404. */
export class StatusListUnknown extends Error {
  override readonly name = 'StatusListUnknown';
}

/**
 * How long a signed status list is served from memory, and how long public verification keeps a verified
 * list, when no status changed in this process. A change made here drops both at once; a change made by
 * another process of the service (several api replicas) is seen here after at most this long.
 */
export const STATUS_LIST_TTL_MS = 30_000;

/** What public verification learns from a certificate's stored credential. */
export type StoredCredentialCheck =
  | { readonly kind: 'not-issued' } // the service has no issuer keys: no credential to check
  | { readonly kind: 'missing' } // the service issues credentials, but holds none for this certificate
  | ({ readonly kind: 'checked' } & CredentialCheck);

/**
 * The certificates as credentials: signed in the transaction of their issue and kept, the status lists
 * signed on demand from the certificate register (and kept a short while: a status change in this process
 * drops them at once), and the issuer's DID document.
 */
export class CredentialStore {
  private readonly lists = new Map<string, { at: number; credential: Promise<Record<string, unknown>> }>();
  private readonly verifier: CredentialVerifier | undefined;

  constructor(
    private readonly issuer: CredentialIssuer | undefined,
    private readonly lookups: Lookups,
    private readonly register: CertificateRegister,
    private readonly issued: IssuedCredentials,
    private readonly codes: VerificationCodes,
    private readonly publicBaseUrl: string,
    private readonly clock: () => Date,
  ) {
    this.verifier = issuer?.verifier((url) => this.statusListAt(url), STATUS_LIST_TTL_MS);
  }

  verificationUrl(certificateNumber: string): string {
    return `${this.publicBaseUrl.replace(/\/$/, '')}/verify/${certificateNumber}?code=${this.codes.codeOf(certificateNumber)}`;
  }

  /** Signs the certificate's credentials and keeps them, in the issue's transaction. */
  async issue(client: PoolClient, certificate: CertificateIssued['data']): Promise<void> {
    if (!this.issuer) return;
    const version = await this.lookups.standardVersion(certificate.standardId, certificate.standardVersion, client);
    if (!version) throw new Error(`standard ${certificate.standardId} has no version ${certificate.standardVersion}`);
    const signed = await this.issuer.issueCertificate({
      certificateNumber: certificate.certificateNumber,
      kind: certificate.kind,
      issuingBody: certificate.issuingBody,
      issuedOn: certificate.issuedOn,
      ...(certificate.expiresOn === undefined ? {} : { expiresOn: certificate.expiresOn }),
      standard: {
        standardId: certificate.standardId,
        version: version.version,
        title: version.title,
        occupationIsco: version.occupationIsco,
        level: version.level,
      },
      units: version.units
        .filter((u) => certificate.unitCodes.includes(u.code))
        .map((u) => ({ code: u.code, title: u.title, escoSkills: u.escoSkills })),
      statusIndex: certificate.revocationStatusIndex,
      verificationUrl: this.verificationUrl(certificate.certificateNumber),
    });
    await this.issued.insert(client, certificate.certificateNumber, signed);
  }

  async credential(certificateNumber: string): Promise<SignedCredential | undefined> {
    if (!this.issuer) throw new CredentialsNotConfigured('the service has no issuer keys configured: no credentials are issued');
    return this.issued.find(certificateNumber);
  }

  /**
   * The compact VC-JWT the printed certificate's second QR code carries, for offline checks; none when the
   * service has no issuer keys (the page is printed with the online check only) or issued none for it.
   */
  async compactCredential(certificateNumber: string): Promise<string | undefined> {
    if (!this.issuer) return undefined;
    return (await this.issued.find(certificateNumber))?.compactJwt;
  }

  /** A status changed (suspension, reinstatement, revocation): the lists kept in memory are stale. */
  statusChanged(): void {
    this.lists.clear();
    this.verifier?.statusChanged();
  }

  /**
   * The certificate's stored Data Integrity credential, verified: its proof with the issuer's key ring, its
   * dates at the service's clock, its status from the service's own signed status lists.
   */
  async checkStored(certificateNumber: string): Promise<StoredCredentialCheck> {
    if (!this.verifier) return { kind: 'not-issued' };
    const signed = await this.issued.find(certificateNumber);
    if (!signed) return { kind: 'missing' };
    return { kind: 'checked', ...(await this.verifier.verify(signed.dataIntegrity, this.clock())) };
  }

  /** Forget the proofs already verified (the benchmark's cold runs). */
  forgetVerifiedProofs(): void {
    this.verifier?.forgetVerifiedProofs();
  }

  /** The status list published at `url`, signed afresh (and kept for the public path): verification's source. */
  private async statusListAt(url: string): Promise<Record<string, unknown> | undefined> {
    const prefix = `${this.publicBaseUrl.replace(/\/$/, '')}/status-lists/`;
    if (!url.startsWith(prefix)) return undefined;
    try {
      return await this.statusList(url.slice(prefix.length), { fresh: true });
    } catch (error) {
      if (error instanceof StatusListUnknown) return undefined;
      throw error;
    }
  }

  /** The signed BitstringStatusListCredential `revocation-<n>` or `suspension-<n>`. */
  async statusList(listId: string, { fresh = false }: { fresh?: boolean } = {}): Promise<Record<string, unknown>> {
    if (!this.issuer) throw new CredentialsNotConfigured('the service has no issuer keys configured: no status lists are published');
    const match = /^(revocation|suspension)-([1-9][0-9]{0,5})$/.exec(listId);
    if (!match) throw new StatusListUnknown(`no status list ${listId}`);
    const purpose = match[1] as 'revocation' | 'suspension';
    const listNumber = Number(match[2]);
    if (listNumber > (await this.register.listsInUse())) throw new StatusListUnknown(`no status list ${listId}`);
    const now = this.clock();
    const kept = this.lists.get(listId);
    if (kept && !fresh && now.getTime() - kept.at < STATUS_LIST_TTL_MS) return kept.credential;
    const issuer = this.issuer;
    const credential = this.register
      .setPositions(listNumber, purpose)
      .then((set) => issuer.statusListCredential(listNumber, purpose, set, now));
    this.lists.set(listId, { at: now.getTime(), credential });
    credential.catch(() => this.lists.delete(listId));
    return credential;
  }

  didDocument(): Record<string, unknown> {
    if (!this.issuer) throw new CredentialsNotConfigured('the service has no issuer keys configured');
    return this.issuer.didDocument();
  }

  get issuerId(): string | undefined {
    return this.issuer?.issuerId;
  }
}
