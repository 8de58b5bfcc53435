import { assertNever } from '@homeward/assert-never';

type Shape = { readonly kind: 'circle'; readonly radius: number } | { readonly kind: 'square'; readonly side: number };

const area = (shape: Shape): number => {
  switch (shape.kind) {
    case 'circle':
      return Math.PI * shape.radius ** 2;
    case 'square':
      return shape.side ** 2;
    default:
      return assertNever(shape, 'shape');
  }
};

class Poison extends Error {}

describe('a switch over every member of a union', () => {
  it('answers for every member', () => {
    expect(area({ kind: 'square', side: 3 })).toBe(9);
  });

  it('fails loudly, naming the value, when something outside the union arrives anyway', () => {
    expect(() => area({ kind: 'triangle' } as unknown as Shape)).toThrow('unknown shape {"kind":"triangle"}');
  });

  it('throws the error the caller builds', () => {
    expect(() => assertNever(1n as never, 'event', (message) => new Poison(message))).toThrow(Poison);
    expect(() => assertNever(1n as never, 'event')).toThrow('unknown event 1');
  });
});
