import { whyNotACountry } from '@homeward/classifications/countries';
import { eventSourcedSettings } from '@homeward/command-handling/settings';
import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';

export const skillsCertificationSettings = {
  ...eventSourcedSettings,
  DATABASE_URL: {
    description: 'PostgreSQL URL of the skills-certification database',
    default: 'postgres://postgres@127.0.0.1:5432/homeward_skills',
    parse: parse.url,
  },
  PORT: {
    description: 'HTTP port (3002; a process without the api role answers its health probes on 3012)',
    default: '3002',
    parse: parse.port,
  },
  ORIGIN_COUNTRY: {
    description: 'ISO 3166-1 alpha-2 code of the country that runs the registry',
    default: 'PH',
    parse: (raw: string) => {
      const wrong = whyNotACountry(raw);
      if (wrong) throw new Error(`expected an ISO 3166-1 alpha-2 country code: ${wrong}`);
      return raw;
    },
  },
  PERSONAL_DATA_MASTER_KEY: {
    description:
      "base64 of 32 random bytes: the master key that wraps every candidate's data key in this service's own vault (e.g. `openssl rand -base64 32`)",
    parse: (raw: string) => {
      if (Buffer.from(raw, 'base64').length !== 32) throw new Error('expected 32 bytes, base64-encoded');
      return raw;
    },
  },
  VERIFICATION_SECRET: {
    description:
      "base64 of at least 32 random bytes: the HMAC key a certificate's public verification code is derived from (so a code can be printed again later without being stored)",
    parse: (raw: string) => {
      if (Buffer.from(raw, 'base64').length < 32) throw new Error('expected at least 32 bytes, base64-encoded');
      return raw;
    },
  },
  OBJECT_STORE_DIR: {
    description: 'folder where uploaded evidence files are kept, named by their SHA-256',
    default: './var/skills-evidence',
    parse: parse.string,
  },
  PUBLIC_BASE_URL: {
    description:
      'the URL the public reaches this service at: verification links, QR codes, the did:web of the issuer and the status lists. https; http only on a loopback host (127.0.0.1, localhost, [::1]), for a local demo',
    default: 'http://127.0.0.1:3002',
    parse: (raw: string) => {
      const url = new URL(raw);
      const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
      // The printed certificate refuses any other link in its QR code: a phone must not be sent to a plain-http check.
      if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)))
        throw new Error('expected an https URL (http only on a loopback host)');
      if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
        throw new Error('expected no user, query or fragment');
      return raw;
    },
  },
  ISSUING_BODY: {
    description: 'the name of the body that issues the certificates, as printed and as the credential issuer name',
    default: 'Technical Education and Skills Development Authority',
    parse: parse.string,
  },
  CREDENTIALS_ISSUER_KEYS: {
    description:
      'the issuer key ring: `name:base64url 32-byte Ed25519 seed` pairs, comma-separated, oldest first, the last one signing (rotation appends a key; the old ones stay in the DID document so that earlier credentials still verify). Without it certificates are issued without credentials',
    default: '',
    parse: parse.string,
  },
  CREDENTIALS_DID_METHOD: {
    description: "the issuer's DID: `web` (did:web on the host of PUBLIC_BASE_URL, its document served at /.well-known/did.json) or `key`",
    default: 'web',
    parse: (raw: string): 'web' | 'key' => {
      if (raw !== 'web' && raw !== 'key') throw new Error('expected web or key');
      return raw;
    },
  },
  VERIFY_FAILURES_PER_WINDOW: {
    description: 'failed verification codes a client address may try per window before it is answered 429',
    default: '10',
    parse: (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error('expected a positive integer');
      return n;
    },
  },
  VERIFY_WINDOW_SECONDS: {
    description: 'the window of VERIFY_FAILURES_PER_WINDOW, in seconds',
    default: '600',
    parse: (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error('expected a positive integer');
      return n;
    },
  },
};

export type SkillsCertificationConfig = ConfigOf<typeof skillsCertificationSettings>;

export function loadSkillsCertificationConfig(env: NodeJS.ProcessEnv = process.env): SkillsCertificationConfig {
  return loadConfig(skillsCertificationSettings, env);
}
