import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Crockford's base-32 alphabet: no I, L, O or U, so a printed code cannot be misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The public verification code of a certificate: 10 characters of base 32 (50 bits) from an HMAC-SHA256
 * of the certificate number with the service's secret, printed as `XXXXX-XXXXX`. Derived, never stored: the
 * service can print it again at any time, and a stolen database does not reveal the codes (only their
 * SHA-256, in the certificate's event, which the topic never carries). 50 bits against a throttled public
 * endpoint is out of reach of guessing.
 */
export class VerificationCodes {
  private readonly secret: Buffer;

  constructor(secretBase64: string) {
    this.secret = Buffer.from(secretBase64, 'base64');
  }

  codeOf(certificateNumber: string): string {
    const mac = createHmac('sha256', this.secret).update(`homeward-skills-verification:${certificateNumber}`).digest();
    let bits = 0n;
    for (const byte of mac.subarray(0, 7)) bits = (bits << 8n) | BigInt(byte);
    let code = '';
    for (let i = 0; i < 10; i++) code += ALPHABET[Number((bits >> BigInt(56 - 5 * (i + 1))) & 31n)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  }

  /** SHA-256 (hex) of the code: what the certificate's event keeps. */
  hashOf(code: string): string {
    return createHash('sha256').update(normalise(code)).digest('hex');
  }

  /**
   * The hash of the certificate's code, as its `CertificateIssued` keeps it: the issue stores it, and a
   * restore derives it again from the number (the topic never carries it), so both must derive it here.
   */
  codeHashOf(certificateNumber: string): string {
    return this.hashOf(this.codeOf(certificateNumber));
  }

  /** Whether the code is the certificate's, compared in constant time (hyphens and case do not matter). */
  matches(certificateNumber: string, code: string): boolean {
    const expected = Buffer.from(normalise(this.codeOf(certificateNumber)));
    const given = Buffer.from(normalise(code).padEnd(expected.length, '\0').slice(0, 64));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

const normalise = (code: string): string => code.replace(/-/g, '').toUpperCase();
