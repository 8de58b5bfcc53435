import { toString as qrToString, type QRCodeErrorCorrectionLevel } from 'qrcode';
import { VC_V2_CONTEXT } from './document-loader';

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
export async function qrSvg(
  payload: string,
  options: { errorCorrectionLevel?: QRCodeErrorCorrectionLevel; margin?: number } = {},
): Promise<string> {
  return qrToString(payload, { type: 'svg', errorCorrectionLevel: options.errorCorrectionLevel ?? 'M', margin: options.margin ?? 4 });
}

/**
 * The compact form of a certificate credential, small enough for a printed QR code (≈1 KB as a VC-JWT
 * where the full Open Badges credential is 10 KB or more): a plain VC 2.0 credential with the SAME id,
 * issuer, validFrom / validUntil and status entries as the full one, whose subject names the certificate
 * number, the achievement (standard and version) and the unit codes — nothing else, no names, no texts.
 * Its extra terms fall under the VC 2.0 context's issuer-dependent vocabulary. It proves, offline and with a
 * cached status list, that this issuer certified these units under this number and whether that still
 * holds; the full credential (in the holder's wallet) or the verification page gives the rest.
 */
export function compactCertificateCredential(credential: Record<string, unknown>): Record<string, unknown> {
  const subject = credential['credentialSubject'] as Record<string, any>;
  const achievement = subject['achievement'] as Record<string, any>;
  const issuer = credential['issuer'] as string | { id: string };
  const statuses = ([] as Record<string, unknown>[]).concat(
    (credential['credentialStatus'] as Record<string, unknown>[] | undefined) ?? [],
  );
  return {
    '@context': [VC_V2_CONTEXT],
    id: credential['id'],
    type: ['VerifiableCredential', 'CertificateSummary'],
    issuer: typeof issuer === 'string' ? issuer : issuer.id,
    validFrom: credential['validFrom'],
    ...(credential['validUntil'] ? { validUntil: credential['validUntil'] } : {}),
    credentialSubject: {
      certificateNumber: subject['licenseNumber'],
      achievement: achievement['id'],
      standard: achievement['humanCode'],
      version: achievement['version'],
      units: ((achievement['resultDescription'] as { id: string }[] | undefined) ?? []).map((d) =>
        decodeURIComponent(d.id.slice(d.id.lastIndexOf(':unit:') + 6)),
      ),
    },
    credentialStatus: statuses.map(({ id: _id, ...entry }) => entry),
  };
}
