import { assertNever } from '@homeward/assert-never';
import { accreditedOn, type CentreFacts } from '../centre/centre.state';
import { codeChecks, codeCollector } from '../skills.codes';
import { latest, notBefore, notInFuture, todayOf } from '../skills.dates';
import { SkillsRuleViolation, UnknownCodes, type Clocked, type CodeError } from '../skills.errors';
import type { StandardFacts } from '../standard/standard.state';
import type {
  AssessmentData,
  AssessmentMethod,
  AssessmentRecorded,
  AttestedSkill,
  CandidateEvent,
  CertificateIssued,
  CertificateKind,
  CertificateReinstated,
  CertificateRevoked,
  CertificateSuperseded,
  CertificateSuspended,
  CounsellingRecorded,
  ErasureBasis,
  EvidenceAdded,
  EvidenceKind,
  GapTrainingCompleted,
  GapTrainingReferred,
  MissionAttestedSkillsAdded,
  PersonalDataErased,
  ReassessmentRecorded,
  RevocationReason,
  SuspensionReason,
  UnitResult,
} from './candidate.events';
import {
  certificateOf,
  evolve,
  initialState,
  liveCertificates,
  standingOf,
  type CandidateState,
  type Certificate,
} from './candidate.state';

/**
 * Commands on a worker's recognition-of-prior-learning case (`candidate-<workerId>`), in the imperative.
 * Each names the worker (the stream's id). What other streams know — the standard's versions, the centre's
 * accreditations — and what the database allocates — certificate numbers, status-list indexes — are looked
 * up by the application layer and passed in the data, so `decide` stays pure. The clock is
 * `command.metadata.now`.
 */
type Command<T extends string, D> = { readonly type: T; readonly data: D & { readonly workerId: string } };

export type RecordCounselling = Command<
  'RecordCounselling',
  { readonly counsellingId: string; readonly counselledOn: string; readonly standardIds: readonly string[]; readonly notes?: string }
>;
export type AddEvidence = Command<
  'AddEvidence',
  {
    readonly evidenceId: string;
    readonly kind: EvidenceKind;
    readonly issuedOn?: string;
    readonly periodFrom?: string;
    readonly periodTo?: string;
    readonly issuerCountry?: string;
    readonly contentHash: string;
    readonly sizeBytes: number;
    readonly mediaType?: string;
    readonly issuer?: string;
    readonly description?: string;
  }
>;
/** From registration's SkillsAcquired, by the service's consumer: the event's id, its cycle and the stay's country. */
export type AddMissionAttestedSkills = Command<
  'AddMissionAttestedSkills',
  {
    readonly sourceEventId: string;
    readonly cycleNumber: number;
    readonly country: string;
    readonly recordedOn: string;
    readonly skills: readonly AttestedSkill[];
  }
>;
interface AssessmentCommandData {
  readonly assessmentId: string;
  readonly standardId: string;
  readonly standardVersion: number;
  readonly centreId: string;
  readonly assessorId: string;
  readonly assessedOn: string;
  readonly method: AssessmentMethod;
  readonly results: readonly UnitResult[];
  /** The assessor's remarks by unit code (sealed in storage). */
  readonly remarks?: Readonly<Record<string, string>>;
  /** The standard named by `standardId`, as the application layer found it: undefined when there is none. */
  readonly standard: StandardFacts | undefined;
  /** The centre named by `centreId`, with its accreditations: undefined when there is none. */
  readonly centre: CentreFacts | undefined;
}
export type RecordAssessment = Command<'RecordAssessment', AssessmentCommandData>;
/** The units not yet competent, assessed again: only those. */
export type RecordReassessment = Command<'RecordReassessment', AssessmentCommandData>;
export type ReferToGapTraining = Command<
  'ReferToGapTraining',
  {
    readonly referralId: string;
    readonly standardId: string;
    readonly unitCodes: readonly string[];
    readonly provider: string;
    readonly referredOn: string;
  }
