import fc from 'fast-check';
import { apply, diff } from '@homeward/contracts/stored-row';

// The residue's patch takes the row read off a message to the stored row, whatever the two JSON values are:
// taking a row back from its message is exact by construction, however the reading differs from the store.

describe('the residue patch', () => {
  it('takes any JSON value to any other, and is nothing between equal values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (from, to) => {
        const patch = diff(from, to);
        expect(patch === undefined ? from : apply(from, patch)).toEqual(to);
        expect(diff(to, structuredClone(to))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('says only what differs, down to the field and the list position', () => {
    const row = { data: { a: 1, list: [{ x: 'same' }, { x: 'read' }], gone: true }, type: 'T' };
    const stored = { data: { a: 1, list: [{ x: 'same' }, { x: 'stored' }], added: '' }, type: 'T' };
    expect(diff(row, stored)).toEqual({ data: { list: { 1: { x: ['=', 'stored'] } }, gone: ['-'], added: ['=', ''] } });
    expect(apply(row, diff(row, stored)!)).toEqual(stored);
  });

  it('survives JSON, as in a header: what it sets, nulls included', () => {
    const patch = diff({ a: 1 }, { a: null, b: [null] })!;
    expect(apply({ a: 1 }, JSON.parse(JSON.stringify(patch)))).toEqual({ a: null, b: [null] });
  });
});
