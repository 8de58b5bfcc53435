import { createHash } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { localDocumentLoader, type DocumentLoader, type StatusListLookup } from './document-loader';
import { ed25519PublicKeyBytes, type IssuerKeys } from './issuer-keys';
import { VC_JWT_TYP } from './sign';
import { Bitstring, StatusListError, type StatusPurpose } from './status-list';

/**
 * What a verifier concludes, worst first: a credential whose proof fails is `tampered` (a proof by one of
 * the issuer's keys that does not match the content) or `invalid-signature` (no usable proof: missing,
 * malformed, unknown key, issuer not ours); then `revoked` beats `expired` (permanent and the issuer's
 * decision), `expired` beats `suspended` (a suspension may lift, an expiry won't); `status-unavailable`
 * when a status list cannot be had or fails its own checks (fail closed).
 */
export type VerificationStatus =
  'valid' | 'expired' | 'not-yet-valid' | 'suspended' | 'revoked' | 'status-unavailable' | 'invalid-signature' | 'tampered';

export interface VerificationResult {
  readonly status: VerificationStatus;
  readonly format: 'data-integrity' | 'vc-jwt';
  /** The reason code the caller gave for a revocation or suspension (statusReason). */
  readonly reason?: string;
  /** The credential as verified (the JWT's payload for a VC-JWT); absent when the proof failed. */
  readonly credential?: Record<string, unknown>;
  readonly issuer?: string;
  readonly verificationMethod?: string;
  /** Each check's own outcome, for logs and for answers that need more than the status. */
  readonly checks: {
    readonly proof: 'ok' | 'tampered' | 'invalid';
    readonly validity?: 'ok' | 'expired' | 'not-yet-valid';
    readonly revoked?: boolean;
    readonly suspended?: boolean;
  };
  readonly errors: readonly string[];
}

export interface VerifyOptions {
  /** The issuer keys to trust: the credential's issuer must be one of keys.issuerIds. */
  readonly keys: IssuerKeys;
  /** Where status lists come from; wrap a lookup in a StatusListCache to verify each list once. */
  readonly statusLists: StatusListSource;
  /** The caller's reason code for a set bit (e.g. from its own certificate record). */
  readonly statusReason?: (entry: {
    purpose: StatusPurpose;
    index: number;
    listUrl: string;
    credentialId?: string;
  }) => string | undefined | Promise<string | undefined>;
  readonly now?: Date;
  /** Seconds of clock skew allowed on validFrom / validUntil (default 0). */
  readonly maxClockSkewSeconds?: number;
  /**
   * Data Integrity proofs already verified, by the SHA-256 of the credential's JSON: a credential seen
   * before, byte for byte, skips the canonicalisation and the signature check (the proof cannot change
   * without the bytes changing). The issuer and key checks, the dates and the status are checked every time.
   */
  readonly verifiedProofs?: VerifiedProofs;
}

/** Status lists by URL, already verified and decoded. */
export interface StatusListSource {
  bitstring(url: string, purpose: StatusPurpose, issuer: string): Promise<Bitstring>;
}

/** Verifies a Data Integrity credential (object) or a VC-JWT (string). Never fetches anything. */
export async function verifyCredential(presented: object | string, options: VerifyOptions): Promise<VerificationResult> {
  return typeof presented === 'string' ? verifyJwt(presented, options) : verifyDataIntegrity(presented as Record<string, unknown>, options);
}

