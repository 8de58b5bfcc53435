import type { CertificateView } from '@homeward/certificate-print';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import type { components } from './generated/skills-certification.v1';

type Certificate = components['schemas']['Certificate'];

/** The standard version a certificate names, as much of it as the page prints. */
export interface PrintedStandard {
  readonly version: number;
  readonly title: string;
  readonly occupationIsco: string;
  readonly units: readonly { readonly code: string; readonly title: string }[];
}

/**
 * What @homeward/certificate-print renders, from the certificate as the API represents it today (its
 * status as of `today`, the verification code and URL), the standard version it names, and the compact
 * VC-JWT kept when it was issued (the offline QR code; none without issuer keys).
 *
 * No holder name: this service holds none (the worker is known by id only, and their name lives in
 * registration's vault), so the page says "The holder of this certificate"; the holder shows an identity
 * document beside it.
 */
export function printableCertificateView(
  certificate: Certificate,
  standard: PrintedStandard,
  today: string,
  compactCredential: string | undefined,
): CertificateView {
  const occupation = iscoUnitGroup(standard.occupationIsco);
  // Standards are checked against ISCO-08 when published: a code that names nothing here is a bug.
  if (!occupation) throw new Error(`standard ${certificate.standardId} names ISCO-08 ${standard.occupationIsco}, not a unit group`);
  const statusReason = certificate.status === 'superseded' ? certificate.supersededBy : certificate.reason;
  return {
    certificateNumber: certificate.certificateNumber,
    kind: certificate.kind,
    standard: { id: certificate.standardId, version: standard.version, title: standard.title },
    occupation: { iscoCode: occupation.code, title: occupation.title },
    // In the standard's order, the units this certificate covers.
    units: standard.units
      .filter((unit) => certificate.unitCodes.includes(unit.code))
      .map((unit) => ({ code: unit.code, title: unit.title })),
    issuingBody: certificate.issuingBody,
    issuedOn: certificate.issuedOn,
    ...(certificate.expiresOn === undefined ? {} : { expiresOn: certificate.expiresOn }),
    status: certificate.status,
    ...(statusReason === undefined ? {} : { statusReason }),
    asOf: today,
    verificationUrl: certificate.verificationUrl,
    verificationCode: certificate.verificationCode,
    ...(compactCredential === undefined ? {} : { compactCredential }),
  };
}