>;
export type CompleteGapTraining = Command<'CompleteGapTraining', { readonly referralId: string; readonly completedOn: string }>;
export type IssueCertificate = Command<
  'IssueCertificate',
  {
    readonly kind: CertificateKind;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly unitCodes: readonly string[];
    readonly issuingBody: string;
    readonly issuedOn: string;
    readonly expiresOn?: string;
    /** Allocated by the database: unique in the registry. */
    readonly certificateNumber: string;
    readonly revocationStatusIndex: number;
    readonly suspensionStatusIndex: number;
    /** SHA-256 (lower-case hex) of the verification code printed on the certificate. */
    readonly verificationCodeHash: string;
    readonly standard: StandardFacts | undefined;
  }
>;
export type SuspendCertificate = Command<'SuspendCertificate', { readonly certificateNumber: string; readonly reason: SuspensionReason }>;
export type ReinstateCertificate = Command<'ReinstateCertificate', { readonly certificateNumber: string }>;
export type RevokeCertificate = Command<'RevokeCertificate', { readonly certificateNumber: string; readonly reason: RevocationReason }>;
/** From registration's PersonalDataErased (or the service's own API): shreds the service's sealed data of the worker. */
export type ErasePersonalData = Command<'ErasePersonalData', { readonly basis: ErasureBasis }>;

export type CandidateCommand =
  | RecordCounselling
  | AddEvidence
  | AddMissionAttestedSkills
  | RecordAssessment
  | RecordReassessment
  | ReferToGapTraining
  | CompleteGapTraining
  | IssueCertificate
  | SuspendCertificate
  | ReinstateCertificate
  | RevokeCertificate
  | ErasePersonalData;

/** The values of a candidate command that name nothing in their code lists (ISO 3166-1, ESCO). */
export function candidateCodeErrors(command: CandidateCommand): CodeError[] {
  const { check, errors } = codeCollector();
  switch (command.type) {
    case 'AddEvidence':
      check(['issuerCountry'], command.data.issuerCountry, codeChecks.country);
      break;
    case 'AddMissionAttestedSkills':
      check(['country'], command.data.country, codeChecks.country);
      command.data.skills.forEach((skill, i) => check(['skills', i, 'escoUri'], skill.escoUri, codeChecks.escoSkill));
      break;
    case 'RecordCounselling':
    case 'RecordAssessment':
    case 'RecordReassessment':
    case 'ReferToGapTraining':
    case 'CompleteGapTraining':
    case 'IssueCertificate':
    case 'SuspendCertificate':
    case 'ReinstateCertificate':
    case 'RevokeCertificate':
    case 'ErasePersonalData':
      break;
    default:
      assertNever(command, 'command');
  }
  return errors;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** The largest status-list index the contract carries (uint32). */
export const STATUS_INDEX_MAX = 2 ** 32 - 1;

export function decide(command: Clocked<CandidateCommand>, state: CandidateState): CandidateEvent[] {
  if (state.workerId !== undefined && state.workerId !== command.data.workerId) {
    throw new Error(`a command for worker ${command.data.workerId} reached the case of worker ${state.workerId}`);
  }
  const unknown = candidateCodeErrors(command);
  if (unknown.length > 0) throw new UnknownCodes(unknown);
  const today = todayOf(command.metadata.now);
  switch (command.type) {
    case 'RecordCounselling':
      return [recordCounselling(command, open(state), today)];
    case 'AddEvidence':
      return [addEvidence(command, open(state), today)];
    case 'AddMissionAttestedSkills':
      return addAttestedSkills(command, state, today);
    case 'RecordAssessment':
      return [recordAssessment(command, open(state), today)];
    case 'RecordReassessment':
      return [recordReassessment(command, open(state), today)];
    case 'ReferToGapTraining':
      return [refer(command, open(state), today)];
    case 'CompleteGapTraining':
      return [completeTraining(command, open(state), today)];
    case 'IssueCertificate':
      return issue(command, open(state), today);
    case 'SuspendCertificate':
      return [suspend(command, state, today)];
    case 'ReinstateCertificate':
      return [reinstate(command, state, today)];
    case 'RevokeCertificate':
      return [revoke(command, state, today)];
    case 'ErasePersonalData':
      return erase(command, state, today);
    default:
      assertNever(command, 'command');
  }
}

export const candidateDecider = { decide, evolve, initialState };

/** The case still takes new records: not after the worker's personal data was erased. */
function open(state: CandidateState): CandidateState {
  if (state.personalDataErased) {
    throw new SkillsRuleViolation(
      'personal-data-erased',
      '',
      'the worker’s personal data was erased: their case takes no new counselling, evidence, assessment, training or certificate',
    );
  }
  return state;
}

/** Optional text: absent rather than empty, so that nothing empty is sealed. */
const text = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);

