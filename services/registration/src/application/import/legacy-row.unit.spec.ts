import { readLegacyRecord, validDate } from './legacy-row';

// The reference: what the JavaScript Date makes of the text, read back.
const byDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

describe('dates in a legacy register', () => {
  it('accepts exactly the calendar dates the JavaScript Date accepts, 1896 to 2104 and every impossible day', () => {
    for (let year = 1896; year <= 2104; year++) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect([text, validDate(text)]).toEqual([text, byDate(text)]);
        }
      }
    }
  });

  it.each(['0000-01-01', '9999-12-31', '1600-02-29'])('accepts %s', (text) => expect(validDate(text)).toBe(true));
  it.each(['1900-02-29', '2025-1-01', '2025-01-1', '2025/01/01', '２０２５-01-01', '2025-01-01 ', ''])('refuses %j', (text) =>
    expect(validDate(text)).toBe(false),
  );
});

describe('a legacy record', () => {
  const record = {
    source_row_id: 'r-1',
    given_name: 'Maria',
    family_name: 'Santos',
    date_of_birth: '1990-04-12',
    sex: 'F',
    origin_area: 'PH-03',
  };

  it('takes as many languages as the API does, and refuses more, naming the field', () => {
    // Real ISO 639-1 codes, so that only their number is at fault.
    const known = [
      'en',
      'tl',
      'ar',
      'zh',
      'ms',
      'id',
      'hi',
      'ur',
      'bn',
      'ne',
      'si',
      'ta',
      'te',
      'ml',
      'th',
      'vi',
      'ko',
      'ja',
      'fr',
      'es',
      'de',
    ];
    const codes = (n: number) => known.slice(0, n).join(';');
    expect(readLegacyRecord({ ...record, languages: codes(20) }, '2026-01-01')).toHaveProperty('row');
    expect(readLegacyRecord({ ...record, languages: codes(21) }, '2026-01-01')).toEqual({
      errors: [expect.objectContaining({ field: 'languages', detail: 'at most 20 languages' })],
    });
  });
});

describe('codes in a legacy register', () => {
  const record = {
    source_row_id: 'R1',
    given_name: 'Rosario',
    family_name: 'Cruz',
    date_of_birth: '1988-05-11',
    sex: 'F',
    origin_area: 'PH-07',
    languages: 'tl;en',
    education_isced: '3',
    destination_country: 'AE',
    departed_on: '2020-03-01',
    employer_name: 'Al Waha',
    occupation_isco: '5322',
    contract_start: '2020-03-05',
    contract_end: '2022-03-04',
    channel: 'regular',
    returned_on: '2021-03-01',
    from_country: 'AE',
    assistance: 'unassisted',
    return_reason: 'voluntary',
  };
  const errorsOf = (changes: Record<string, string>) => {
    const read = readLegacyRecord({ ...record, ...changes }, '2025-06-30');
    return 'errors' in read ? read.errors.map((e) => [e.field, (e as { code?: string }).code]) : [];
  };

  it('reads a record whose codes all name something', () => expect(errorsOf({})).toEqual([]));

  it('names every column whose code names nothing, with its code', () =>
    expect(
      errorsOf({
        origin_area: 'XX-99',
        languages: 'tl;qq',
        education_isced: '9',
        destination_country: 'ZZ',
        occupation_isco: '0000',
        from_country: 'EU',
      }),
    ).toEqual([
      ['origin_area', 'validation.unknown-origin-area'],
      ['education_isced', 'validation.unknown-education-level'],
      ['languages', 'validation.unknown-language'],
      ['destination_country', 'validation.unknown-country'],
      ['occupation_isco', 'validation.unknown-occupation'],
      ['from_country', 'validation.unknown-country'],
    ]));
});
