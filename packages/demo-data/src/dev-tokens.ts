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