export async function verifyDataIntegrity(credential: Record<string, unknown>, options: VerifyOptions): Promise<VerificationResult> {
  const format = 'data-integrity' as const;
  const issuer = issuerOf(credential);
  const proof = credential['proof'] as Record<string, unknown> | undefined;
  const vmId = typeof proof?.['verificationMethod'] === 'string' ? proof['verificationMethod'] : undefined;
  const precheck = proofPrecheck(issuer, vmId, options.keys);
  if (precheck) return failed(format, 'invalid', [precheck], issuer, vmId);
  if (proof?.['type'] !== 'DataIntegrityProof' || proof['cryptosuite'] !== 'eddsa-rdfc-2022' || !isSignature(proof['proofValue'])) {
    return failed(format, 'invalid', ['the proof is not a well-formed eddsa-rdfc-2022 DataIntegrityProof'], issuer, vmId);
  }

  const digest = options.verifiedProofs ? VerifiedProofs.digest(credential) : undefined;
  if (digest !== undefined && options.verifiedProofs!.has(digest)) return afterProof(format, credential, issuer!, vmId!, options);
  const documentLoader = localDocumentLoader({ keys: options.keys, didKey: false });
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader,
    // status is checked below, against lists verified once and cached, with revoked and suspended told apart
    checkStatus: async () => ({ verified: true }),
    // the library checks dates before the proof and would hide a bad proof behind "expired": it checks the
    // proof at a moment inside the credential's own window, and validity is checked below against `now`
    ...libraryNow(credential),
  });
  if (!result.verified) {
    const errors = collectErrors(result);
    // a proof by one of our keys that does not verify over this content: the content (or the proof) changed
    return failed(
      format,
      errors.some((e) => /invalid signature|verification failed/i.test(e)) ? 'tampered' : 'invalid',
      errors,
      issuer,
      vmId,
    );
  }
  if (digest !== undefined) options.verifiedProofs!.add(digest);
  return afterProof(format, credential, issuer!, vmId!, options);
}

/**
 * A bounded set of the SHA-256 digests of credentials whose Data Integrity proof verified (the oldest
 * forgotten first). Only successes are kept. The digest is over `JSON.stringify` of the credential: two
 * credentials with the same serialisation are the same JSON data, and a proof depends on nothing else
 * (the key that made it is checked against the key ring on every verification, before this set is asked).
 */
export class VerifiedProofs {
  private readonly digests = new Set<string>();

  constructor(readonly maxEntries = 10_000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  static digest(credential: object): string {
    return createHash('sha256').update(JSON.stringify(credential)).digest('base64url');
  }

  has(digest: string): boolean {
    if (!this.digests.has(digest)) return false;
    // most recently used last, so that eviction drops the least recently used
    this.digests.delete(digest);
    this.digests.add(digest);
    return true;
  }

  add(digest: string): void {
    this.digests.delete(digest);
    this.digests.add(digest);
    if (this.digests.size > this.maxEntries) this.digests.delete(this.digests.values().next().value!);
  }

  get size(): number {
    return this.digests.size;
  }

  /** Forget every proof (the benchmark's cold runs). */
  clear(): void {
    this.digests.clear();
  }
}

export async function verifyJwt(jwt: string, options: VerifyOptions): Promise<VerificationResult> {
  const format = 'vc-jwt' as const;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return failed(format, 'invalid', ['not a compact JWS']);
  }
  if (header.alg !== 'EdDSA' || header.typ !== VC_JWT_TYP || typeof header.kid !== 'string') {
    return failed(format, 'invalid', [`the JWS header is not {alg: EdDSA, typ: ${VC_JWT_TYP}, kid}`]);
  }
  const vm = options.keys.verificationMethods().find((m) => m.id === header.kid);
  if (!vm) return failed(format, 'invalid', [`unknown key ${header.kid}`], undefined, header.kid);
  const publicBytes = ed25519PublicKeyBytes(vm.publicKeyMultibase)!;
  const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicBytes).toString('base64url') }, 'EdDSA');
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jwt, key, { algorithms: ['EdDSA'] }));
  } catch (error) {
    return failed(format, 'tampered', [String((error as Error).message)], undefined, vm.id);
  }
  let credential: Record<string, unknown>;
  try {
    credential = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch {
    return failed(format, 'invalid', ['the payload is not JSON'], undefined, vm.id);
  }
  const issuer = issuerOf(credential);
  const precheck =
    proofPrecheck(issuer, vm.id, options.keys) ?? (vm.controller === issuer ? undefined : `key ${vm.id} is not the issuer's`);
  if (precheck) return failed(format, 'invalid', [precheck], issuer, vm.id);
  return afterProof(format, credential, issuer!, vm.id, options);
}

