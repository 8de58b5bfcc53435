import { createPrivateKey, createPublicKey, sign as ed25519Sign, type KeyObject } from 'node:crypto';

/**
 * The issuer's Ed25519 keys. An issuer is a DID: `did:web:<host>` (one DID, many keys: rotation adds a
 * verification method `did:web:<host>#key-N` and the DID document lists them all) or `did:key` (the DID
 * is the key itself, so rotating means a new DID; the old one still resolves from its own bytes).
 *
 * Signing only ever uses the active key. Older keys stay in the ring for verification, so a credential
 * signed before a rotation keeps verifying; a key is dropped from the ring only to withdraw every
 * credential it signed.
 */
export interface IssuerKeys {
  /** The DID of the active key's controller: what new credentials name as their issuer. */
  readonly issuerId: string;
  /** Every DID this ring speaks for (one for did:web; one per key for did:key). */
  readonly issuerIds: readonly string[];
  /** The key new credentials are signed with. */
  activeKey(): SigningKey;
  /** The public half of every key in the ring, active one last. */
  verificationMethods(): readonly VerificationMethod[];
  /** The DID document of `did` (a DID of this ring), or undefined. */
  didDocument(did: string): DidDocument | undefined;
}

/** A public key as it appears in a DID document (W3C Controlled Identifiers: type Multikey). */
export interface VerificationMethod {
  readonly id: string;
  readonly type: 'Multikey';
  readonly controller: string;
  /** `z` + base58btc(0xed01 ‖ 32-byte public key). */
  readonly publicKeyMultibase: string;
}

export interface SigningKey {
  readonly verificationMethod: VerificationMethod;
  /** The public key as a JWK (kty OKP, crv Ed25519), for VC-JOSE and JWKS. */
  readonly publicJwk: Ed25519PublicJwk;
  /** node:crypto's private key, for JOSE signing. */
  readonly privateKey: KeyObject;
  /** The signer interface of the @digitalbazaar Data Integrity suites. */
  readonly signer: { readonly id: string; readonly algorithm: 'Ed25519'; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
}

export interface Ed25519PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly kid?: string;
}

export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly verificationMethod: readonly VerificationMethod[];
  readonly assertionMethod: readonly string[];
  readonly authentication: readonly string[];
}

export const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';

/** One key of the ring as configured: a 32-byte Ed25519 seed (base64url) or a PKCS#8 PEM private key. */
export type KeyMaterial = { readonly seed: string | Uint8Array } | { readonly pem: string };

export interface IssuerKeyConfig {
  /**
   * The key's name, unique in the ring: the fragment of its verification method with did:web
   * (`did:web:host#key-2`). Ignored with did:key, whose fragment is the public key itself.
   */
  readonly name: string;
  readonly key: KeyMaterial;
}

export type IssuerDid =
  /** `host` as in a URL: `certificates.homeward.example` or `localhost:3000` (the colon is encoded as %3A). Optional path segments are joined with ':'. */
  { readonly method: 'web'; readonly host: string; readonly path?: readonly string[] } | { readonly method: 'key' };

