import { StatusListCache, VerifiedProofs, verifyCredential, type KeyRing } from '@homeward/credentials';
import type { CredentialCheck, CredentialClaims, CredentialVerifier } from '../application/ports/credential-issuer';
import { STATUS_LIST_SIZE } from '../persistence/certificate-register';

/** How many verified proofs are remembered (a digest each, about 100 bytes): the oldest are forgotten first. */
export const VERIFIED_PROOFS_KEPT = 20_000;

/**
 * The credential verifier port on @homeward/credentials: `verifyCredential` with the issuer's key ring, the
 * status read from the service's own signed Bitstring Status Lists through a StatusListCache (each list's
 * proof verified once, then kept at most `maxAgeMs`, dropped at once when this process changes a status),
 * and a bounded set of the proofs already verified, by the SHA-256 of the credential's JSON.
 */
export class HomewardCredentialVerifier implements CredentialVerifier {
  private readonly lists: StatusListCache;
  private readonly proofs = new VerifiedProofs(VERIFIED_PROOFS_KEPT);

  constructor(
    private readonly keys: KeyRing,
    statusLists: (url: string) => Promise<Record<string, unknown> | undefined>,
    maxAgeMs: number,
    now: () => Date,
  ) {
    this.lists = new StatusListCache(statusLists, { keys, maxAgeMs, now });
  }

  async verify(credential: Record<string, unknown>, now: Date): Promise<CredentialCheck> {
    const result = await verifyCredential(credential, { keys: this.keys, statusLists: this.lists, now, verifiedProofs: this.proofs });
    return {
      outcome: result.status,
      ...(result.checks.revoked === undefined ? {} : { revoked: result.checks.revoked }),
      ...(result.checks.suspended === undefined ? {} : { suspended: result.checks.suspended }),
      ...(result.checks.proof === 'ok' && result.credential ? { claims: claimsOf(result.credential) } : {}),
      errors: result.errors,
    };
  }

  statusChanged(): void {
    this.lists.invalidate();
  }

  forgetVerifiedProofs(): void {
    this.proofs.clear();
  }
}

type Json = Record<string, any>;

/** What the Open Badges credential made by HomewardCredentialIssuer says, field by field; absent when not there. */
function claimsOf(credential: Json): CredentialClaims {
  const subject: Json = credential['credentialSubject'] ?? {};
  const achievement: Json = subject['achievement'] ?? {};
  const issuer: Json = typeof credential['issuer'] === 'object' && credential['issuer'] ? credential['issuer'] : {};
  const units = ([] as Json[])
    .concat(achievement['resultDescription'] ?? [])
    .map((d) => (typeof d?.['id'] === 'string' ? /:unit:([^:]+)$/.exec(d['id'])?.[1] : undefined))
    .filter((code): code is string => code !== undefined)
    .map((code) => decodeURIComponent(code));
  const entries = ([] as Json[]).concat(credential['credentialStatus'] ?? []);
  const indexOf = (purpose: string) => {
    const entry = entries.find((e) => e?.['statusPurpose'] === purpose);
    const list = typeof entry?.['statusListCredential'] === 'string' ? /-([0-9]+)$/.exec(entry['statusListCredential']) : null;
    const index = Number(entry?.['statusListIndex']);
    return list && Number.isInteger(index) ? (Number(list[1]) - 1) * STATUS_LIST_SIZE + index : undefined;
  };
  const date = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : undefined);
  const version = Number(achievement['version']);
  const revocationIndex = indexOf('revocation');
  const suspensionIndex = indexOf('suspension');
  return {
    ...(typeof subject['licenseNumber'] === 'string' ? { certificateNumber: subject['licenseNumber'] } : {}),
    ...(typeof achievement['id'] === 'string'
      ? { kind: achievement['id'].includes(':units:') ? ('certificate_of_competency' as const) : ('full_qualification' as const) }
      : {}),
    ...(typeof achievement['humanCode'] === 'string' ? { standardId: achievement['humanCode'] } : {}),
    ...(Number.isInteger(version) ? { standardVersion: version } : {}),
    unitCodes: units,
    ...(typeof issuer['name'] === 'string' ? { issuingBody: issuer['name'] } : {}),
    ...(typeof issuer['id'] === 'string' ? { issuerId: issuer['id'] } : {}),
    ...(date(credential['validFrom']) ? { validFrom: date(credential['validFrom'])! } : {}),
    ...(date(credential['validUntil']) ? { validUntil: date(credential['validUntil'])! } : {}),
    ...(revocationIndex === undefined ? {} : { revocationIndex }),
    ...(suspensionIndex === undefined ? {} : { suspensionIndex }),
  };
}
