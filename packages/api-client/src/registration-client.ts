import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/registration.v1';

export type { paths as RegistrationPaths, components as RegistrationComponents } from './generated/registration.v1';

export interface ClientOptions {
  readonly baseUrl: string;
  /** A bearer token, or a function that returns a fresh one (client-credentials tokens expire). */
  readonly token: string | (() => string | Promise<string>);
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * The registration API, typed from its OpenAPI document: paths, parameters, bodies and responses are
 * checked at compile time, so a client that drifts from the contract does not build.
 */
export function registrationClient(options: ClientOptions): Client<paths> {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const auth: Middleware = {
    async onRequest({ request }) {
      const token = typeof options.token === 'string' ? options.token : await options.token();
      request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}
