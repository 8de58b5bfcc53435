import { OB_V3_CONTEXT, VC_V2_CONTEXT } from './document-loader';
import { isoSeconds, type BitstringStatusListEntry } from './status-list';

/**
 * A certificate as an Open Badges 3.0 `OpenBadgeCredential` (a VC 2.0 credential).
 *
 * The shape, and why: in OB 3.0 an AchievementSubject holds exactly ONE `achievement`, so a certificate of
 * several units cannot list each unit as an achievement of the same credential (that is CLR 2.0's job,
 * with one nested credential per achievement). The faithful OB 3.0 reading of "a qualification made of
 * units" is therefore: the Achievement is what the certificate certifies — the standard's qualification, or
 * for a certificate of competency the standard restricted to the units certified — and
 *   - each unit is a `ResultDescription` of that achievement (resultType "Result", allowed values
 *     "competent" / "not yet competent"), aligned to its ESCO skills;
 *   - the holder's outcome per unit is a `Result` in `credentialSubject.result` ("competent");
 *   - the achievement is aligned to the ESCO skills of its units and to its ISCO-08 occupation.
 * A verifier that only knows OB 3.0 still sees one achievement with a name, criteria and the units.
 *
 * No personal data: the subject has no name, only what the caller passes (an opaque id, a salted hash).
 */
export interface CertificateCredentialInput {
  /** The credential's id (a URI): e.g. `urn:uuid:<certificate id>`. Deterministic ids keep re-issuing idempotent. */
  readonly id: string;
  readonly certificateNumber: string;
  readonly kind: 'qualification' | 'certificate-of-competency';
  readonly issuer: IssuerProfile;
  readonly standard: CompetencyStandardRef;
  /** The units certified (all of the standard's for a qualification). */
  readonly units: readonly UnitRef[];
  readonly subject?: SubjectRef;
  readonly validFrom: Date;
  readonly validUntil?: Date;
  /** The revocation and suspension entries (statusEntry()). */
  readonly status: readonly BitstringStatusListEntry[];
  /** Where a person can check the certificate (the public verification page). */
  readonly verificationUrl?: string;
}

export interface IssuerProfile {
  readonly name: string;
  readonly url?: string;
  readonly email?: string;
}

export interface CompetencyStandardRef {
  readonly id: string;
  readonly version: number | string;
  readonly title: string;
  /** ISCO-08 unit group (4 digits). */
  readonly iscoCode: string;
  readonly occupationTitle?: string;
  readonly level?: string;
  /** A URI identifying the standard version, if it has one; otherwise one is made from id and version. */
  readonly uri?: string;
}

export interface UnitRef {
  readonly code: string;
  readonly title: string;
  readonly escoSkills?: readonly string[];
}

export interface SubjectRef {
  /** An opaque, non-personal identifier of the holder (a DID of the holder's wallet, a urn:uuid). */
  readonly id?: string;
  /** OB 3.0 IdentityObjects, e.g. identityHash(…) of a document number with a salt. */
  readonly identifier?: readonly IdentityObject[];
}

export interface IdentityObject {
  readonly type: 'IdentityObject';
  readonly hashed: boolean;
  readonly identityHash: string;
  readonly identityType: string;
  readonly salt?: string;
}