function recordCounselling({ data }: Clocked<RecordCounselling>, state: CandidateState, today: string): CounsellingRecorded {
  if (state.counselling.some((c) => c.counsellingId === data.counsellingId)) {
    throw new SkillsRuleViolation('counselling-already-recorded', 'counsellingId', `counselling ${data.counsellingId} is already recorded`);
  }
  notInFuture(data.counselledOn, today, 'counselledOn', 'the counselling');
  return {
    type: 'CounsellingRecorded',
    data: {
      workerId: data.workerId,
      counsellingId: data.counsellingId,
      counselledOn: data.counselledOn,
      standardIds: data.standardIds,
      ...text('notes', data.notes),
    },
  };
}

function addEvidence({ data }: Clocked<AddEvidence>, state: CandidateState, today: string): EvidenceAdded {
  if (state.evidence.some((e) => e.evidenceId === data.evidenceId)) {
    throw new SkillsRuleViolation('evidence-already-added', 'evidenceId', `evidence ${data.evidenceId} is already in the portfolio`);
  }
  if (!SHA256_HEX.test(data.contentHash)) {
    throw new SkillsRuleViolation(
      'invalid-content-hash',
      'contentHash',
      'the content hash is the file’s SHA-256 in 64 lower-case hex digits',
    );
  }
  if (!Number.isSafeInteger(data.sizeBytes) || data.sizeBytes < 0) {
    throw new SkillsRuleViolation('invalid-file-size', 'sizeBytes', 'the file’s size is a whole number of bytes, 0 or more');
  }
  if (data.issuedOn !== undefined) notInFuture(data.issuedOn, today, 'issuedOn', 'the evidence’s issue');
  if (data.periodFrom !== undefined) notInFuture(data.periodFrom, today, 'periodFrom', 'the start of the period');
  if (data.periodTo !== undefined) notInFuture(data.periodTo, today, 'periodTo', 'the end of the period');
  if (data.periodFrom !== undefined && data.periodTo !== undefined && data.periodTo < data.periodFrom) {
    throw new SkillsRuleViolation(
      'evidence-period-ends-before-start',
      'periodTo',
      `the period ends (${data.periodTo}) before it starts (${data.periodFrom})`,
    );
  }
  return {
    type: 'EvidenceAdded',
    data: {
      workerId: data.workerId,
      evidenceId: data.evidenceId,
      kind: data.kind,
      addedOn: today,
      ...(data.issuedOn === undefined ? {} : { issuedOn: data.issuedOn }),
      ...(data.periodFrom === undefined ? {} : { periodFrom: data.periodFrom }),
      ...(data.periodTo === undefined ? {} : { periodTo: data.periodTo }),
      ...(data.issuerCountry === undefined ? {} : { issuerCountry: data.issuerCountry }),
      contentHash: data.contentHash,
      sizeBytes: data.sizeBytes,
      ...(data.mediaType === undefined ? {} : { mediaType: data.mediaType }),
      ...text('issuer', data.issuer),
      ...text('description', data.description),
    },
  };
}

/**
 * Skills a mission attested, from registration's topic. A redelivered event (same source event id) adds
 * nothing, and neither does one that arrives after erasure: the consumer's command is never refused for
 * either, so that it does not stop the consumer.
 */
function addAttestedSkills(
  { data }: Clocked<AddMissionAttestedSkills>,
  state: CandidateState,
  today: string,
): MissionAttestedSkillsAdded[] {
  if (state.personalDataErased || state.attestations.some((a) => a.sourceEventId === data.sourceEventId)) return [];
  if (data.skills.length === 0) throw new SkillsRuleViolation('no-skills', 'skills', 'a mission’s attestation names at least one skill');
  notInFuture(data.recordedOn, today, 'recordedOn', 'the mission’s record');
  return [
    {
      type: 'MissionAttestedSkillsAdded',
      data: {
        workerId: data.workerId,
        sourceEventId: data.sourceEventId,
        cycleNumber: data.cycleNumber,
        country: data.country,
        recordedOn: data.recordedOn,
        addedOn: today,
        skills: data.skills.map(({ kind, title, escoUri }) => ({ kind, title, ...(escoUri === undefined ? {} : { escoUri }) })),
      },
    },
  ];
}

