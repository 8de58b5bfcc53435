// The guard must be installed before the package is loaded: keep this import first.
import { attempts, restoreNetwork } from './network-guard';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { localDocumentLoader, verifyCredential, qrPayload, qrSvg, DocumentNotHeldLocally } from '../src/credentials';
import { Issuer } from './fixtures';

afterAll(() => restoreNetwork());

describe('with every network call in this process replaced by a recording stub', () => {
  it('the guard itself catches a fetch, an https request and a raw socket (so a zero below means something)', async () => {
    const before = attempts.length;
    await expect(fetch('https://www.w3.org/ns/credentials/v2')).rejects.toThrow(/blocked/);
    const https = await import('node:https');
    expect(() => https.get('https://w3id.org/security/data-integrity/v2')).toThrow(/blocked/);
    const net = await import('node:net');
    expect(() => new net.Socket().connect(443, 'purl.imsglobal.org')).toThrow(/blocked/);
    expect(attempts.length - before).toBe(3);
    attempts.length = 0;
  });

  it('issues, publishes status lists, verifies, suspends, revokes and renders the QR code without a single attempt', async () => {
    const issuer = new Issuer();
    await issuer.publish();
    const issued = await issuer.issue();
    expect((await verifyCredential(issued.credential, issuer.verifyOptions())).status).toBe('valid');
    expect((await verifyCredential(issued.jwt, issuer.verifyOptions())).status).toBe('valid');
    await issuer.set('suspension', issued.index, true);
    expect((await verifyCredential(issued.credential, issuer.verifyOptions())).status).toBe('suspended');
    await issuer.set('revocation', issued.index, true);
    expect((await verifyCredential(issued.compactJwt, issuer.verifyOptions())).status).toBe('revoked');
    const svg = await qrSvg(qrPayload(`https://skills.homeward.test/verify/HW-2026-000123?code=K7Q2`, issued.compactJwt));
    expect(svg).toMatch(/^<svg/);
    expect(attempts).toEqual([]);
  });

  it('a credential naming a context that is not held locally fails, and nothing is fetched', async () => {
    const issuer = new Issuer();
    await issuer.publish();
    const issued = await issuer.issue();
    const foreign = {
      ...issued.credential,
      '@context': [...(issued.credential['@context'] as string[]), 'https://example.org/contexts/extra.jsonld'],
    };
    const result = await verifyCredential(foreign, issuer.verifyOptions());
    expect(result.status).not.toBe('valid');
    expect(result.errors.join()).toMatch(/not held locally/);
    await expect(localDocumentLoader()('https://example.org/anything')).rejects.toBeInstanceOf(DocumentNotHeldLocally);
    expect(attempts).toEqual([]);
  });
});

describe('in a separate process with no network at all', () => {
  // `unshare --net` starts the child in a new network namespace whose only interface is a downed
  // loopback: a DNS lookup or a connection cannot succeed. The child is plain `node` running the
  // tsc-compiled package (dist/), so this also checks the CommonJS build loading the ESM-only suites.
  const root = resolve(__dirname, '..');
  const run = promisify(execFile);

  beforeAll(async () => {
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.build.json')], { cwd: root });
  }, 120_000);

  it('issues, verifies and revokes there', async () => {
    const { stdout } = await run('unshare', ['--net', process.execPath, resolve(root, 'scripts/offline-check.cjs')], { cwd: root });
    const report = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(report).toMatchObject({ before: ['valid', 'valid', 'valid'], after: ['revoked', 'revoked'], svg: true });
  }, 60_000);

  it('where the network really is unreachable (the namespace is not a no-op)', async () => {
    const probe = 'require("node:dns").lookup("registry.npmjs.org", (e) => { console.log(e ? "unreachable" : "reachable"); })';
    const { stdout } = await run('unshare', ['--net', process.execPath, '-e', probe]);
    expect(stdout.trim()).toBe('unreachable');
  }, 30_000);
});
