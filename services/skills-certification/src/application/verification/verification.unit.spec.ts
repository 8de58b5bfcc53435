import { randomBytes } from 'node:crypto';
import { FailureThrottle } from './failure-throttle';
import { VerificationCodes } from './verification-code';

describe('verification codes', () => {
  const codes = new VerificationCodes(randomBytes(32).toString('base64'));

  it('derives the same printable code for a number every time, and another for another number or secret', () => {
    const code = codes.codeOf('SKL-2026-000123');
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(codes.codeOf('SKL-2026-000123')).toBe(code);
    expect(codes.codeOf('SKL-2026-000124')).not.toBe(code);
    expect(new VerificationCodes(randomBytes(32).toString('base64')).codeOf('SKL-2026-000123')).not.toBe(code);
  });

  it('matches the code written in any case, with or without its hyphen, and nothing else', () => {
    const code = codes.codeOf('SKL-2026-000123');
    expect(codes.matches('SKL-2026-000123', code)).toBe(true);
    expect(codes.matches('SKL-2026-000123', code.toLowerCase().replace('-', ''))).toBe(true);
    expect(codes.matches('SKL-2026-000124', code)).toBe(false);
    expect(codes.matches('SKL-2026-000123', `${code}X`)).toBe(false);
    expect(codes.matches('SKL-2026-000123', code.slice(0, 9))).toBe(false);
    expect(codes.matches('SKL-2026-000123', '')).toBe(false);
  });

  it('keeps a hash of the code, never the code', () => {
    const code = codes.codeOf('SKL-2026-000123');
    expect(codes.hashOf(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(codes.hashOf(code)).toBe(codes.hashOf(code.toLowerCase()));
    expect(codes.hashOf(code)).not.toContain(code);
  });
});

describe('the failure throttle', () => {
  it('lets an address fail its budget, then refuses it until a token is back, others unaffected', () => {
    let now = 0;
    const throttle = new FailureThrottle(3, 60, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter('a')).toBe(0);
      throttle.failed('a');
    }
    expect(throttle.retryAfter('a')).toBe(20);
    expect(throttle.retryAfter('b')).toBe(0);
    now += 19_000;
    expect(throttle.retryAfter('a')).toBe(1);
    now += 1_000;
    expect(throttle.retryAfter('a')).toBe(0);
  });
});
