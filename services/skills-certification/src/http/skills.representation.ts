import type { components } from './generated/skills-certification.v1';
import type { CandidateState, Certificate } from '../domain/candidate/candidate.state';
import type { CentreState } from '../domain/centre/centre.state';
import type { StandardState } from '../domain/standard/standard.state';

type Schemas = components['schemas'];

export function standardDto(standardId: string, state: StandardState): Schemas['Standard'] {
  if (state.status === 'unpublished') throw new Error('an unpublished standard has no representation');
  const current = state.versions[state.versions.length - 1]!;
  return {
    standardId,
    version: current.version,
    ...(state.withdrawnOn ? { withdrawnOn: state.withdrawnOn } : {}),
    current: versionDto(current),
  };
}

export function versionDto(
  v: Extract<StandardState, { status: 'published' | 'withdrawn' }>['versions'][number],
): Schemas['StandardVersion'] {
  return {
    version: v.version,
    title: v.title,
    occupationIsco: v.occupationIsco,
    level: v.level,
    units: v.units.map((u) => ({ code: u.code, title: u.title, escoSkills: [...u.escoSkills], evidenceRequired: [...u.evidenceRequired] })),
    effectiveFrom: v.effectiveFrom,
    recordedOn: v.recordedOn,
  };
}

export function centreDto(state: CentreState): Schemas['Centre'] {
  if (state.status === 'unregistered') throw new Error('an unregistered centre has no representation');
  return {
    centreId: state.centreId,
    name: state.name,
    subdivision: state.subdivision,
    registeredOn: state.registeredOn,
    accreditations: state.accreditations.map((a) => ({
      accreditationId: a.accreditationId,
      assessorId: a.assessorId,
      assessorName: a.assessorName,
      standardId: a.standardId,
      validFrom: a.validFrom,
      validUntil: a.validUntil,
      ...(a.withdrawnOn ? { withdrawnOn: a.withdrawnOn } : {}),
    })),
  };
}

export function certificateDto(
  workerId: string,
  c: Certificate,
  verificationCode: string,
  verificationUrl: string,
  today: string,
): Schemas['Certificate'] {
  const expired = c.expiresOn !== undefined && c.expiresOn < today;
  const status = c.status === 'active' ? (expired ? 'expired' : 'valid') : c.status;
  const reason = c.status === 'revoked' ? c.revocation?.reason : c.status === 'suspended' ? c.suspension?.reason : undefined;
  return {
    certificateNumber: c.certificateNumber,
    workerId,
    kind: c.kind,
    standardId: c.standardId,
    standardVersion: c.standardVersion,
    unitCodes: [...c.unitCodes],
    issuingBody: c.issuingBody,
    issuedOn: c.issuedOn,
    ...(c.expiresOn ? { expiresOn: c.expiresOn } : {}),
    status,
    ...(reason ? { reason } : {}),
    ...(c.supersededBy ? { supersededBy: c.supersededBy } : {}),
    verificationCode,
    verificationUrl,
  };
}

export function candidateDto(
  workerId: string,
  state: CandidateState,
  version: number,
  certificateLinks: (certificateNumber: string) => { code: string; url: string },
  today: string,
): Schemas['Candidate'] {
  return {
    workerId,
    version,
    erased: state.personalDataErased,
    counselling: state.counselling.map((c) => ({
      counsellingId: c.counsellingId,
      counselledOn: c.counselledOn,
      standardIds: [...c.standardIds],
      ...(c.notes === undefined ? {} : { notes: c.notes }),
    })),
    evidence: state.evidence.map((e) => ({ ...e })),
    missionAttested: state.attestations.map((a) => ({ ...a, skills: a.skills.map((s) => ({ ...s })) })),
    assessments: state.assessments.map((a) => ({
      assessmentId: a.assessmentId,
      reassessment: a.reassessment,
      standardId: a.standardId,
      standardVersion: a.standardVersion,
      centreId: a.centreId,
      assessorId: a.assessorId,
      assessedOn: a.assessedOn,
      method: a.method,
      results: a.results.map((r) => ({
        unitCode: r.unitCode,
        outcome: r.outcome,
        ...(a.remarks?.[r.unitCode] === undefined ? {} : { remarks: a.remarks[r.unitCode] }),
      })),
    })),
    gapTrainings: state.gapTraining.map((g) => ({ ...g, unitCodes: [...g.unitCodes] })),
    certificates: state.certificates.map((c) => {
      const links = certificateLinks(c.certificateNumber);
      return certificateDto(workerId, c, links.code, links.url, today);
    }),
  };
}
