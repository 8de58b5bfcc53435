// Plain-node check of the compiled package (tsc → dist/, CommonJS): on Node 20.19+ the ESM-only
// @digitalbazaar suites load through require(esm). It issues a certificate, publishes the status lists,
// verifies in both formats, revokes, verifies again, and prints one JSON line. The jest test
// test/offline-process.unit.spec.ts runs it inside a network namespace with no interface but a downed
// loopback (`unshare --net`), where any attempt to reach the network fails.
//   npm run build -w packages/credentials && node packages/credentials/scripts/offline-check.cjs
'use strict';
const { randomBytes } = require('node:crypto');
const c = require('../dist/credentials.js');

async function main() {
  const started = process.hrtime.bigint();
  const keys = new c.KeyRing({
    did: { method: 'web', host: 'offline.homeward.test' },
    keys: [{ name: 'key-1', key: { seed: randomBytes(32) } }],
  });
  const bits = { revocation: new c.Bitstring(c.MIN_STATUS_LIST_LENGTH), suspension: new c.Bitstring(c.MIN_STATUS_LIST_LENGTH) };
  const url = (purpose) => `https://offline.homeward.test/credentials/status/${purpose}/1`;
  const published = new Map();
  const publish = async () => {
    for (const purpose of ['revocation', 'suspension']) {
      published.set(
        url(purpose),
        await c.issueStatusListCredential({ url: url(purpose), purpose, bits: bits[purpose], validFrom: new Date() }, keys),
      );
    }
  };
  await publish();
  const cache = new c.StatusListCache(async (u) => published.get(u), { keys });
  const index = new c.StatusIndexAllocator().allocate();
  const issued = await c.issueCertificateCredential(
    c.sampleCertificateInput({
      validFrom: new Date(Date.now() - 60_000),
      status: [c.statusEntry(url('revocation'), 'revocation', index), c.statusEntry(url('suspension'), 'suspension', index)],
    }),
    keys,
  );
  const options = { keys, statusLists: cache };
  const before = [
    (await c.verifyCredential(issued.credential, options)).status,
    (await c.verifyCredential(issued.jwt, options)).status,
    (await c.verifyCredential(issued.compactJwt, options)).status,
  ];
  bits.revocation.set(index, true);
  await publish();
  cache.invalidate();
  const after = [(await c.verifyCredential(issued.credential, options)).status, (await c.verifyCredential(issued.jwt, options)).status];
  const svg = await c.qrSvg(c.qrPayload('https://offline.homeward.test/verify/HW-2026-000123?code=K7Q2', issued.compactJwt));
  console.log(
    JSON.stringify({
      node: process.version,
      before,
      after,
      svg: svg.startsWith('<svg'),
      ms: Number(process.hrtime.bigint() - started) / 1e6,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
