import { countries, country, countryByAlpha3, isUserAssigned, subdivision, subdivisionsOf, whyNotACountry } from '../src/countries';

describe('ISO 3166-1 countries', () => {
  it('knows every assigned code, and Kosovo', () => {
    expect(countries()).toHaveLength(250);
    expect(
      ['PH', 'SA', 'AE', 'HK', 'TW', 'KR', 'GB', 'XK', 'NP', 'LK', 'ID', 'BD', 'QA', 'KW', 'MY', 'SG'].map((c) => country(c)?.alpha3),
    ).toEqual(['PHL', 'SAU', 'ARE', 'HKG', 'TWN', 'KOR', 'GBR', 'XKX', 'NPL', 'LKA', 'IDN', 'BGD', 'QAT', 'KWT', 'MYS', 'SGP']);
    expect(country('PH')).toEqual({ alpha2: 'PH', alpha3: 'PHL', numeric: '608', name: 'Philippines' });
    expect(countryByAlpha3('SAU')?.alpha2).toBe('SA');
  });

  it.each(['XX', 'ZZ', 'AA', 'QM', 'QZ', 'XA'])('refuses the user-assigned code %s', (code) => {
    expect(isUserAssigned(code)).toBe(true);
    expect(country(code)).toBeUndefined();
    expect(whyNotACountry(code)).toMatch(/user-assigned/);
  });

  it('refuses the exceptionally reserved UK and EU, pointing to GB for the United Kingdom', () => {
    expect(country('UK')).toBeUndefined();
    expect(whyNotACountry('UK')).toBe(
      "UK is exceptionally reserved in ISO 3166-1 (United Kingdom), not assigned to a country; the country's code is GB",
    );
    expect(country('EU')).toBeUndefined();
    expect(whyNotACountry('EU')).toMatch(/^EU is exceptionally reserved in ISO 3166-1 \(European Union\)/);
  });

  it('refuses what is not two capital letters, and codes never assigned', () => {
    expect(country('ph')).toBeUndefined();
    expect(whyNotACountry('ph')).toMatch(/two capital letters/);
    expect(whyNotACountry('JJ')).toBe('JJ is not assigned to any country in ISO 3166-1');
    expect(whyNotACountry('PH')).toBeUndefined();
  });
});

describe('ISO 3166-2 subdivisions', () => {
  it('knows the regions of the Philippines and the provinces within them', () => {
    expect(subdivision('PH-03')).toEqual({ code: 'PH-03', name: 'Central Luzon', country: 'PH', parent: 'PH' });
    expect(subdivision('PH-ABR')?.parent).toBe('PH-15');
    expect(subdivisionsOf('PH').filter((s) => s.parent === 'PH')).toHaveLength(17);
  });

  it('refuses codes that name no subdivision', () => {
    expect(subdivision('XX-99')).toBeUndefined();
    expect(subdivision('PH-04')).toBeUndefined(); // Region IV was split into IV-A (PH-40) and IV-B (PH-41)
    expect(subdivision('PH')).toBeUndefined();
  });
});
