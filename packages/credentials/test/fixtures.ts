import { randomBytes } from 'node:crypto';
import {
  Bitstring,
  KeyRing,
  MIN_STATUS_LIST_LENGTH,
  StatusIndexAllocator,
  StatusListCache,
  issueCertificateCredential,
  issueStatusListCredential,
  sampleCertificateInput,
  statusEntry,
  type CertificateCredentialInput,
  type IssuedCredential,
  type StatusPurpose,
} from '../src/credentials';

export const HOST = 'skills.homeward.test';
export const LIST_URL: Record<StatusPurpose, string> = {
  revocation: `https://${HOST}/credentials/status/revocation/1`,
  suspension: `https://${HOST}/credentials/status/suspension/1`,
};

/**
 * An issuer as the service would run it: a did:web key ring, one revocation and one suspension list, an
 * allocator, and the "published" status list credentials (what GET on the list URL would serve).
 */
export class Issuer {
  keys: KeyRing;
  readonly bits: Record<StatusPurpose, Bitstring> = {
    revocation: new Bitstring(MIN_STATUS_LIST_LENGTH),
    suspension: new Bitstring(MIN_STATUS_LIST_LENGTH),
  };
  readonly allocator = new StatusIndexAllocator();
  readonly published = new Map<string, object>();
  readonly reasons = new Map<string, string>();
  readonly cache: StatusListCache;

  constructor(keys?: KeyRing) {
    this.keys = keys ?? new KeyRing({ did: { method: 'web', host: HOST }, keys: [{ name: 'key-1', key: { seed: randomBytes(32) } }] });
    this.cache = new StatusListCache(async (url) => this.published.get(url), { keys: this.keys, maxAgeMs: 60_000 });
  }

  async publish(): Promise<void> {
    for (const purpose of ['revocation', 'suspension'] as const) {
      const list = await issueStatusListCredential(
        { url: LIST_URL[purpose], purpose, bits: this.bits[purpose], validFrom: new Date() },
        this.keys,
      );
      this.published.set(LIST_URL[purpose], list);
    }
    this.cache.invalidate();
  }

  async issue(overrides: Partial<CertificateCredentialInput> = {}): Promise<IssuedCredential & { index: number }> {
    const index = this.allocator.allocate();
    const issued = await issueCertificateCredential(
      sampleCertificateInput({
        id: `urn:uuid:${crypto.randomUUID()}`,
        validFrom: new Date(Date.now() - 86_400_000),
        validUntil: new Date(Date.now() + 5 * 365 * 86_400_000),
        status: [statusEntry(LIST_URL.revocation, 'revocation', index), statusEntry(LIST_URL.suspension, 'suspension', index)],
        ...overrides,
      }),
      this.keys,
    );
    return { ...issued, index };
  }

  async set(purpose: StatusPurpose, index: number, value: boolean, reason?: string): Promise<void> {
    this.bits[purpose].set(index, value);
    if (reason) this.reasons.set(`${purpose}:${index}`, reason);
    await this.publish();
  }

  verifyOptions() {
    return {
      keys: this.keys,
      statusLists: this.cache,
      statusReason: ({ purpose, index }: { purpose: StatusPurpose; index: number }) => this.reasons.get(`${purpose}:${index}`),
    };
  }

  /** The did.json the service publishes at https://HOST/.well-known/did.json. */
  didJson(): object {
    return this.keys.didDocument(this.keys.issuerId)!;
  }
}
