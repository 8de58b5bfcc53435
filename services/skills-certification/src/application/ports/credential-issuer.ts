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
}