/** The version of the standard a command names, checked: published, not withdrawn, and that version exists. */
function standardVersion(standard: StandardFacts | undefined, standardId: string, version: number) {
  if (!standard || standard.standardId !== standardId) {
    throw new SkillsRuleViolation('unknown-standard', 'standardId', `no standard is published under ${standardId}`);
  }
  if (standard.withdrawn) throw new SkillsRuleViolation('standard-withdrawn', 'standardId', `standard ${standardId} was withdrawn`);
  const found = standard.versions.find((v) => v.version === version);
  if (!found) {
    throw new SkillsRuleViolation(
      'unknown-standard-version',
      'standardVersion',
      `standard ${standardId} has versions 1 to ${standard.versions.length}, not ${version}`,
    );
  }
  return found;
}

/** What an assessment and a reassessment check alike; answers the event's data. */
function checkAssessment(
  data: AssessmentCommandData & { readonly workerId: string },
  state: CandidateState,
  today: string,
): AssessmentData {
  if (state.assessments.some((a) => a.assessmentId === data.assessmentId)) {
    throw new SkillsRuleViolation('assessment-already-recorded', 'assessmentId', `assessment ${data.assessmentId} is already recorded`);
  }
  if (state.portfolioOpenedOn === undefined) {
    throw new SkillsRuleViolation(
      'portfolio-not-opened',
      'assessedOn',
      'the worker has no portfolio yet: record their counselling or add evidence before an assessment',
    );
  }
  notInFuture(data.assessedOn, today, 'assessedOn', 'the assessment');
  notBefore(
    'assessment-before-portfolio',
    data.assessedOn,
    state.portfolioOpenedOn,
    'assessedOn',
    'the assessment',
    'the opening of the portfolio',
  );
  const version = standardVersion(data.standard, data.standardId, data.standardVersion);
  notBefore(
    'standard-not-yet-effective',
    data.assessedOn,
    version.effectiveFrom,
    'assessedOn',
    'the assessment',
    `the date version ${version.version} of the standard takes effect`,
  );
  if (!data.centre || data.centre.centreId !== data.centreId) {
    throw new SkillsRuleViolation('unknown-centre', 'centreId', `no assessment centre is registered under ${data.centreId}`);
  }
  if (!accreditedOn(data.centre, data.assessorId, data.standardId, data.assessedOn)) {
    throw new SkillsRuleViolation(
      'assessor-not-accredited',
      'assessorId',
      `assessor ${data.assessorId} was not accredited at centre ${data.centreId} for ${data.standardId} on ${data.assessedOn}`,
    );
  }
  if (data.results.length === 0)
    throw new SkillsRuleViolation('no-results', 'results', 'an assessment records the outcome of at least one unit');
  const seen = new Set<string>();
  data.results.forEach(({ unitCode }, i) => {
    if (seen.has(unitCode))
      throw new SkillsRuleViolation('duplicate-unit-result', `results.${i}.unitCode`, `unit ${unitCode} has two results`);
    seen.add(unitCode);
    if (!version.unitCodes.includes(unitCode)) {
      throw new SkillsRuleViolation(
        'unknown-unit',
        `results.${i}.unitCode`,
        `version ${version.version} of ${data.standardId} has no unit ${unitCode}`,
      );
    }
    notBefore(
      'assessment-before-previous-result',
      data.assessedOn,
      standingOf(state, data.standardId, unitCode)?.assessedOn,
      'assessedOn',
      'the assessment',
      `the latest assessment of unit ${unitCode}`,
    );
  });
  const remarks = Object.fromEntries(Object.entries(data.remarks ?? {}).filter(([, words]) => words !== ''));
  for (const unitCode of Object.keys(remarks)) {
    if (!seen.has(unitCode)) {
      throw new SkillsRuleViolation(
        'remarks-for-unassessed-unit',
        `remarks.${unitCode}`,
        `remarks for unit ${unitCode}, which this assessment does not assess`,
      );
    }
  }
  return {
    workerId: data.workerId,
    assessmentId: data.assessmentId,
    standardId: data.standardId,
    standardVersion: data.standardVersion,
    centreId: data.centreId,
    assessorId: data.assessorId,
    assessedOn: data.assessedOn,
    method: data.method,
    results: data.results.map(({ unitCode, outcome }) => ({ unitCode, outcome })),
    ...(Object.keys(remarks).length === 0 ? {} : { remarks }),
  };
}

