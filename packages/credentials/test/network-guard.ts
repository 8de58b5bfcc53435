import * as dns from 'node:dns';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';

/**
 * Replaces every way this process could reach the network — fetch, http(s).request/get, http2.connect,
 * net.connect/createConnection and Socket#connect (what undici and every client end in), tls.connect and
 * DNS lookups — with stubs that record the attempt and fail. Installed on import, before the code under test
 * is loaded, so even a fetch made while loading a module is caught.
 */
export const attempts: string[] = [];

const refuse =
  (what: string) =>
  (...args: unknown[]): never => {
    attempts.push(`${what} ${describe(args[0])}`);
    throw new Error(`network access blocked in this test: ${what}`);
  };

function describe(target: unknown): string {
  if (typeof target === 'string') return target;
  if (target instanceof URL) return target.href;
  if (target && typeof target === 'object') {
    const t = target as { href?: string; url?: string; host?: string; hostname?: string; port?: unknown; path?: string };
    return t.href ?? t.url ?? `${t.hostname ?? t.host ?? '?'}:${String(t.port ?? '')}${t.path ?? ''}`;
  }
  return String(target);
}

const patches: [object, string, unknown][] = [
  [globalThis, 'fetch', (input: unknown) => Promise.reject(refuseSync('fetch', input))],
  [http, 'request', refuse('http.request')],
  [http, 'get', refuse('http.get')],
  [https, 'request', refuse('https.request')],
  [https, 'get', refuse('https.get')],
  [http2, 'connect', refuse('http2.connect')],
  [net, 'connect', refuse('net.connect')],
  [net, 'createConnection', refuse('net.createConnection')],
  [net.Socket.prototype, 'connect', refuse('net.Socket.connect')],
  [tls, 'connect', refuse('tls.connect')],
  [dns, 'lookup', refuse('dns.lookup')],
  [dns.promises, 'lookup', refuse('dns.promises.lookup')],
];

function refuseSync(what: string, target: unknown): Error {
  attempts.push(`${what} ${describe(target)}`);
  return new Error(`network access blocked in this test: ${what}`);
}

const originals = patches.map(([owner, name]) => [owner, name, Reflect.get(owner, name)] as const);
for (const [owner, name, stub] of patches) {
  Object.defineProperty(owner, name, { value: stub, configurable: true, writable: true });
}

export function restoreNetwork(): void {
  for (const [owner, name, original] of originals) {
    Object.defineProperty(owner, name, { value: original, configurable: true, writable: true });
  }
}
