/**
 * Configuration comes from the environment and is checked once, at start. A service that lacks a setting
 * refuses to start with a message naming every missing or invalid variable, rather than failing later.
 */
export interface Setting<T> {
  readonly description: string;
  readonly default?: string;
  readonly parse: (raw: string) => T;
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export type ConfigOf<S extends Record<string, Setting<unknown>>> = { readonly [K in keyof S]: ReturnType<S[K]['parse']> };

export function loadConfig<S extends Record<string, Setting<unknown>>>(settings: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings)) {
    const raw = env[name] ?? setting.default;
    if (raw === undefined || raw === '') {
      problems.push(`${name} is missing: ${setting.description}`);
      continue;
    }
    try {
      values[name] = setting.parse(raw);
    } catch (error) {
      problems.push(`${name} is invalid (${error instanceof Error ? error.message : String(error)}): ${setting.description}`);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return values as ConfigOf<S>;
}

export const parse = {
  string: (raw: string): string => raw,
  port: (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('expected a TCP port number');
    return n;
  },
  url: (raw: string): string => {
    new URL(raw);
    return raw;
  },
  list: (raw: string): string[] =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
};

/** The settings of the HTTP edge every service takes (spread into its settings with `authSettings`). */
export const securitySettings = {
  CORS_ALLOWED_ORIGINS: {
    description: "comma-separated origins (https://console.example.org) whose browsers may call the API; 'none' (the default) for none",
    default: 'none',
    parse: (raw: string): string[] => (raw.trim() === 'none' ? [] : parse.list(raw)),
  },
  RATE_LIMITS: {
    description:
      "overrides of the service's rate limits per principal and window, as name=max pairs (worker-search=600,reports=10); 'defaults' keeps the service's",
    default: 'defaults',
    parse: (raw: string) => parseRateLimits(raw),
  },
  RATE_LIMIT_WINDOW_SECONDS: {
    description: 'the window the rate limits count requests in, in seconds',
    default: '60',
    parse: (raw: string): number => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error('expected a whole number of seconds, at least 1');
      return n;
    },
  },
};

export function parseRateLimits(raw: string): Map<string, number> {
  const limits = new Map<string, number>();
  if (raw.trim() === 'defaults') return limits;
  for (const pair of parse.list(raw)) {
    const [name, max, ...rest] = pair.split('=').map((s) => s.trim());
    const n = Number(max);
    if (!name || rest.length > 0 || !Number.isInteger(n) || n < 1)
      throw new Error(`expected name=max with max a positive integer, not '${pair}'`);
    limits.set(name, n);
  }
  return limits;
}

/** Who signs the bearer tokens every API verifies: one definition for every service's settings to spread. */
export const authSettings = {
  AUTH_JWKS_URL: {
    description:
      "where the identity provider's signing keys are: https://… (e.g. Keycloak's …/protocol/openid-connect/certs) or file://… (the development issuer's jwks.json)",
    parse: parse.url,
  },
  AUTH_ISSUER: { description: 'the iss claim tokens must carry', parse: parse.string },
  AUTH_AUDIENCE: { description: 'the aud claim tokens must carry', default: 'homeward', parse: parse.string },
  // And the HTTP edge every API shares: CORS origins and rate limits (security.ts).
  ...securitySettings,
};
