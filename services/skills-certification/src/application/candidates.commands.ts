import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import { uuidv7 } from '@homeward/contracts';
import type { PersonalDataVault } from '@homeward/personal-data';
import { decide, type CandidateCommand } from '../domain/candidate/candidate.decider';
import type { CandidateEvent, CertificateIssued, UnitOutcome } from '../domain/candidate/candidate.events';
import { evolve, initialState, type CandidateState } from '../domain/candidate/candidate.state';
import type { CertificateRegister } from '../persistence/certificate-register';
import type { KnownWorkers } from '../persistence/known-workers';
import type { CandidateStreams } from '../persistence/skills.streams';
import { authorise, type SkillsAction } from './access/skills.access';
import type { CredentialStore } from './credential-store';
import type { Lookups } from './lookups';
import type { ObjectStore } from './ports/object-store';
import type { VerificationCodes } from './verification/verification-code';

export interface CandidateResult {
  readonly workerId: string;
  readonly state: CandidateState;
  readonly version: number;
}

/** The worker is not known to the service: registration has not registered them (or not yet told it). 404. */
export class WorkerUnknown extends Error {
  override readonly name = 'WorkerUnknown';
}

/** No certificate under this number. 404. */
export class CertificateUnknown extends Error {
  override readonly name = 'CertificateUnknown';
}

/** Evidence names a file the object store does not hold (not uploaded, or of another size). 422. */
export class EvidenceFileMissing extends Error {
  override readonly name = 'EvidenceFileMissing';
  readonly code = 'skills.evidence-file-missing';
}

/** A standard version asked for by default (the latest) when the standard has none: decided as unknown by `decide`. */
const NO_VERSION = 0;

export interface IssueRequest {
  readonly kind: 'full_qualification' | 'certificate_of_competency';
  readonly standardId: string;
  readonly standardVersion?: number;
  readonly unitCodes: readonly string[];
  readonly issuedOn: string;
  readonly expiresOn?: string;
}

export interface AssessmentRequest {
  readonly standardId: string;
  readonly standardVersion?: number;
  readonly centreId: string;
  readonly assessorId: string;
  readonly assessedOn: string;
  readonly method: 'observation' | 'portfolio_review' | 'test' | 'interview';
  readonly results: readonly { unitCode: string; outcome: UnitOutcome; remarks?: string }[];
}

export interface EvidenceRequest {
  readonly kind: 'document' | 'employer_reference' | 'work_sample' | 'training_record' | 'self_assessment';
  readonly file: { contentHash: string; sizeBytes: number; mediaType?: string };
  readonly issuedOn?: string;
  readonly periodFrom?: string;
  readonly periodTo?: string;
  readonly issuerCountry?: string;
  readonly issuer?: string;
  readonly description?: string;
}

const CERTIFICATE_EVENTS = new Set<CandidateEvent['type']>([
  'CertificateIssued',
  'CertificateSuperseded',
  'CertificateSuspended',
  'CertificateReinstated',
  'CertificateRevoked',
]);

/**
 * A worker's recognition-of-prior-learning case: what agencies record (scope `skills:assess`), the
 * certificates (scope `skills:certify`), and what the consumer of registration's topic adds (a mission's
 * attested skills, an erasure). The application's part: the access rule, the lookups of the standard and
 * centre passed into the command, and what the database allocates in the command's transaction — the
 * certificate number from a sequence, a status-list position — with the register row and the signed
 * credential written in the same transaction as the events.
 */
export class CandidateCommands {
  private readonly handler: CommandHandler<CandidateCommand, CandidateEvent, CandidateState>;

  constructor(
    private readonly deps: {
      readonly streams: CandidateStreams;
      readonly pool: Pool;
      readonly vault: PersonalDataVault;
      readonly lookups: Lookups;
      readonly register: CertificateRegister;
      readonly knownWorkers: KnownWorkers;
      readonly codes: VerificationCodes;
      readonly objects: ObjectStore;
      readonly credentials: CredentialStore;
      readonly issuingBody: string;
      readonly committed: () => void;
    },
  ) {
    this.handler = new CommandHandler<CandidateCommand, CandidateEvent, CandidateState>({
      decider: { decide, evolve, initialState },
      streams: deps.streams,
      pool: deps.pool,
      idempotency: new IdempotencyKeys(),
      entity: 'case',
      needsTransaction: (events) => events.some((e) => CERTIFICATE_EVENTS.has(e.type)),
      withinTransaction: async (client, workerId, _after, events) => {
        await deps.register.apply(client, workerId, events);
        for (const event of events) if (event.type === 'CertificateIssued') await deps.credentials.issue(client, event.data);
      },
      committed: () => {
        deps.committed();
      },
    });
  }