async function afterProof(
  format: VerificationResult['format'],
  credential: Record<string, unknown>,
  issuer: string,
  vmId: string,
  options: VerifyOptions,
): Promise<VerificationResult> {
  const now = options.now ?? new Date();
  const skewMs = (options.maxClockSkewSeconds ?? 0) * 1000;
  const errors: string[] = [];
  let validity: 'ok' | 'expired' | 'not-yet-valid' = 'ok';
  const validFrom = dateOf(credential['validFrom']);
  const validUntil = dateOf(credential['validUntil']);
  if (validFrom === null || validUntil === null) return failed(format, 'invalid', ['validFrom / validUntil is not a date'], issuer, vmId);
  if (validUntil && now.getTime() - skewMs > validUntil.getTime()) validity = 'expired';
  else if (validFrom && now.getTime() + skewMs < validFrom.getTime()) validity = 'not-yet-valid';

  const flags: Partial<Record<StatusPurpose, boolean>> = {};
  const reasons: Partial<Record<StatusPurpose, string>> = {};
  let unavailable = false;
  for (const entry of statusEntries(credential)) {
    const purpose = entry['statusPurpose'];
    const index = Number(entry['statusListIndex']);
    const listUrl = entry['statusListCredential'];
    if (
      entry['type'] !== 'BitstringStatusListEntry' ||
      (purpose !== 'revocation' && purpose !== 'suspension') ||
      !Number.isInteger(index) ||
      index < 0 ||
      typeof listUrl !== 'string'
    ) {
      errors.push(`unsupported credentialStatus entry ${JSON.stringify(entry)}`);
      unavailable = true;
      continue;
    }
    try {
      const bits = await options.statusLists.bitstring(listUrl, purpose, issuer);
      const set = bits.get(index);
      flags[purpose] = (flags[purpose] ?? false) || set;
      if (set && options.statusReason) {
        const reason = await options.statusReason({
          purpose,
          index,
          listUrl,
          ...(typeof credential['id'] === 'string' ? { credentialId: credential['id'] } : {}),
        });
        if (reason) reasons[purpose] = reason;
      }
    } catch (error) {
      errors.push(`status list ${listUrl}: ${(error as Error).message}`);
      unavailable = true;
    }
  }

  const status: VerificationStatus = flags.revocation
    ? 'revoked'
    : validity === 'expired'
      ? 'expired'
      : flags.suspension
        ? 'suspended'
        : unavailable
          ? 'status-unavailable'
          : validity === 'not-yet-valid'
            ? 'not-yet-valid'
            : 'valid';
  const reason = status === 'revoked' ? reasons.revocation : status === 'suspended' ? reasons.suspension : undefined;
  return {
    status,
    format,
    ...(reason ? { reason } : {}),
    credential,
    issuer,
    verificationMethod: vmId,
    checks: {
      proof: 'ok',
      validity,
      ...(flags.revocation !== undefined ? { revoked: flags.revocation } : {}),
      ...(flags.suspension !== undefined ? { suspended: flags.suspension } : {}),
    },
    errors,
  };
}

export interface StatusListCacheOptions {
  /** How long a verified list is used before it is looked up again (default 5 minutes). */
  readonly maxAgeMs?: number;
  readonly keys: IssuerKeys;
  readonly now?: () => Date;
}

/**
 * Status lists looked up through the caller's `lookup`, each verified (its proof by one of the issuer's
 * keys, its type, purpose and issuer, its validity dates) and decoded once, then kept for `maxAgeMs`.
 * Concurrent verifications of credentials on the same list share one lookup.
 */
export class StatusListCache implements StatusListSource {
  private readonly entries = new Map<string, { at: number; list: Promise<{ bits: Bitstring; purpose: StatusPurpose; issuer: string }> }>();
  private readonly maxAgeMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly lookup: StatusListLookup,
    private readonly options: StatusListCacheOptions,
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Forget a list (after the issuer changed it, so the next verification sees the change at once). */
  invalidate(url?: string): void {
    if (url === undefined) this.entries.clear();
    else this.entries.delete(url);
  }

  async bitstring(url: string, purpose: StatusPurpose, issuer: string): Promise<Bitstring> {
    const at = this.now().getTime();
    let entry = this.entries.get(url);
    if (!entry || at - entry.at > this.maxAgeMs) {
      entry = { at, list: this.load(url) };
      this.entries.set(url, entry);
      entry.list.catch(() => this.entries.delete(url));
    }
    const list = await entry.list;
    if (list.purpose !== purpose) throw new StatusListError(`the list is for ${list.purpose}, the entry for ${purpose}`);
    if (list.issuer !== issuer) throw new StatusListError('the list was issued by someone else than the credential');
    return list.bits;
  }