export class CredentialInputError extends Error {
  override readonly name = 'CredentialInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const ISCO = 'http://data.europa.eu/esco/isco'; // ISCO-08 groups as ESCO publishes them: …/isco/C7212
const UNIT_VALUES = ['competent', 'not yet competent'];

/** The unsigned credential. `issuerId` is the DID that will sign it (IssuerKeys.issuerId). */
export function certificateCredential(input: CertificateCredentialInput, issuerId: string): Record<string, unknown> {
  check(input);
  const standardUri =
    input.standard.uri ??
    `urn:homeward:skills:standard:${encodeURIComponent(input.standard.id)}:${encodeURIComponent(String(input.standard.version))}`;
  const partial = input.kind === 'certificate-of-competency';
  const achievementId = partial ? `${standardUri}:units:${input.units.map((u) => encodeURIComponent(u.code)).join('+')}` : standardUri;
  const unitId = (code: string) => `${standardUri}:unit:${encodeURIComponent(code)}`;
  const skills = [...new Set(input.units.flatMap((u) => u.escoSkills ?? []))];
  const name = partial ? `Certificate of competency: ${input.standard.title}` : input.standard.title;
  const unitList = input.units.map((u) => `${u.code} ${u.title}`).join('; ');

  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${name} (${input.certificateNumber})`,
    issuer: {
      id: issuerId,
      type: ['Profile'],
      name: input.issuer.name,
      ...(input.issuer.url ? { url: input.issuer.url } : {}),
      ...(input.issuer.email ? { email: input.issuer.email } : {}),
    },
    validFrom: isoSeconds(input.validFrom),
    ...(input.validUntil ? { validUntil: isoSeconds(input.validUntil) } : {}),
    credentialSubject: {
      ...(input.subject?.id ? { id: input.subject.id } : {}),
      type: ['AchievementSubject'],
      ...(input.subject?.identifier?.length ? { identifier: input.subject.identifier } : {}),
      licenseNumber: input.certificateNumber,
      achievement: {
        id: achievementId,
        type: ['Achievement'],
        achievementType: 'Certification',
        name,
        description: partial
          ? `Units of competency of ${input.standard.title} (standard ${input.standard.id}, version ${input.standard.version}) assessed as competent: ${unitList}.`
          : `The full qualification ${input.standard.title} (standard ${input.standard.id}, version ${input.standard.version}): every unit of competency assessed as competent.`,
        criteria: {
          narrative: `Recognition of prior learning: assessed against competency standard ${input.standard.id} version ${input.standard.version} by an accredited assessor; each unit listed was found competent.`,
        },
        humanCode: input.standard.id,
        version: String(input.standard.version),
        fieldOfStudy: input.standard.occupationTitle ?? `ISCO-08 ${input.standard.iscoCode}`,
        ...(input.standard.level ? { tag: [input.standard.level] } : {}),
        alignment: [
          {
            type: ['Alignment'],
            targetName: input.standard.occupationTitle ?? `ISCO-08 unit group ${input.standard.iscoCode}`,
            targetFramework: 'ISCO-08',
            targetCode: input.standard.iscoCode,
            targetUrl: `${ISCO}/C${input.standard.iscoCode}`,
          },
          ...skills.map((skill) => ({
            type: ['Alignment'],
            targetType: 'ceasn:Competency',
            targetFramework: 'ESCO',
            targetName: skill,
            targetUrl: skill,
          })),
        ],
        resultDescription: input.units.map((u) => ({
          id: unitId(u.code),
          type: ['ResultDescription'],
          name: `${u.code} ${u.title}`,
          resultType: 'Result',
          allowedValue: UNIT_VALUES,
          requiredValue: 'competent',
          ...(u.escoSkills?.length
            ? {
                alignment: u.escoSkills.map((skill) => ({
                  type: ['Alignment'],
                  targetType: 'ceasn:Competency',
                  targetFramework: 'ESCO',
                  targetName: skill,
                  targetUrl: skill,
                })),
              }
            : {}),
        })),
      },
      result: input.units.map((u) => ({ type: ['Result'], resultDescription: unitId(u.code), value: 'competent' })),
    },
    credentialStatus: input.status.length === 1 ? input.status[0] : input.status,
    ...(input.verificationUrl
      ? { evidence: [{ id: input.verificationUrl, type: ['Evidence'], name: 'Public verification of this certificate' }] }
      : {}),
  };
}

function check(input: CertificateCredentialInput): void {
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(input.id)) throw new CredentialInputError('id', 'a credential id is a URI');
  if (!input.certificateNumber.trim()) throw new CredentialInputError('certificateNumber', 'required');
  if (input.units.length === 0) throw new CredentialInputError('units', 'a certificate certifies at least one unit');
  const codes = new Set<string>();
  input.units.forEach((u, i) => {
    if (!u.code.trim() || codes.has(u.code)) throw new CredentialInputError(`units/${i}/code`, 'unit codes are present and unique');
    codes.add(u.code);
    (u.escoSkills ?? []).forEach((s, j) => {
      if (!/^https?:\/\/\S+$/.test(s)) throw new CredentialInputError(`units/${i}/escoSkills/${j}`, 'an ESCO skill is a URI');
    });
  });
  if (!/^\d{4}$/.test(input.standard.iscoCode)) throw new CredentialInputError('standard/iscoCode', 'an ISCO-08 unit group is 4 digits');
  if (Number.isNaN(input.validFrom.getTime())) throw new CredentialInputError('validFrom', 'invalid date');
  if (input.validUntil && !(input.validUntil.getTime() > input.validFrom.getTime()))
    throw new CredentialInputError('validUntil', 'expiry must come after issue');
  if (input.status.length === 0) throw new CredentialInputError('status', 'a certificate carries status entries (revocation, suspension)');
}