  private async run(
    workerId: string,
    action: SkillsAction,
    principal: Principal,
    metadata: CommandMetadata,
    conditions: RequestConditions,
    command: CandidateCommand | ((client: PoolClient) => Promise<CandidateCommand>),
  ): Promise<CandidateResult> {
    authorise(principal, action);
    if (!(await this.deps.knownWorkers.find(workerId))) {
      throw new WorkerUnknown(`no worker ${workerId} is known to the service: registration has not registered them`);
    }
    const result = await this.handler.handle({ id: workerId, command, metadata, conditions });
    const certificatesChanged = result.events.some((e) => CERTIFICATE_EVENTS.has(e.type));
    if (certificatesChanged) this.deps.credentials.statusChanged();
    return { workerId: result.id, state: result.state, version: result.version };
  }

  recordCounselling(
    workerId: string,
    body: { counselledOn: string; standardIds?: readonly string[]; notes?: string },
    principal: Principal,
    metadata: CommandMetadata,
    conditions: RequestConditions,
  ) {
    return this.run(workerId, 'assess', principal, metadata, conditions, {
      type: 'RecordCounselling',
      data: {
        workerId,
        counsellingId: uuidv7(metadata.now.getTime()),
        counselledOn: body.counselledOn,
        standardIds: body.standardIds ?? [],
        ...(body.notes === undefined ? {} : { notes: body.notes }),
      },
    });
  }

  async addEvidence(
    workerId: string,
    body: EvidenceRequest,
    principal: Principal,
    metadata: CommandMetadata,
    conditions: RequestConditions,
  ) {
    authorise(principal, 'assess');
    const stored = await this.deps.objects.stat(body.file.contentHash);
    if (!stored || stored.sizeBytes !== body.file.sizeBytes) {
      throw new EvidenceFileMissing(
        stored
          ? `the file ${body.file.contentHash} is ${stored.sizeBytes} bytes, not ${body.file.sizeBytes}`
          : `no file ${body.file.contentHash} was uploaded: POST its bytes to /evidence-files first`,
      );
    }
    const { file, ...rest } = body;
    return this.run(workerId, 'assess', principal, metadata, conditions, {
      type: 'AddEvidence',
      data: {
        workerId,
        evidenceId: uuidv7(metadata.now.getTime()),
        ...rest,
        contentHash: file.contentHash,
        sizeBytes: file.sizeBytes,
        ...(file.mediaType === undefined ? {} : { mediaType: file.mediaType }),
      },
    });
  }

  recordAssessment(
    workerId: string,
    body: AssessmentRequest,
    reassessment: boolean,
    principal: Principal,
    metadata: CommandMetadata,
    conditions: RequestConditions,
  ) {
    return this.run(workerId, 'assess', principal, metadata, conditions, async (client) => {
      const standard = await this.deps.lookups.standard(body.standardId, client);
      const centre = await this.deps.lookups.centre(body.centreId, client);
      const remarks = Object.fromEntries(body.results.filter((r) => r.remarks !== undefined).map((r) => [r.unitCode, r.remarks!]));
      return {
        type: reassessment ? 'RecordReassessment' : 'RecordAssessment',
        data: {
          workerId,
          assessmentId: uuidv7(metadata.now.getTime()),
          standardId: body.standardId,
          standardVersion: body.standardVersion ?? standard?.versions.at(-1)?.version ?? NO_VERSION,
          centreId: body.centreId,
          assessorId: body.assessorId,
          assessedOn: body.assessedOn,
          method: body.method,
          results: body.results.map(({ unitCode, outcome }) => ({ unitCode, outcome })),
          ...(Object.keys(remarks).length === 0 ? {} : { remarks }),
          standard,
          centre,
        },
      };
    });
  }

  referToGapTraining(
    workerId: string,
    body: { standardId: string; unitCodes: readonly string[]; provider: string; referredOn: string },
    principal: Principal,
    metadata: CommandMetadata,
    conditions: RequestConditions,
  ) {
    return this.run(workerId, 'assess', principal, metadata, conditions, {
      type: 'ReferToGapTraining',
      data: { workerId, referralId: uuidv7(metadata.now.getTime()), ...body },
    });
  }

  completeGapTraining(
    workerId: string,
    referralId: string,
    body: { completedOn: string },
    principal: Principal,
    metadata: CommandMetadata,
    conditions: RequestConditions,
  ) {
    return this.run(workerId, 'assess', principal, metadata, conditions, {
      type: 'CompleteGapTraining',
      data: { workerId, referralId, completedOn: body.completedOn },
    });
  }