function recordAssessment({ data }: Clocked<RecordAssessment>, state: CandidateState, today: string): AssessmentRecorded {
  return { type: 'AssessmentRecorded', data: checkAssessment(data, state, today) };
}

function recordReassessment({ data }: Clocked<RecordReassessment>, state: CandidateState, today: string): ReassessmentRecorded {
  // The standard first, then which units may be reassessed; the rest of the checks are those of any assessment.
  standardVersion(data.standard, data.standardId, data.standardVersion);
  data.results.forEach(({ unitCode }, i) => {
    const standing = standingOf(state, data.standardId, unitCode);
    if (!standing) {
      throw new SkillsRuleViolation(
        'unit-not-assessed',
        `results.${i}.unitCode`,
        `unit ${unitCode} of ${data.standardId} was never assessed`,
      );
    }
    if (standing.outcome === 'competent') {
      throw new SkillsRuleViolation(
        'unit-already-competent',
        `results.${i}.unitCode`,
        `unit ${unitCode} stands competent (assessment ${standing.assessmentId}); a reassessment covers only units not yet competent`,
      );
    }
  });
  return { type: 'ReassessmentRecorded', data: checkAssessment(data, state, today) };
}

function noDuplicates(codes: readonly string[], field: string): void {
  codes.forEach((code, i) => {
    if (codes.indexOf(code) !== i) throw new SkillsRuleViolation('duplicate-unit-code', `${field}.${i}`, `unit ${code} appears twice`);
  });
}

function refer({ data }: Clocked<ReferToGapTraining>, state: CandidateState, today: string): GapTrainingReferred {
  if (state.gapTraining.some((g) => g.referralId === data.referralId)) {
    throw new SkillsRuleViolation('referral-already-recorded', 'referralId', `referral ${data.referralId} is already recorded`);
  }
  if (data.unitCodes.length === 0) throw new SkillsRuleViolation('no-units', 'unitCodes', 'gap training covers at least one unit');
  noDuplicates(data.unitCodes, 'unitCodes');
  notInFuture(data.referredOn, today, 'referredOn', 'the referral');
  data.unitCodes.forEach((unitCode, i) => {
    const standing = standingOf(state, data.standardId, unitCode);
    if (!standing) {
      throw new SkillsRuleViolation('unit-not-assessed', `unitCodes.${i}`, `unit ${unitCode} of ${data.standardId} was never assessed`);
    }
    if (standing.outcome === 'competent') {
      throw new SkillsRuleViolation(
        'gap-training-for-competent-unit',
        `unitCodes.${i}`,
        `unit ${unitCode} stands competent (assessment ${standing.assessmentId}): there is no gap to train for`,
      );
    }
    notBefore(
      'referral-before-assessment',
      data.referredOn,
      standing.assessedOn,
      'referredOn',
      'the referral',
      `the assessment of unit ${unitCode}`,
    );
  });
  const { workerId, referralId, standardId, unitCodes, provider, referredOn } = data;
  return { type: 'GapTrainingReferred', data: { workerId, referralId, standardId, unitCodes, provider, referredOn } };
}

function completeTraining({ data }: Clocked<CompleteGapTraining>, state: CandidateState, today: string): GapTrainingCompleted {
  const referral = state.gapTraining.find((g) => g.referralId === data.referralId);
  if (!referral)
    throw new SkillsRuleViolation('referral-not-found', 'referralId', `no gap-training referral ${data.referralId} in this case`);
  if (referral.completedOn !== undefined) {
    throw new SkillsRuleViolation(
      'training-already-completed',
      'referralId',
      `the training of referral ${data.referralId} was completed on ${referral.completedOn}`,
    );
  }
  notInFuture(data.completedOn, today, 'completedOn', 'the completion');
  notBefore('completion-before-referral', data.completedOn, referral.referredOn, 'completedOn', 'the completion', 'the referral');
  return { type: 'GapTrainingCompleted', data: { workerId: data.workerId, referralId: data.referralId, completedOn: data.completedOn } };
}

