// @homeward/credentials: the verifiable-credential layer of the skills-certification service. The entry
// point names what the package offers; each part lives in its own module.

// The untyped dependencies' declarations, referenced so that every program that includes this package's
// sources (services and the bench type-check them through the @homeward/source condition) sees them; the
// build copies the file beside dist/credentials.d.ts. An import cannot do this: a .d.ts has no module to load.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./modules.d.ts" />
export {
  KeyRing,
  KeyRingError,
  keyRingFromEnv,
  didWeb,
  didWebDocumentUrl,
  didKeyIds,
  didKeyDocument,
  generateSeed,
  ed25519PublicKeyBytes,
  DID_CONTEXT_V1,
  MULTIKEY_CONTEXT_V1,
  type IssuerKeys,
  type SigningKey,
  type VerificationMethod,
  type DidDocument,
  type Ed25519PublicJwk,
  type KeyMaterial,
  type IssuerKeyConfig,
  type IssuerDid,
  type KeyRingConfig,
} from './issuer-keys';
export {
  localDocumentLoader,
  DocumentNotHeldLocally,
  LOCAL_CONTEXTS,
  VC_V2_CONTEXT,
  OB_V3_CONTEXT,
  type DocumentLoader,
  type DocumentLoaderOptions,
  type RemoteDocument,
  type StatusListLookup,
} from './document-loader';
export {
  Bitstring,
  StatusIndexAllocator,
  StatusListError,
  statusEntry,
  statusListCredential,
  MIN_STATUS_LIST_LENGTH,
  type StatusPurpose,
  type BitstringStatusListEntry,
  type StatusListCredentialInput,
} from './status-list';
export {
  certificateCredential,
  CredentialInputError,
  type CertificateCredentialInput,
  type IssuerProfile,
  type CompetencyStandardRef,
  type UnitRef,
  type SubjectRef,
  type IdentityObject,
} from './open-badge';
export {
  issueCertificateCredential,
  issueStatusListCredential,
  signDataIntegrity,
  signJwt,
  VC_JWT_TYP,
  type IssuedCredential,
  type SignOptions,
} from './sign';
export {
  verifyCredential,
  verifyDataIntegrity,
  verifyJwt,
  StatusListCache,
  VerifiedProofs,
  type VerificationResult,
  type VerificationStatus,
  type VerifyOptions,
  type StatusListSource,
  type StatusListCacheOptions,
} from './verify';
export { qrPayload, readQrPayload, qrSvg, compactCertificateCredential } from './qr';
export { measureBareCost, measure, sampleCertificateInput, type BareCost, type BareCostOptions, type RateAndLatency } from './bare-cost';
