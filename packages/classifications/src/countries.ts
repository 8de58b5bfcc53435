import { ASSIGNED, RESERVED, SUBDIVISIONS } from './gen/iso-3166';

/** A country (or territory) with an ISO 3166-1 code. */
export interface Country {
  readonly alpha2: string;
  readonly alpha3: string;
  /** ISO 3166-1 numeric (UN M49); absent for Kosovo, which has none. */
  readonly numeric?: string;
  /** ISO 3166-1 short name in English. */
  readonly name: string;
}

/** A principal subdivision (ISO 3166-2), or a subdivision of one. */
export interface Subdivision {
  /** e.g. PH-03 */
  readonly code: string;
  readonly name: string;
  /** The ISO 3166-1 alpha-2 code of the country it lies in. */
  readonly country: string;
  /** The country, or the subdivision this one lies in (PH-ABR lies in PH-15). */
  readonly parent: string;
}

/**
 * Kosovo is not in ISO 3166-1, but XK/XKX is the code the European Commission, the IMF, the World Bank and
 * ILOSTAT use for it, and people do go there to work; it is the one user-assigned code the registry accepts.
 */
const KOSOVO: Country = { alpha2: 'XK', alpha3: 'XKX', name: 'Kosovo' };

const COUNTRIES: readonly Country[] = [
  ...ASSIGNED.map(([alpha2, alpha3, numeric, name]) => ({ alpha2, alpha3, numeric, name })),
  KOSOVO,
].sort((a, b) => (a.alpha2 < b.alpha2 ? -1 : 1));
const BY_ALPHA2 = new Map(COUNTRIES.map((c) => [c.alpha2, c]));
const BY_ALPHA3 = new Map(COUNTRIES.map((c) => [c.alpha3, c]));
const RESERVATIONS = new Map(RESERVED.map(([alpha2, state, name]) => [alpha2, { state, name }]));
const SUBDIVISION_BY_CODE = new Map<string, Subdivision>(
  SUBDIVISIONS.map(([code, parent, name]) => [code, { code, name, country: code.slice(0, 2), parent }]),
);

/** The country with this ISO 3166-1 alpha-2 code (upper case, as the standard writes it), if it is one. */
export function country(alpha2: string): Country | undefined {
  return BY_ALPHA2.get(alpha2);
}

/** The country with this ISO 3166-1 alpha-3 code, if it is one. */
export function countryByAlpha3(alpha3: string): Country | undefined {
  return BY_ALPHA3.get(alpha3);
}

/** Every country the registry accepts, in alpha-2 order. */
export function countries(): readonly Country[] {
  return COUNTRIES;
}

/** AA, QM to QZ, XA to XZ and ZZ: ISO 3166-1 leaves them to users, so they never name a country. */
export function isUserAssigned(alpha2: string): boolean {
  return /^(?:AA|Q[M-Z]|X[A-Z]|ZZ)$/.test(alpha2);
}

/**
 * Why `code` is not a country the registry accepts, in words for a person correcting it, or undefined
 * when it is one. UK and EU are the usual slips: ISO 3166-1 reserves them (for the United Kingdom and
 * the European Union) without assigning them.
 */
export function whyNotACountry(code: string): string | undefined {
  if (BY_ALPHA2.has(code)) return undefined;
  if (!/^[A-Z]{2}$/.test(code)) return `${JSON.stringify(code)} is not an ISO 3166-1 alpha-2 code (two capital letters)`;
  if (isUserAssigned(code)) return `${code} is a user-assigned code in ISO 3166-1: it names no country`;
  const reservation = RESERVATIONS.get(code);
  if (reservation) {
    const assigned = COUNTRIES.find((c) => c.name.startsWith(reservation.name));
    const hint = assigned ? `; the country's code is ${assigned.alpha2}` : '';
    return `${code} is ${reservation.state.replace('-', ' ')} in ISO 3166-1 (${reservation.name}), not assigned to a country${hint}`;
  }
  return `${code} is not assigned to any country in ISO 3166-1`;
}

/** The ISO 3166-2 subdivision with this code (e.g. PH-03), if it is one. */
export function subdivision(code: string): Subdivision | undefined {
  return SUBDIVISION_BY_CODE.get(code);
}

/** Every ISO 3166-2 subdivision of a country, in code order. */
export function subdivisionsOf(alpha2: string): readonly Subdivision[] {
  return [...SUBDIVISION_BY_CODE.values()].filter((s) => s.country === alpha2);
}