  issueCertificate(workerId: string, body: IssueRequest, principal: Principal, metadata: CommandMetadata, conditions: RequestConditions) {
    return this.run(workerId, 'certify', principal, metadata, conditions, async (client) => {
      const standard = await this.deps.lookups.standard(body.standardId, client);
      const certificateNumber = await this.deps.register.nextNumber(client, Number(body.issuedOn.slice(0, 4)));
      const statusIndex = await this.deps.register.allocateStatusIndex(client, certificateNumber);
      return {
        type: 'IssueCertificate',
        data: {
          workerId,
          kind: body.kind,
          standardId: body.standardId,
          standardVersion: body.standardVersion ?? standard?.versions.at(-1)?.version ?? NO_VERSION,
          unitCodes: body.unitCodes,
          issuingBody: this.deps.issuingBody,
          issuedOn: body.issuedOn,
          ...(body.expiresOn === undefined ? {} : { expiresOn: body.expiresOn }),
          certificateNumber,
          revocationStatusIndex: statusIndex,
          suspensionStatusIndex: statusIndex,
          verificationCodeHash: this.deps.codes.codeHashOf(certificateNumber),
          standard,
        },
      };
    });
  }

  /** Suspension, reinstatement and revocation, by the certificate's number. */
  async changeCertificate(
    certificateNumber: string,
    change:
      | { type: 'SuspendCertificate'; reason: 'under_investigation' | 'assessment_disputed' | 'administrative_hold' }
      | { type: 'ReinstateCertificate' }
      | {
          type: 'RevokeCertificate';
          reason: 'issued_in_error' | 'fraud_or_misrepresentation' | 'assessment_irregularity' | 'holder_request';
        },
    principal: Principal,
    metadata: CommandMetadata,
    conditions: RequestConditions,
  ): Promise<CandidateResult> {
    authorise(principal, 'certify');
    const certificate = await this.deps.register.find(certificateNumber);
    if (!certificate) throw new CertificateUnknown(`no certificate ${certificateNumber}`);
    const { workerId } = certificate;
    const command: CandidateCommand =
      change.type === 'ReinstateCertificate'
        ? { type: change.type, data: { workerId, certificateNumber } }
        : { type: change.type, data: { workerId, certificateNumber, reason: change.reason } as never };
    return this.run(workerId, 'certify', principal, metadata, conditions, command);
  }

  async read(workerId: string, principal: Principal): Promise<CandidateResult> {
    authorise(principal, 'read');
    const { state, version } = await this.deps.streams.load(workerId, undefined, undefined, { personalData: true });
    if (version === 0 && !(await this.deps.knownWorkers.find(workerId))) {
      throw new WorkerUnknown(`no worker ${workerId} is known to the service`);
    }
    return { workerId, state, version };
  }

  /** A certificate and the case it is in. */
  async readCertificate(certificateNumber: string, principal: Principal) {
    authorise(principal, 'read');
    const registered = await this.deps.register.find(certificateNumber);
    if (!registered) throw new CertificateUnknown(`no certificate ${certificateNumber}`);
    const { state, version } = await this.deps.streams.load(registered.workerId, undefined, undefined, { personalData: false });
    const certificate = state.certificates.find((c) => c.certificateNumber === certificateNumber);
    if (!certificate) throw new CertificateUnknown(`no certificate ${certificateNumber}`);
    return { workerId: registered.workerId, certificate, version, verificationCode: this.deps.codes.codeOf(certificateNumber) };
  }

  // What the consumer of registration's topic does, in the consumer's transaction (its `handled_messages`
  // row commits with the events, so a redelivered message changes nothing).

  /** A mission's SkillsAcquired, as evidence attested by the mission in the worker's portfolio. */
  async addMissionAttestedSkills(
    client: PoolClient,
    data: Extract<CandidateCommand, { type: 'AddMissionAttestedSkills' }>['data'],
    metadata: CommandMetadata,
  ): Promise<void> {
    const { state, version } = await this.deps.streams.load(data.workerId, undefined, client, { personalData: false });
    // Idempotent by the source event as well as by the consumer's deduplication: a replay from offset zero
    // into a new consumer group adds nothing twice.
    if (state.attestations.some((a) => a.sourceEventId === data.sourceEventId)) return;
    // After erasure nothing more is added to the case.
    if (state.personalDataErased) return;
    const events = decide({ type: 'AddMissionAttestedSkills', data, metadata }, state);
    await this.deps.streams.append(data.workerId, version, events, metadata, { before: state, client });
  }

  /** Registration's PersonalDataErased: the worker's key in this service's vault is deleted with the event. */
  async erase(
    client: PoolClient,
    workerId: string,
    basis: 'subject_request' | 'retention_period_ended' | 'legal_obligation',
    metadata: CommandMetadata,
  ) {
    const { state, version } = await this.deps.streams.load(workerId, undefined, client, { personalData: false });
    if (state.personalDataErased) return;
    if (version > 0) {
      const events = decide({ type: 'ErasePersonalData', data: { workerId, basis }, metadata }, state);
      await this.deps.streams.append(workerId, version, events, metadata, { before: state, client });
    }
    await this.deps.vault.erase(workerId, client);
  }
}

export type { CertificateIssued };
