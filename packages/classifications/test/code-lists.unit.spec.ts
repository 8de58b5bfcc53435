import { currencies, currency } from '../src/currencies';
import { ESCO_SKILL_URI_PATTERN, isEscoSkillUri } from '../src/esco';
import { iscedLevel, iscedLevels } from '../src/isced-2011';
import { language, languages } from '../src/languages';

describe('ISO 639-1 languages', () => {
  it('knows the two-letter codes, in lower case only', () => {
    expect(language('tl')).toEqual({ code: 'tl', name: 'Tagalog' });
    expect(language('en')?.name).toBe('English');
    expect(language('qq')).toBeUndefined();
    expect(language('EN')).toBeUndefined();
    expect(language('constructor')).toBeUndefined();
    expect(languages().length).toBeGreaterThanOrEqual(183);
  });
});

describe('ISO 4217 currencies', () => {
  it('knows the active codes with their minor units', () => {
    expect(currency('PHP')).toEqual({ code: 'PHP', name: 'Philippine Peso', minorUnits: 2 });
    expect(currency('JPY')?.minorUnits).toBe(0);
    expect(currency('KWD')?.minorUnits).toBe(3);
    expect(currency('CLF')?.minorUnits).toBe(4);
  });

  it('refuses withdrawn codes and units that are not money', () => {
    for (const code of ['ZWL', 'HRK', 'XAU', 'XTS', 'XXX', 'ABC', 'php']) expect(currency(code)).toBeUndefined();
    expect(currencies().every((c) => /^[A-Z]{3}$/.test(c.code))).toBe(true);
  });
});

describe('ISCED 2011', () => {
  it('has the nine levels, 0 to 8', () => {
    expect(iscedLevels().map((l) => l.level)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(iscedLevel(6)?.title).toBe("Bachelor's or equivalent level");
    expect(iscedLevel(9)).toBeUndefined();
    expect(iscedLevel(2.5)).toBeUndefined();
    expect(iscedLevel(-1)).toBeUndefined();
  });
});

describe('ESCO skill URIs', () => {
  it('accepts the shape ESCO gives its skills, and nothing else', () => {
    expect(isEscoSkillUri('http://data.europa.eu/esco/skill/0b1e0a5e-9c5f-4e8a-9e6b-3c1e2d6a7f00')).toBe(true);
    expect(isEscoSkillUri('https://data.europa.eu/esco/skill/0b1e0a5e-9c5f-4e8a-9e6b-3c1e2d6a7f00')).toBe(false);
    expect(isEscoSkillUri('http://data.europa.eu/esco/skill/')).toBe(false);
    expect(isEscoSkillUri('http://data.europa.eu/esco/skill/S1.2.3')).toBe(false);
    expect(isEscoSkillUri('http://data.europa.eu/esco/skill/0b1e0a5e-9c5f-4e8a-9e6b-3c1e2d6a7f00/x')).toBe(false);
    expect(new RegExp(ESCO_SKILL_URI_PATTERN).test('http://data.europa.eu/esco/skill/0b1e0a5e-9c5f-4e8a-9e6b-3c1e2d6a7f00')).toBe(true);
  });
});
