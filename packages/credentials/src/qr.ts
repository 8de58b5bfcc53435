import { toString as qrToString, type QRCodeErrorCorrectionLevel } from 'qrcode';

/**
 * What a certificate's QR code holds: the public verification URL, with the compact VC-JWT in its fragment
 * — `https://host/verify/HW-2026-000123?code=K7Q2#vc=eyJhbGciOi…`. A phone's camera opens the URL (the
 * fragment never reaches the server); an offline verifier reads the JWT from the fragment and checks it
 * with the issuer's keys and a cached status list. One code, both uses.
 */
export function qrPayload(verificationUrl: string, compactJwt?: string): string {
  const url = new URL(verificationUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('the verification URL is http(s)');
  if (url.hash) throw new Error('the verification URL has no fragment of its own');
  return compactJwt ? `${url.href}#vc=${compactJwt}` : url.href;
}

/** The two halves of a scanned payload. */
export function readQrPayload(payload: string): { verificationUrl: string; jwt?: string } {
  const hash = payload.indexOf('#vc=');
  if (hash < 0) return { verificationUrl: payload };
  return { verificationUrl: payload.slice(0, hash), jwt: payload.slice(hash + 4) };
}

/**
 * The QR code as an SVG document (the `qrcode` package, byte mode). Error correction M (15 %) by default:
 * a printed certificate gets creased; the compact JWT keeps the code within version ~25 at that level.
 */
export async function qrSvg(payload: string, options: { errorCorrectionLevel?: QRCodeErrorCorrectionLevel; margin?: number } = {}): Promise<string> {
  return qrToString(payload, { type: 'svg', errorCorrectionLevel: options.errorCorrectionLevel ?? 'M', margin: options.margin ?? 4 });
}

/**
 * The compact form of a certificate credential for a QR code: the same credential — same id, issuer,
 * dates, certificate number, achievement id and name, units (result descriptions by id and code) and
 * status entries — without the long texts (descriptions, criteria narrative, ESCO alignments), which a
 * verifier gets from the full credential or the verification page. Still an OpenBadgeCredential.
 */
export function compactCertificateCredential(credential: Record<string, unknown>): Record<string, unknown> {
  const { proof: _proof, evidence: _evidence, ...rest } = credential;
  void _proof;
  void _evidence;
  const subject = rest['credentialSubject'] as Record<string, unknown>;
  const achievement = subject['achievement'] as Record<string, unknown>;
  const issuer = rest['issuer'] as Record<string, unknown>;
  const units = ((achievement['resultDescription'] as Record<string, unknown>[] | undefined) ?? []).map((d) => ({
    id: d['id'],
    type: d['type'],
    name: String(d['name']).split(' ')[0],
    resultType: d['resultType'],
  }));
  return {
    ...rest,
    issuer: { id: issuer['id'], type: issuer['type'], name: issuer['name'] },
    credentialSubject: {
      ...subject,
      achievement: {
        id: achievement['id'],
        type: achievement['type'],
        achievementType: achievement['achievementType'],
        name: achievement['name'],
        description: achievement['name'],
        criteria: { id: achievement['id'] },
        humanCode: achievement['humanCode'],
        version: achievement['version'],
        resultDescription: units,
      },
    },
  };
}