function issue({ data }: Clocked<IssueCertificate>, state: CandidateState, today: string): (CertificateIssued | CertificateSuperseded)[] {
  for (const index of ['revocationStatusIndex', 'suspensionStatusIndex'] as const) {
    // Allocated by the database, not typed by a person: a bad one is a fault of the service, not a refusal.
    if (!Number.isInteger(data[index]) || data[index] < 0 || data[index] > STATUS_INDEX_MAX) {
      throw new Error(`${index} ${data[index]} is no position in a status list (0 to ${STATUS_INDEX_MAX})`);
    }
  }
  if (state.certificates.some((c) => c.certificateNumber === data.certificateNumber)) {
    throw new SkillsRuleViolation(
      'certificate-number-taken',
      'certificateNumber',
      `certificate ${data.certificateNumber} is already issued`,
    );
  }
  const version = standardVersion(data.standard, data.standardId, data.standardVersion);
  if (data.unitCodes.length === 0) throw new SkillsRuleViolation('no-units', 'unitCodes', 'a certificate covers at least one unit');
  noDuplicates(data.unitCodes, 'unitCodes');
  data.unitCodes.forEach((unitCode, i) => {
    if (!version.unitCodes.includes(unitCode)) {
      throw new SkillsRuleViolation(
        'unknown-unit',
        `unitCodes.${i}`,
        `version ${version.version} of ${data.standardId} has no unit ${unitCode}`,
      );
    }
    const standing = standingOf(state, data.standardId, unitCode);
    if (standing?.outcome !== 'competent') {
      throw new SkillsRuleViolation(
        'certificate-unit-not-competent',
        `unitCodes.${i}`,
        standing
          ? `unit ${unitCode} stands not yet competent (assessment ${standing.assessmentId})`
          : `unit ${unitCode} of ${data.standardId} was never assessed`,
      );
    }
  });
  const coversAll = version.unitCodes.every((code) => data.unitCodes.includes(code));
  if (data.kind === 'full_qualification' && !coversAll) {
    const missing = version.unitCodes.filter((code) => !data.unitCodes.includes(code));
    throw new SkillsRuleViolation(
      'full-qualification-incomplete',
      'unitCodes',
      `a full qualification covers every unit of version ${version.version}; missing: ${missing.join(', ')}`,
    );
  }
  if (data.kind === 'certificate_of_competency' && coversAll) {
    throw new SkillsRuleViolation(
      'competency-certificate-covers-all-units',
      'kind',
      `the units are every unit of version ${version.version}: issue the full qualification instead`,
    );
  }
  const live = liveCertificates(state, data.standardId);
  const covered = (c: Certificate) => data.unitCodes.every((code) => c.unitCodes.includes(code));
  // A full qualification of the same version, or a certificate that already covers every unit asked for.
  const duplicate =
    data.kind === 'full_qualification'
      ? live.find((c) => c.kind === 'full_qualification' && c.standardVersion === data.standardVersion)
      : live.find(covered);
  if (duplicate) {
    throw new SkillsRuleViolation(
      'units-already-certified',
      'unitCodes',
      `certificate ${duplicate.certificateNumber} (${duplicate.status}) already covers these units of ${data.standardId}`,
    );
  }
  notInFuture(data.issuedOn, today, 'issuedOn', 'the certificate’s issue');
  const lastAssessed = latest(data.unitCodes.map((code) => standingOf(state, data.standardId, code)?.assessedOn));
  notBefore('issue-before-assessment', data.issuedOn, lastAssessed, 'issuedOn', 'the issue', 'the assessment of its units');
  if (data.expiresOn !== undefined && data.expiresOn <= data.issuedOn) {
    throw new SkillsRuleViolation(
      'expiry-before-issue',
      'expiresOn',
      `the certificate expires (${data.expiresOn}) on or before its issue (${data.issuedOn})`,
    );
  }
  const issued: CertificateIssued = {
    type: 'CertificateIssued',
    data: {
      workerId: data.workerId,
      certificateNumber: data.certificateNumber,
      kind: data.kind,
      standardId: data.standardId,
      standardVersion: data.standardVersion,
      unitCodes: data.unitCodes,
      issuingBody: data.issuingBody,
      issuedOn: data.issuedOn,
      ...(data.expiresOn === undefined ? {} : { expiresOn: data.expiresOn }),
      revocationStatusIndex: data.revocationStatusIndex,
      suspensionStatusIndex: data.suspensionStatusIndex,
      verificationCodeHash: data.verificationCodeHash,
    },
  };
  if (data.kind !== 'full_qualification') return [issued];
  // The full qualification replaces every certificate of competency of the standard that still counts.
  const superseded: CertificateSuperseded[] = live
    .filter((c) => c.kind === 'certificate_of_competency')
    .map((c) => ({
      type: 'CertificateSuperseded',
      data: {
        workerId: data.workerId,
        certificateNumber: c.certificateNumber,
        supersededBy: data.certificateNumber,
        supersededOn: data.issuedOn,
      },
    }));
  return [issued, ...superseded];
}

