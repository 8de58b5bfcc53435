import { randomUUID } from 'node:crypto';
import { RecordIndex } from './record-index';

describe('RecordIndex', () => {
  it('gives each id one dense index, in the order first seen, across growth', () => {
    const index = new RecordIndex();
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    ids.forEach((id, i) => expect(index.indexOf(id)).toBe(i));
    ids.forEach((id, i) => expect(index.indexOf(id)).toBe(i));
    expect(index.size).toBe(20_000);
  });

  it('gives back each index’s id (a uuid in lower case), so that indexing them again in order gives the same indexes', () => {
    const index = new RecordIndex();
    const ids = [
      ...Array.from({ length: 40_000 }, () => randomUUID()),
      'w-legacy-1',
      '00000000-0000-0000-0000-000000000000',
      'A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D',
    ];
    ids.forEach((id) => index.indexOf(id));
    expect(index.ids()).toEqual(ids.map((id) => (id.length === 36 ? id.toLowerCase() : id)));
    const again = new RecordIndex();
    index.ids().forEach((id, i) => expect(again.indexOf(id)).toBe(i));
    expect(() => index.idAt(ids.length)).toThrow(RangeError);
  });

  it('reads upper- and lower-case spellings of a uuid as the same record, and tells uuids one bit apart', () => {
    const index = new RecordIndex();
    const id = 'ffffffff-ffff-7fff-bfff-ffffffffffff';
    expect(index.indexOf(id)).toBe(0);
    expect(index.indexOf(id.toUpperCase())).toBe(0);
    expect(index.indexOf('ffffffff-ffff-7fff-bfff-fffffffffffe')).toBe(1);
    expect(index.indexOf('00000000-0000-0000-0000-000000000000')).toBe(2);
    expect(index.indexOf('7fffffff-ffff-7fff-bfff-ffffffffffff')).toBe(3);
  });

  it('keeps uuids that come after many other ids', () => {
    const index = new RecordIndex();
    for (let i = 0; i < 5_000; i++) index.indexOf(`legacy-${i}`);
    const id = randomUUID();
    expect(index.indexOf(id)).toBe(5_000);
    expect(index.indexOf(id)).toBe(5_000);
    expect(index.indexOf('legacy-17')).toBe(17);
  });

  it('keeps ids that are not uuids too, apart from every uuid', () => {
    const index = new RecordIndex();
    expect(index.indexOf('w1')).toBe(0);
    expect(index.indexOf('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe(1);
    expect(index.indexOf('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g')).toBe(2);
    expect(index.indexOf('w1')).toBe(0);
    expect(index.indexOf('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g')).toBe(2);
    expect(index.size).toBe(3);
  });
});
