import { canonical, entityTag, entityTags, requestConditions } from '@homeward/service-kit/conditions';
import { Problem } from '@homeward/service-kit/problem';

describe('request conditions', () => {
  describe('If-Match', () => {
    it('reads a list of strong or weak ETags as the versions it names', () => {
      expect(requestConditions('op', 'id', {}, { 'if-match': '"3", W/"4"' })).toEqual({ ifMatch: [3, 4] });
    });

    it('reads * as "the resource must exist"', () => {
      expect(requestConditions('op', 'id', {}, { 'if-match': ' * ' })).toEqual({ mustExist: true });
    });

    it('refuses anything else with 400 naming the header', () => {
      for (const header of ['yesterday', '*, "1"', '"1', '', '"99999999999999999999"']) {
        let thrown: unknown;
        try {
          requestConditions('op', 'id', {}, { 'if-match': header });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(Problem);
        expect((thrown as Problem).details).toMatchObject({
          status: 400,
          errors: [expect.objectContaining({ in: 'header', field: 'If-Match' })],
        });
      }
      expect(entityTags('nope')).toBeNull();
    });

    it('gives out strong tags that it reads back', () => {
      expect(entityTags(entityTag(12))).toEqual([12]);
    });
  });

  describe('Idempotency-Key', () => {
    it('fingerprints the operation, the resource and the body, whatever the order of the body’s fields', () => {
      const one = requestConditions('op', 'id', { a: 1, b: { c: [1, 2], d: 'x' } }, { 'idempotency-key': 'k' });
      const same = requestConditions('op', 'id', { b: { d: 'x', c: [1, 2] }, a: 1 }, { 'idempotency-key': 'k' });
      expect(one.idempotency).toEqual({ key: 'k', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(same.idempotency).toEqual(one.idempotency);
    });

    it('tells apart another operation, another resource and another body', () => {
      const fingerprint = (operation: string, id: string, body: unknown) =>
        requestConditions(operation, id, body, { 'idempotency-key': 'k' }).idempotency!.fingerprint;
      const base = fingerprint('op', 'id', { a: 1 });
      expect(
        new Set([base, fingerprint('other', 'id', { a: 1 }), fingerprint('op', 'id2', { a: 1 }), fingerprint('op', 'id', { a: 2 })]).size,
      ).toBe(4);
    });

    it('adds nothing without the headers', () => {
      expect(requestConditions('op', 'id', {}, {})).toEqual({});
    });
  });

  it('writes canonical JSON with sorted keys at every level', () => {
    expect(canonical({ b: [{ d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[{"c":null,"d":1}]}');
    expect(canonical(undefined)).toBe('null');
  });
});
