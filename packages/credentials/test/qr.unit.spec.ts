import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { toBuffer } from 'qrcode';
import { qrPayload, qrSvg, readQrPayload, verifyCredential } from '../src/credentials';
import { Issuer } from './fixtures';

describe('the QR code of a certificate', () => {
  it('reads back, with another QR library, as the verification URL carrying a compact JWT that verifies offline', async () => {
    const issuer = new Issuer();
    await issuer.publish();
    const issued = await issuer.issue();
    const payload = qrPayload('https://skills.homeward.test/verify/HW-2026-000123?code=K7Q2-9XFD', issued.compactJwt);
    expect(payload.length).toBeLessThan(1600);

    const svg = await qrSvg(payload);
    expect(svg).toMatch(/^<svg[^>]+viewBox="0 0 (\d+) \1"/);

    // the same symbol as PNG (the SVG's renderer shares its matrix), decoded by jsQR, a separate implementation
    const png = PNG.sync.read(await toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 }));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(payload);

    const { verificationUrl, jwt } = readQrPayload(decoded!.data);
    expect(verificationUrl).toBe('https://skills.homeward.test/verify/HW-2026-000123?code=K7Q2-9XFD');
    const result = await verifyCredential(jwt!, issuer.verifyOptions());
    expect(result).toMatchObject({ status: 'valid', format: 'vc-jwt' });
    expect(result.credential).toMatchObject({
      id: issued.credential['id'],
      credentialSubject: { certificateNumber: 'HW-2026-000123', units: ['WLD301', 'WLD302', 'WLD303', 'WLD304', 'WLD305', 'WLD306'] },
    });

    await issuer.set('revocation', issued.index, true, 'withdrawn');
    expect(await verifyCredential(jwt!, issuer.verifyOptions())).toMatchObject({ status: 'revoked', reason: 'withdrawn' });
  });
});
