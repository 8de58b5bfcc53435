import { expandScopes } from '@homeward/auth';
import { devIssuer } from '@homeward/auth/dev-issuer';
import { COUNTRY_PROFILES, type OriginCountry } from './country-profiles';

/**
 * Tokens from the development issuer (the keys `npm start` and `npm run token` use, in .local/dev-issuer):
 * the origin country's agency, and a mission in every destination of the country's profile. For local
 * demos only; against a real identity provider, pass real tokens.
 */
export async function devTokens(
  directory: string,
  country: OriginCountry,
  ttlSeconds = 86_400,
): Promise<{ agency: string; missions: Record<string, string> }> {
  const issuer = await devIssuer(directory);
  const origin = country.toLowerCase();
  const agency = await issuer.issue({ organisationId: `${origin}-registry`, kind: 'agency', ttl: ttlSeconds });
  const profile = COUNTRY_PROFILES[country];
  const destinations = [...new Set([...profile.destinations.F, ...profile.destinations.M].map(([d]) => d))].sort();
  const missions: Record<string, string> = {};
  for (const destination of destinations) {
    missions[destination] = await issuer.issue({
      organisationId: `${origin}-mission-${destination.toLowerCase()}`,
      kind: 'mission',
      country: destination,
      ttl: ttlSeconds,
    });
  }
  return { agency, missions };
}

/** The employment service's scopes (packages/auth `Scopes.employment*`), spelt out while the issuer's defaults may lack them. */
const EMPLOYMENT_SCOPES = {
  vacancies: 'employment:vacancies',
  referrals: 'employment:referrals',
  seekers: 'employment:seekers',
  read: 'employment:read',
};

/**
 * Tokens for the employment demo from the development issuer: the employment office (an agency with every
 * employment scope and workers:read) and each employer that uses the service itself (kind employer, its own
 * organisation id).
 */
export async function devEmploymentTokens(
  directory: string,
  country: OriginCountry,
  employerIds: readonly string[],
  ttlSeconds = 86_400,
): Promise<{ office: string; employers: Record<string, string> }> {
  const issuer = await devIssuer(directory);
  const office = await issuer.issue({
    organisationId: `${country.toLowerCase()}-employment-office`,
    kind: 'agency',
    scopes: ['workers:read', ...Object.values(EMPLOYMENT_SCOPES)],
    ttl: ttlSeconds,
  });
  const employers: Record<string, string> = {};
  for (const organisationId of employerIds) {
    employers[organisationId] = await issuer.issue({
      organisationId,
      kind: 'employer',
      scopes: [EMPLOYMENT_SCOPES.vacancies, EMPLOYMENT_SCOPES.referrals, EMPLOYMENT_SCOPES.read],
      ttl: ttlSeconds,
    });
  }
  return { office, employers };
}

/** The emergency fund's scopes (packages/auth `Scopes.fund*`): the demo's officers hold them all. */
const FUND_SCOPES = expandScopes(['fund:*']).scopes;

/**
 * Tokens for the fund demo from the development issuer: two officers of the Philippine fund (distinct
 * subjects: the maker and the checker of an approval above the threshold), the registry's agency, and the
 * missions in Saudi Arabia and the Emirates (they record the welfare incidents).
 */
export async function devFundTokens(
  directory: string,
  ttlSeconds = 86_400,
): Promise<{ officers: [string, string]; registry: string; missions: Record<string, string> }> {
  const issuer = await devIssuer(directory);
  const officer = (subject: string) =>
    issuer.issue({ organisationId: 'ph-owwa', kind: 'agency', subject, scopes: FUND_SCOPES, ttl: ttlSeconds });
  return {
    officers: [await officer('officer-a'), await officer('officer-b')],
    registry: await issuer.issue({ organisationId: 'ph-dmw-registry', kind: 'agency', ttl: ttlSeconds }),
    missions: {
      SA: await issuer.issue({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA', ttl: ttlSeconds }),
      AE: await issuer.issue({ organisationId: 'ph-embassy-abu-dhabi', kind: 'mission', country: 'AE', ttl: ttlSeconds }),
    },
  };
}
