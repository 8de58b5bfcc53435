import { uuidv7 } from '@homeward/contracts';

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10', () => {
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('carries the millisecond timestamp in its first 48 bits, so ids sort by time', () => {
    const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const id = uuidv7(at);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(uuidv7(at) < uuidv7(at + 1)).toBe(true);
  });

  it('draws every random digit from all sixteen values, the variant digit from 8–b', () => {
    const ids = Array.from({ length: 4_000 }, () => uuidv7(0).replace(/-/g, ''));
    for (let position = 13; position < 32; position++) {
      const seen = new Set(ids.map((id) => id[position]));
      expect([position, seen.size]).toEqual([position, position === 16 ? 4 : 16]);
    }
    expect(new Set(ids.map((id) => id[16]))).toEqual(new Set(['8', '9', 'a', 'b']));
    expect(new Set(ids.map((id) => id[12]))).toEqual(new Set(['7']));
  });

  it('keeps whole milliseconds of a fractional clock', () => {
    expect(uuidv7(1_700_000_000_123.9).slice(0, 13)).toBe(uuidv7(1_700_000_000_123).slice(0, 13));
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7(0)));
    expect(ids.size).toBe(10_000);
  });
});
