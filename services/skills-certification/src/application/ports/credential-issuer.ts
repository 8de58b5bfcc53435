/** What a certificate's credential says: no personal data, the holder only by the certificate number. */
export interface CertificateForCredential {
  readonly certificateNumber: string;
  readonly kind: 'full_qualification' | 'certificate_of_competency';
  readonly issuingBody: string;
  readonly issuedOn: string;
  readonly expiresOn?: string;
  readonly standard: {
    readonly standardId: string;
    readonly version: number;
    readonly title: string;
    readonly occupationIsco: string;
    readonly level: number;
  };
  readonly units: readonly { readonly code: string; readonly title: string; readonly escoSkills: readonly string[] }[];
  /** The position of the certificate in the revocation and suspension lists. */
  readonly statusIndex: number;
  readonly verificationUrl: string;
}

export interface SignedCredential {
  /** The W3C VC 2.0 OpenBadgeCredential with its eddsa-rdfc-2022 Data Integrity proof. */
  readonly dataIntegrity: Record<string, unknown>;
  /** The same credential as a VC-JOSE compact JWS. */
  readonly jwt: string;
  /** The compact signed form the QR code carries, verifiable offline with a cached status list. */
  readonly compactJwt?: string;
}

/**
 * How the service signs: the certificate as credentials, the status lists, and the issuer's DID document.
 * The keys (did:web or did:key, rotation) are behind it; @homeward/credentials implements it.
 */
export interface CredentialIssuer {
  readonly issuerId: string;
  didDocument(): Record<string, unknown>;
  issueCertificate(certificate: CertificateForCredential): Promise<SignedCredential>;
  /** A signed BitstringStatusListCredential of list `listNumber` with the given positions set. */
  statusListCredential(
    listNumber: number,
    purpose: 'revocation' | 'suspension',
    setPositions: readonly number[],
    now: Date,
  ): Promise<Record<string, unknown>>;
  /**
   * A verifier of this issuer's certificate credentials that reads their status from `statusLists` (the
   * service's own signed lists, by URL), keeping each verified list at most `maxAgeMs`.
   */
  verifier(statusLists: (url: string) => Promise<Record<string, unknown> | undefined>, maxAgeMs: number): CredentialVerifier;
}

/** What a certificate credential says, once its proof held: read from the Open Badges shape by the adapter. */
export interface CredentialClaims {
  readonly certificateNumber?: string;
  readonly kind?: 'full_qualification' | 'certificate_of_competency';
  readonly standardId?: string;
  readonly standardVersion?: number;
  readonly unitCodes: readonly string[];
  readonly issuingBody?: string;
  readonly issuerId?: string;
  /** The dates of validFrom / validUntil (YYYY-MM-DD). */
  readonly validFrom?: string;
  readonly validUntil?: string;
  /** The positions of its status entries, over all lists (as the register numbers them). */
  readonly revocationIndex?: number;
  readonly suspensionIndex?: number;
}

/** The outcome of verifying a stored credential: its proof, its dates, its status-list bits. */
export interface CredentialCheck {
  readonly outcome:
    'valid' | 'expired' | 'not-yet-valid' | 'suspended' | 'revoked' | 'status-unavailable' | 'invalid-signature' | 'tampered';
  /** The bits read from the status lists (absent when a list could not be read or the proof failed). */
  readonly revoked?: boolean;
  readonly suspended?: boolean;
  /** Present only when the proof held. */
  readonly claims?: CredentialClaims;
  readonly errors: readonly string[];
}

export interface CredentialVerifier {
  /** Verifies a stored certificate credential (Data Integrity) at `now`. Never fetches anything. */
  verify(credential: Record<string, unknown>, now: Date): Promise<CredentialCheck>;
  /** A status changed in this process: the status lists kept are stale. */
  statusChanged(): void;
  /** Forget the proofs already verified (the benchmark's cold runs). */
  forgetVerifiedProofs(): void;
}