function certificate(state: CandidateState, certificateNumber: string): Certificate {
  const found = certificateOf(state, certificateNumber);
  if (!found)
    throw new SkillsRuleViolation('certificate-not-found', 'certificateNumber', `no certificate ${certificateNumber} in this case`);
  return found;
}

function notRevoked(c: Certificate): void {
  if (c.status === 'revoked') {
    throw new SkillsRuleViolation(
      'certificate-revoked',
      'certificateNumber',
      `certificate ${c.certificateNumber} was revoked on ${c.revocation?.revokedOn ?? '?'}`,
    );
  }
}

function suspend({ data }: Clocked<SuspendCertificate>, state: CandidateState, today: string): CertificateSuspended {
  const c = certificate(state, data.certificateNumber);
  notRevoked(c);
  if (c.status === 'superseded') {
    throw new SkillsRuleViolation(
      'certificate-superseded',
      'certificateNumber',
      `certificate ${c.certificateNumber} was superseded by ${c.supersededBy ?? '?'}; suspend that one`,
    );
  }
  if (c.status === 'suspended') {
    throw new SkillsRuleViolation(
      'certificate-already-suspended',
      'certificateNumber',
      `certificate ${c.certificateNumber} is already suspended`,
    );
  }
  return {
    type: 'CertificateSuspended',
    data: { workerId: data.workerId, certificateNumber: c.certificateNumber, suspendedOn: today, reason: data.reason },
  };
}

function reinstate({ data }: Clocked<ReinstateCertificate>, state: CandidateState, today: string): CertificateReinstated {
  const c = certificate(state, data.certificateNumber);
  notRevoked(c);
  if (c.status !== 'suspended') {
    throw new SkillsRuleViolation(
      'certificate-not-suspended',
      'certificateNumber',
      `certificate ${c.certificateNumber} is ${c.status}, not suspended`,
    );
  }
  return { type: 'CertificateReinstated', data: { workerId: data.workerId, certificateNumber: c.certificateNumber, reinstatedOn: today } };
}

function revoke({ data }: Clocked<RevokeCertificate>, state: CandidateState, today: string): CertificateRevoked {
  const c = certificate(state, data.certificateNumber);
  if (c.status === 'revoked') {
    throw new SkillsRuleViolation(
      'certificate-already-revoked',
      'certificateNumber',
      `certificate ${c.certificateNumber} was revoked on ${c.revocation?.revokedOn ?? '?'}`,
    );
  }
  return {
    type: 'CertificateRevoked',
    data: { workerId: data.workerId, certificateNumber: c.certificateNumber, revokedOn: today, reason: data.reason },
  };
}

/** Erasing twice changes nothing (the key is gone already), and a case with no events holds nothing to erase. */
function erase({ data }: Clocked<ErasePersonalData>, state: CandidateState, today: string): PersonalDataErased[] {
  if (state.personalDataErased || state.workerId === undefined) return [];
  return [{ type: 'PersonalDataErased', data: { workerId: data.workerId, erasedOn: today, basis: data.basis } }];
}
