import { dayOf, isoOf } from './calendar';

describe('day numbers of ISO dates', () => {
  it('agrees with the JavaScript Date on every day from 1900 to 2100', () => {
    for (let ms = Date.UTC(1900, 0, 1); ms <= Date.UTC(2100, 11, 31); ms += 86_400_000) {
      const iso = new Date(ms).toISOString().slice(0, 10);
      expect(dayOf(iso)).toBe(ms / 86_400_000);
    }
  });

  it('round-trips through isoOf, far back and far ahead', () => {
    for (const iso of ['0100-03-01', '1600-02-29', '1969-12-31', '1970-01-01', '2000-02-29', '9999-12-31']) {
      expect(isoOf(dayOf(iso)!)).toBe(iso);
    }
  });

  it.each([
    '2025-02-29',
    '1900-02-29',
    '2024-13-01',
    '2024-00-10',
    '2024-04-31',
    '2024-4-01',
    '2024-04-1 ',
    '2024/04/01',
    'x024-04-01',
    '0099-01-01',
    '',
  ])('refuses %j', (text) => {
    expect(dayOf(text)).toBeUndefined();
  });
});
