import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { CompactSign } from 'jose';
import { localDocumentLoader, type DocumentLoader } from './document-loader';
import type { IssuerKeys } from './issuer-keys';
import { certificateCredential, type CertificateCredentialInput } from './open-badge';
import { compactCertificateCredential } from './qr';
import { statusListCredential, type StatusListCredentialInput } from './status-list';

export interface SignOptions {
  /** The proof's `created` (default: now). */
  readonly now?: Date;
  /** Defaults to localDocumentLoader({ keys }). */
  readonly documentLoader?: DocumentLoader;
}

/** Media type of a VC secured with JOSE (VC-JOSE-COSE §3.1.1), used as the JWS `typ`. */
export const VC_JWT_TYP = 'vc+jwt';

/**
 * Adds a Data Integrity proof (cryptosuite eddsa-rdfc-2022, proofPurpose assertionMethod) made with the
 * ring's active key. The credential is canonicalised with RDFC-1.0 against the local contexts only.
 */
export async function signDataIntegrity<T extends object>(
  credential: T,
  keys: IssuerKeys,
  options: SignOptions = {},
): Promise<T & { proof: Record<string, unknown> }> {
  const key = keys.activeKey();
  const suite = new DataIntegrityProof({ signer: key.signer, cryptosuite: eddsaRdfc2022, date: options.now ?? new Date() });
  const documentLoader = options.documentLoader ?? localDocumentLoader({ keys });
  // vc.issue adds the proof to a copy; structuredClone keeps the caller's object untouched regardless
  return (await vc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader,
    ...(options.now ? { now: options.now } : {}),
  })) as T & {
    proof: Record<string, unknown>;
  };
}

/**
 * The same credential secured as VC-JOSE (a compact JWS): header `{alg: EdDSA, typ: vc+jwt, cty: vc, kid}`,
 * payload = the credential itself (without any `proof`), as VC-JOSE-COSE 1.0 prescribes — no JWT claims
 * beside it; validity comes from the credential's own validFrom / validUntil.
 */
export async function signJwt(credential: object, keys: IssuerKeys): Promise<string> {
  const key = keys.activeKey();
  const { proof: _ignored, ...unsecured } = credential as Record<string, unknown>;
  void _ignored;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(unsecured)))
    .setProtectedHeader({ alg: 'EdDSA', typ: VC_JWT_TYP, cty: 'vc', kid: key.verificationMethod.id })
    .sign(key.privateKey);
}

export interface IssuedCredential {
  /** The OpenBadgeCredential with its eddsa-rdfc-2022 proof. */
  readonly credential: Record<string, unknown> & { proof: Record<string, unknown> };
  /** The same credential as a VC-JWT. */
  readonly jwt: string;
  /** The compact form for the QR code (compactCertificateCredential), as a VC-JWT. */
  readonly compactJwt: string;
  /** The verification method that signed both. */
  readonly verificationMethod: string;
}

/** A certificate as a signed Open Badges 3.0 credential, in both securing formats. */
export async function issueCertificateCredential(
  input: CertificateCredentialInput,
  keys: IssuerKeys,
  options: SignOptions = {},
): Promise<IssuedCredential> {
  const unsigned = certificateCredential(input, keys.issuerId);
  const [credential, jwt, compactJwt] = await Promise.all([
    signDataIntegrity(unsigned, keys, options),
    signJwt(unsigned, keys),
    signJwt(compactCertificateCredential(unsigned), keys),
  ]);
  return { credential, jwt, compactJwt, verificationMethod: keys.activeKey().verificationMethod.id };
}

/** A BitstringStatusListCredential signed (Data Integrity) by the ring's active key. */
export async function issueStatusListCredential(
  input: Omit<StatusListCredentialInput, 'issuer'>,
  keys: IssuerKeys,
  options: SignOptions = {},
): Promise<Record<string, unknown> & { proof: Record<string, unknown> }> {
  return signDataIntegrity(statusListCredential({ ...input, issuer: keys.issuerId }), keys, { now: input.validFrom, ...options });
}
