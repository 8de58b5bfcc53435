import { randomBytes, sign as ed25519Sign, verify as ed25519Verify, createPublicKey } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { localDocumentLoader } from './document-loader';
import { KeyRing, type IssuerKeys } from './issuer-keys';
import { certificateCredential, type CertificateCredentialInput } from './open-badge';
import { signDataIntegrity } from './sign';
import { statusEntry } from './status-list';

/**
 * The bare cost of the cryptography the skills service does per certificate, measured with the same
 * library and the same credential shape, and nothing else: no HTTP, no database, no status list, no
 * decision. The service benchmark puts its issuance and verification rates beside these (`npm run bench --
 * skills`); `npm run bench -- credentials` prints them alone.
 *
 * - dataIntegritySign: @digitalbazaar/vc issue() of a certificate credential (RDFC-1.0 canonicalisation
 *   against the local contexts, SHA-256, Ed25519) — what issuance pays for its proof;
 * - dataIntegrityVerify: @digitalbazaar/vc verifyCredential() of that credential, status not checked;
 * - ed25519Sign / ed25519Verify: one raw Ed25519 operation (node:crypto) over 64 bytes, for scale.
 * One operation at a time, so the percentiles are per-operation latencies.
 */
export interface RateAndLatency {
  readonly operations: number;
  readonly perSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface BareCost {
  readonly dataIntegritySign: RateAndLatency;
  readonly dataIntegrityVerify: RateAndLatency;
  readonly ed25519Sign: RateAndLatency;
  readonly ed25519Verify: RateAndLatency;
  /** Size of the signed credential measured, in bytes of JSON. */
  readonly credentialBytes: number;
}

export interface BareCostOptions {
  readonly operations?: number;
  readonly warmup?: number;
  /** The credential to sign and verify (unsigned); default: a certificate of 6 units (sampleCertificateInput). */
  readonly credential?: Record<string, unknown>;
  readonly keys?: IssuerKeys;
}

export async function measureBareCost(options: BareCostOptions = {}): Promise<BareCost> {
  const operations = options.operations ?? 500;
  const warmup = options.warmup ?? 50;
  const keys =
    options.keys ??
    new KeyRing({ did: { method: 'web', host: 'bench.homeward.test' }, keys: [{ name: 'key-1', key: { seed: randomBytes(32) } }] });
  const unsigned = options.credential ?? certificateCredential(sampleCertificateInput(), keys.issuerId);
  const documentLoader = localDocumentLoader({ keys, didKey: false });
  const signer = keys.activeKey().signer;

  const sign = () =>
    vc.issue({
      credential: structuredClone(unsigned),
      suite: new DataIntegrityProof({ signer, cryptosuite: eddsaRdfc2022 }),
      documentLoader,
    });
  const signed = await signDataIntegrity(unsigned, keys, { documentLoader });
  const verify = async () => {
    const result = await vc.verifyCredential({
      credential: signed,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader,
      checkStatus: async () => ({ verified: true }),
    });
    if (!result.verified) throw new Error('the bare verification failed: the measurement would be meaningless');
  };
  const message = randomBytes(64);
  const privateKey = keys.activeKey().privateKey;
  const publicKey = createPublicKey(privateKey);
  const signature = ed25519Sign(null, message, privateKey);

  return {
    dataIntegritySign: await measure(sign, operations, warmup),
    dataIntegrityVerify: await measure(verify, operations, warmup),
    ed25519Sign: await measure(async () => ed25519Sign(null, message, privateKey), operations * 10, warmup),
    ed25519Verify: await measure(async () => ed25519Verify(null, message, publicKey, signature), operations * 10, warmup),
    credentialBytes: Buffer.byteLength(JSON.stringify(signed)),
  };
}

/** Runs `operation` `operations` times one after another (after `warmup` untimed runs). */
export async function measure(operation: () => Promise<unknown>, operations: number, warmup = 0): Promise<RateAndLatency> {
  for (let i = 0; i < warmup; i++) await operation();
  const latencies = new Float64Array(operations);
  const start = performance.now();
  for (let i = 0; i < operations; i++) {
    const t = performance.now();
    await operation();
    latencies[i] = performance.now() - t;
  }
  const totalMs = performance.now() - start;
  latencies.sort();
  const at = (q: number) => latencies[Math.min(operations - 1, Math.ceil(q * operations) - 1)]!;
  return { operations, perSecond: (operations * 1000) / totalMs, meanMs: totalMs / operations, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** A realistic certificate: a full qualification of 6 units, each aligned to two ESCO skills. */
export function sampleCertificateInput(overrides: Partial<CertificateCredentialInput> = {}): CertificateCredentialInput {
  const list = 'https://bench.homeward.test/credentials/status';
  return {
    id: 'urn:uuid:5f0c6a3e-2b1d-4c8e-9a7f-3d2e1c0b9a88',
    certificateNumber: 'HW-2026-000123',
    kind: 'qualification',
    issuer: { name: 'National Skills Authority', url: 'https://skills.homeward.test' },
    standard: {
      id: 'WELD-3',
      version: 2,
      title: 'Welding (GMAW) Level III',
      iscoCode: '7212',
      occupationTitle: 'Welders and flame cutters',
      level: 'Level III',
    },
    units: Array.from({ length: 6 }, (_, i) => ({
      code: `WLD30${i + 1}`,
      title: `Unit of competency ${i + 1} of the welding standard`,
      escoSkills: [
        `http://data.europa.eu/esco/skill/00000000-0000-4000-8000-00000000000${i}`,
        `http://data.europa.eu/esco/skill/00000000-0000-4000-8000-00000000001${i}`,
      ],
    })),
    validFrom: new Date('2026-01-15T00:00:00Z'),
    validUntil: new Date('2031-01-15T00:00:00Z'),
    status: [statusEntry(`${list}/revocation/1`, 'revocation', 70_001), statusEntry(`${list}/suspension/1`, 'suspension', 70_001)],
    verificationUrl: 'https://skills.homeward.test/verify/HW-2026-000123?code=K7Q2-9XFD',
    ...overrides,
  };
}