  private async load(url: string): Promise<{ bits: Bitstring; purpose: StatusPurpose; issuer: string }> {
    const list = (await this.lookup(url)) as Record<string, unknown> | undefined;
    if (!list) throw new StatusListError('not found');
    if (list['id'] !== url) throw new StatusListError('the list does not carry its own URL as id');
    const types = ([] as unknown[]).concat(list['type']);
    if (!types.includes('BitstringStatusListCredential')) throw new StatusListError('not a BitstringStatusListCredential');
    const verified = await verifyDataIntegrity(list, { keys: this.options.keys, statusLists: noStatus, now: this.now() });
    if (verified.status !== 'valid')
      throw new StatusListError(`the list does not verify: ${verified.status} ${verified.errors.join('; ')}`);
    const subject = list['credentialSubject'] as Record<string, unknown> | undefined;
    const purpose = subject?.['statusPurpose'];
    if (
      subject?.['type'] !== 'BitstringStatusList' ||
      (purpose !== 'revocation' && purpose !== 'suspension') ||
      typeof subject['encodedList'] !== 'string'
    ) {
      throw new StatusListError('the list subject is not a BitstringStatusList for revocation or suspension');
    }
    return { bits: Bitstring.decode(subject['encodedList']), purpose, issuer: verified.issuer! };
  }
}

const noStatus: StatusListSource = {
  bitstring: () => Promise.reject(new StatusListError('a status list has no status of its own')),
};

function proofPrecheck(issuer: string | undefined, vmId: string | undefined, keys: IssuerKeys): string | undefined {
  if (!issuer) return 'the credential names no issuer';
  if (!keys.issuerIds.includes(issuer)) return `issuer ${issuer} is not trusted here`;
  if (!vmId) return 'no proof';
  const vm = keys.verificationMethods().find((m) => m.id === vmId);
  if (!vm) return `unknown key ${vmId}`;
  return undefined;
}

function libraryNow(credential: Record<string, unknown>): { now?: string } {
  const at = credential['validFrom'] ?? credential['validUntil'];
  return typeof at === 'string' ? { now: at } : {};
}

function issuerOf(credential: Record<string, unknown>): string | undefined {
  const issuer = credential['issuer'];
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof (issuer as { id?: unknown }).id === 'string') return (issuer as { id: string }).id;
  return undefined;
}

function statusEntries(credential: Record<string, unknown>): Record<string, unknown>[] {
  const status = credential['credentialStatus'];
  if (status === undefined) return [];
  return ([] as unknown[]).concat(status).map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>) : {}));
}

function dateOf(value: unknown): Date | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isSignature(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('z') && value.length >= 80 && value.length <= 90;
}

function collectErrors(result: { error?: unknown; results?: { error?: unknown }[] }): string[] {
  const errors: string[] = [];
  const add = (e: unknown) => {
    if (!e) return;
    if (Array.isArray(e)) e.forEach(add);
    else if (e instanceof Error) {
      errors.push(e.message);
      // jsigs collects several errors; jsonld wraps the loader's error as details.cause
      const wrapped = e as { errors?: unknown; cause?: unknown; details?: { cause?: unknown } };
      add(wrapped.errors);
      add(wrapped.cause);
      add(wrapped.details?.cause);
    } else errors.push(String(e));
  };
  add(result.error);
  result.results?.forEach((r) => add(r.error));
  return [...new Set(errors)];
}

function failed(
  format: VerificationResult['format'],
  proof: 'tampered' | 'invalid',
  errors: string[],
  issuer?: string,
  verificationMethod?: string,
): VerificationResult {
  return {
    status: proof === 'tampered' ? 'tampered' : 'invalid-signature',
    format,
    ...(issuer ? { issuer } : {}),
    ...(verificationMethod ? { verificationMethod } : {}),
    checks: { proof },
    errors,
  };
}

export type { DocumentLoader };
