// npm run token -- --org ph-embassy-riyadh --kind mission --country SA [--scope "a b"] [--ttl 3600]
// --scope takes the scopes of packages/auth `Scopes`, or `<service>:*` for all of a service's (e.g. "fund:*").
// Prints a bearer token from the development issuer (keys in .local/dev-issuer).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { devIssuer } from './dev-issuer';
import { expandScopes, type OrganisationKind } from './auth';

async function main() {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      kind: { type: 'string', default: 'agency' },
      country: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      dir: { type: 'string', default: process.env.HOMEWARD_DEV_ISSUER_DIR ?? join(process.cwd(), '.local', 'dev-issuer') },
    },
  });
  if (!values.org) throw new Error('--org is required');
  const requested = values.scope ? expandScopes(values.scope.split(' ').filter(Boolean)) : undefined;
  if (requested && requested.unknown.length > 0)
    process.stderr.write(`token: no service knows the scope(s) ${requested.unknown.join(', ')} (packages/auth Scopes)\n`);
  const issuer = await devIssuer(values.dir!);
  const token = await issuer.issue({
    organisationId: values.org,
    kind: values.kind as OrganisationKind,
    ...(values.country ? { country: values.country } : {}),
    ...(requested ? { scopes: requested.scopes } : {}),
    ttl: Number(values.ttl),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