export interface KeyRingConfig {
  readonly did: IssuerDid;
  /** Oldest first; the LAST key is the active one. */
  readonly keys: readonly IssuerKeyConfig[];
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const MULTICODEC_ED25519_PUB = Uint8Array.of(0xed, 0x01);

export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

/** The did:web DID for a host (and optional path), per the did:web method: ':' in the host becomes %3A. */
export function didWeb(host: string, path: readonly string[] = []): string {
  if (!host || /[/?#\s]/.test(host)) throw new KeyRingError(`not a host for did:web: "${host}"`);
  return ['did:web', encodeURIComponent(host.toLowerCase()), ...path.map(encodeURIComponent)].join(':');
}

/** Where a did:web DID document is published (https://host/.well-known/did.json, or https://host/path/did.json). */
export function didWebDocumentUrl(did: string): string {
  const parts = did.split(':');
  if (parts[0] !== 'did' || parts[1] !== 'web' || !parts[2]) throw new KeyRingError(`not a did:web DID: "${did}"`);
  const host = decodeURIComponent(parts[2]);
  const path = parts.slice(3).map(decodeURIComponent);
  return path.length ? `https://${host}/${path.join('/')}/did.json` : `https://${host}/.well-known/did.json`;
}

/** A fresh random seed, base64url, for configuration (`CREDENTIALS_ISSUER_KEYS`). */
export function generateSeed(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/** The ring. Construction is synchronous and pure key arithmetic: nothing is fetched or stored. */
export class KeyRing implements IssuerKeys {
  readonly issuerId: string;
  readonly issuerIds: readonly string[];
  private readonly keys: readonly SigningKey[];

  constructor(private readonly config: KeyRingConfig) {
    if (config.keys.length === 0) throw new KeyRingError('the key ring needs at least one key');
    const names = new Set<string>();
    const webDid = config.did.method === 'web' ? didWeb(config.did.host, config.did.path) : undefined;
    this.keys = config.keys.map((k) => {
      if (names.has(k.name)) throw new KeyRingError(`duplicate key name "${k.name}"`);
      if (webDid && !/^[A-Za-z0-9._~-]+$/.test(k.name)) throw new KeyRingError(`key name "${k.name}" is not a URL fragment`);
      names.add(k.name);
      return signingKey(k.key, (multibase) => (webDid ? { controller: webDid, id: `${webDid}#${k.name}` } : didKeyIds(multibase)));
    });
    const publicKeys = new Set(this.keys.map((k) => k.verificationMethod.publicKeyMultibase));
    if (publicKeys.size !== this.keys.length) throw new KeyRingError('the same key appears twice in the ring');
    this.issuerIds = [...new Set(this.keys.map((k) => k.verificationMethod.controller))];
    this.issuerId = this.activeKey().verificationMethod.controller;
  }

  /** Rotation: a new ring with `key` appended as the active key, the others kept for verification. This one is left as it was. */
  rotate(key: IssuerKeyConfig): KeyRing {
    return new KeyRing({ ...this.config, keys: [...this.config.keys, key] });
  }

  activeKey(): SigningKey {
    return this.keys[this.keys.length - 1]!;
  }

  verificationMethods(): readonly VerificationMethod[] {
    return this.keys.map((k) => k.verificationMethod);
  }

  didDocument(did: string): DidDocument | undefined {
    const methods = this.verificationMethods().filter((vm) => vm.controller === did);
    if (methods.length === 0) return undefined;
    const ids = methods.map((vm) => vm.id);
    return {
      '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
      id: did,
      verificationMethod: methods,
      assertionMethod: ids,
      authentication: ids,
    };
  }

  /** The public keys as a JWKS (kid = verification method id), for VC-JOSE verifiers that want one. */
  jwks(): { keys: Ed25519PublicJwk[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk, kid: k.verificationMethod.id })) };
  }
}

/**
 * Reads a ring from configuration text: `name:seed` pairs separated by commas, oldest first, the last one
 * active — e.g. `CREDENTIALS_ISSUER_KEYS=key-1:3q…,key-2:Hk…` (seeds base64url, 32 bytes each).
 */
export function keyRingFromEnv(did: IssuerDid, value: string | undefined): KeyRing {
  if (!value?.trim()) throw new KeyRingError('no issuer keys configured (expected "name:base64url-seed,…")');
  const keys = value
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair): IssuerKeyConfig => {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new KeyRingError('each issuer key is "name:base64url-seed"');
      return { name: pair.slice(0, colon), key: { seed: pair.slice(colon + 1) } };
    });
  return new KeyRing({ did, keys });
}

/** did:key for an Ed25519 public key: the DID and its only verification method share the multibase value. */
export function didKeyIds(publicKeyMultibase: string): { controller: string; id: string } {
  const controller = `did:key:${publicKeyMultibase}`;
  return { controller, id: `${controller}#${publicKeyMultibase}` };
}

/** The Multikey verification method that a did:key DID denotes, derived from the DID alone. */
export function didKeyDocument(did: string): DidDocument | undefined {
  const multibase = did.startsWith('did:key:') ? did.slice('did:key:'.length) : '';
  const bytes = multibase.startsWith('z') ? base58Decode(multibase.slice(1)) : undefined;
  if (!bytes || bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) return undefined;
  const { id, controller } = didKeyIds(multibase);
  return {
    '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
    id: controller,
    verificationMethod: [{ id, type: 'Multikey', controller, publicKeyMultibase: multibase }],
    assertionMethod: [id],
    authentication: [id],
  };
}

/** The 32 public key bytes of a Multikey `publicKeyMultibase` (Ed25519), or undefined. */
export function ed25519PublicKeyBytes(publicKeyMultibase: string): Uint8Array | undefined {
  if (!publicKeyMultibase.startsWith('z')) return undefined;
  const bytes = base58Decode(publicKeyMultibase.slice(1));
  if (!bytes || bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) return undefined;
  return bytes.subarray(2);
}

function signingKey(material: KeyMaterial, ids: (publicKeyMultibase: string) => { controller: string; id: string }): SigningKey {
  const privateKey = privateKeyFrom(material);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new KeyRingError('issuer keys must be Ed25519');
  const publicBytes = Buffer.from(jwk.x, 'base64url');
  const publicKeyMultibase = 'z' + base58Encode(Uint8Array.from([...MULTICODEC_ED25519_PUB, ...publicBytes]));
  const { controller, id } = ids(publicKeyMultibase);
  return {
    verificationMethod: { id, type: 'Multikey', controller, publicKeyMultibase },
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
    privateKey,
    signer: {
      id,
      algorithm: 'Ed25519',
      // node:crypto holds the parsed key; Ed25519 is deterministic, so the same data gives the same signature
      sign: async ({ data }) => new Uint8Array(ed25519Sign(null, data, privateKey)),
    },
  };
}

function privateKeyFrom(material: KeyMaterial): KeyObject {
  if ('pem' in material) {
    const key = createPrivateKey(material.pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new KeyRingError('issuer keys must be Ed25519');
    return key;
  }
  const seed = typeof material.seed === 'string' ? Buffer.from(material.seed, 'base64url') : Buffer.from(material.seed);
  if (seed.length !== 32) throw new KeyRingError(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58Encode(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)]! + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = '1' + out;
  }
  return out;
}

export function base58Decode(text: string): Uint8Array | undefined {
  let n = 0n;
  for (const c of text) {
    const v = BASE58.indexOf(c);
    if (v < 0) return undefined;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for (const c of text) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}
