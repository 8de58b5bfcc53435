import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import { toStoredSeal, fromStoredSeal } from '@homeward/command-handling/streams';
import type { Ledger, TransferOutcome } from '@homeward/ledger';
import type { Payee, Payments } from '@homeward/payments';
import { SubjectErased, type PersonalDataVault } from '@homeward/personal-data';
import { decide, type ClaimCommand, type ClaimRequest, type FileClaim } from '../domain/claim/claim.decider';
import type { ClaimEvent, FiledBy, Seal } from '../domain/claim/claim.events';
import { evolve, initialState, type ClaimState, type OpenClaim } from '../domain/claim/claim.state';
import { assess } from '../domain/claim/eligibility';
import { ClaimNotFound, FundRuleViolation, todayOf } from '../domain/fund.errors';
import { coveredOn } from '../domain/member/member';
import { termsFor, type IncidentKind, type Money, type Relation } from '../domain/policy/policy';
import type { ClaimStreams, MemberStreams } from '../persistence/fund.streams';
import type { ReadTables } from '../persistence/read-tables';
import { AccessDenied, authorise, officerOf, ownCountry } from './access/fund.access';
import { accounts } from './ledger-accounts';
import type { PolicyCommands } from './policies.commands';

export interface ClaimResult {
  readonly claimId: string;
  readonly state: OpenClaim;
  readonly version: number;
}

/** A request to file a claim, as the API takes it (the application adds the filer and the policy). */
export interface FileClaimRequest extends ClaimRequest {
  readonly workerId: string;
  readonly fundId: string;
  readonly incidentKind: IncidentKind;
  readonly incidentOn: string;
  readonly incidentId?: string;
  readonly destinationCountry: string;
  readonly cycleNumber?: number;
  readonly draft?: boolean;
  readonly caseNotes?: string;
}

type Log = { info(obj: object, msg: string): void };

const ledgerRefusal = (outcome: TransferOutcome, what: string): void => {
  if (outcome.ok) return;
  if (outcome.code === 'exceeds-credits')
    throw new FundRuleViolation('insufficient-funds', 'amount.amountMinor', `the fund does not hold enough to ${what}`);
  throw new Error(`the ledger refused to ${what}: ${outcome.code}`);
};

/**
 * Claims: filed by a worker's family, a mission or an agency officer (or opened as a draft by registration's
 * welfare incident), documented, assessed with the rules engine against the policy version in force on the
 * incident date, approved (maker-checker) or rejected, appealed, paid, reconciled, closed. Every ledger
 * movement (reserve, post, void) happens in the transaction of the events that record it.
 */
export class ClaimCommands {
  private readonly handler: CommandHandler<ClaimCommand, ClaimEvent, ClaimState>;

  constructor(
    private readonly deps: {
      streams: ClaimStreams;
      members: MemberStreams;
      policies: PolicyCommands;
      tables: ReadTables;
      ledger: Ledger;
      payments: Payments;
      providerName: string;
      vault: PersonalDataVault;
      pool: Pool;
      committed: () => void;
      log: Log;
    },
  ) {
    this.handler = new CommandHandler<ClaimCommand, ClaimEvent, ClaimState>({
      decider: { decide, evolve, initialState },
      streams: deps.streams,
      pool: deps.pool,
      idempotency: new IdempotencyKeys(),
      entity: 'claim',
      committed: deps.committed,
      needsTransaction: () => true,
      withinTransaction: async (client, _id, after, events) => {
        if (after.status === 'none' || events.length === 0) return;
        for (const e of events) await this.book(client, after, e);
        await deps.tables.saveClaim(client, after);
      },
    });
  }

  /** The ledger's side of an event, in its transaction: a refusal rolls the events back with it. */
  private async book(client: PoolClient, claim: OpenClaim, e: ClaimEvent): Promise<void> {
    const { ledger } = this.deps;
    switch (e.type) {
      case 'ClaimApproved': {
        if (!e.data.final || !e.data.pendingTransferId) return;
        await ledger.createAccounts([{ id: accounts.claim(claim.claimId), code: 'claim', currency: e.data.amount.currency }], client);
        ledgerRefusal(
          await ledger.transfer(
            {
              id: e.data.pendingTransferId,
              debitAccountId: accounts.pool(claim.fundId),
              creditAccountId: accounts.claim(claim.claimId),
              amountMinor: BigInt(e.data.amount.amountMinor),
              currency: e.data.amount.currency,
              code: 'claim-reservation',
              pending: true,
              reference: claim.claimId,
            },
            client,
          ),
          `reserve ${e.data.amount.amountMinor} for the claim`,
        );
        return;
      }
      case 'DisbursementMade':
        ledgerRefusal(await ledger.post({ id: e.data.transferId, pendingId: e.data.pendingTransferId }, client), 'pay the claim');
        return;
      case 'ReservationVoided':
        ledgerRefusal(
          await ledger.void({ id: e.data.voidTransferId, pendingId: e.data.pendingTransferId }, client),
          'release the reservation',
        );
        return;
      default:
        return;
    }
  }

  private async run(request: {
    claimId: string;
    command: ClaimCommand | ((client: PoolClient) => Promise<ClaimCommand>);
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<ClaimResult> {
    const { principal, claimId } = request;
    const result = await this.handler.handle({
      id: claimId,
      command: request.command,
      metadata: request.metadata,
      conditions: request.conditions,
      authorise: (state) => {
        if (state.status !== 'none') ownCountry(principal, state.destinationCountry, claimId);
      },
    });
    if (result.state.status === 'none') throw new ClaimNotFound(`no claim ${claimId}`);
    return { claimId: result.id, state: result.state, version: result.version };
  }

  async file(request: {
    claimId: string;
    body: FileClaimRequest;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<ClaimResult> {
    const { principal, body } = request;
    authorise(principal, 'file-claim');
    if (principal.kind === 'mission' && body.destinationCountry !== principal.country)
      throw new AccessDenied(`a mission files claims of its own country (${principal.country}) only`, 'access.kind-not-allowed');
    const filedBy: FiledBy = principal.kind === 'mission' ? 'mission' : body.claimantRelation === 'worker' ? 'agency' : 'family';
    return this.run({
      claimId: request.claimId,
      command: async (client) => this.fileCommand(client, request.claimId, body, filedBy, officerOf(principal)),
      principal,
      metadata: request.metadata,
      conditions: request.conditions,
    });
  }

  private async fileCommand(
    client: PoolClient,
    claimId: string,
    body: FileClaimRequest & { sourceEventId?: string },
    filedBy: FiledBy,
    filedByPrincipal: string,
  ): Promise<FileClaim> {
    const policy = await this.deps.policies.inForce(body.fundId, body.incidentOn, client);
    const caseNotes = body.caseNotes ? await this.seal(body.workerId, body.caseNotes, client, 'caseNotes') : undefined;
    return {
      type: 'FileClaim',
      data: {
        claimId,
        workerId: body.workerId,
        fundId: body.fundId,
        filedBy,
        filedByPrincipal,
        claimantRelation: body.claimantRelation,
        draft: body.draft ?? false,
        benefitType: body.benefitType,
        incidentKind: body.incidentKind,
        incidentOn: body.incidentOn,
        ...(body.incidentId ? { incidentId: body.incidentId } : {}),
        ...(body.sourceEventId ? { sourceEventId: body.sourceEventId } : {}),
        destinationCountry: body.destinationCountry,
        cycleNumber: body.cycleNumber ?? 0,
        ...(body.amountClaimed ? { amountClaimed: body.amountClaimed } : {}),
        ...(body.grade ? { grade: body.grade } : {}),
        ...(caseNotes ? { caseNotes } : {}),
        policy,
      },
    };
  }

  /**
   * Case notes sealed with the worker's key. Once registration erased the worker the key is gone for good:
   * nothing about them can be written any more (409 `fund.worker-erased`, not a server error).
   */
  private async seal(workerId: string, notes: string, client: PoolClient, field: string): Promise<Seal> {
    try {
      return toStoredSeal(await this.deps.vault.seal(workerId, notes, client));
    } catch (error) {
      if (error instanceof SubjectErased)
        throw new FundRuleViolation('worker-erased', field, `the worker's personal data was erased: no case notes can be kept about them`);
      throw error;
    }
  }

  /**
   * Registration's WelfareIncidentRecorded with fund assistance requested: a draft claim, once per source
   * event (a redelivery finds the claim it opened), listing the documents the policy in force requires.
   * The benefit type follows the incident (death → death benefit; otherwise repatriation, the one every
   * default policy offers for stranding, abuse and detention); the officer completes it on submission.
   */
  async openDraftFromIncident(
    client: PoolClient,
    incident: {
      eventId: string;
      workerId: string;
      cycleNumber: number;
      incidentId: string;
      occurredOn: string;
      kind: IncidentKind;
      destinationCountry: string;
    },
    fundId: string,
    metadata: CommandMetadata,
  ): Promise<void> {
    if (await this.deps.tables.claimBySource(incident.eventId, client)) return;
    const cycle = await this.deps.tables.cycle(incident.workerId, incident.cycleNumber, incident.occurredOn, client);
    const policy = await this.deps.policies.inForce(fundId, incident.occurredOn, client);
    if (!policy) {
      this.deps.log.info({ workerId: incident.workerId, fundId }, 'welfare incident: no policy in force, no draft claim');
      return;
    }
    const benefitType = [
      incident.kind === 'death' ? 'death' : 'repatriation',
      'repatriation',
      'legal_assistance',
      'counselling',
      'medical',
      'emergency_shelter',
    ].find((b) => termsFor(policy, b as never)?.incidentKinds.includes(incident.kind));
    if (!benefitType) {
      this.deps.log.info(
        { workerId: incident.workerId, kind: incident.kind },
        'welfare incident: no benefit of the policy covers it, no draft claim',
      );
      return;
    }
    const claimId = `incident-${incident.eventId}`;
    const terms = termsFor(policy, benefitType as never)!;
    const request: FileClaimRequest & { sourceEventId: string } = {
      workerId: incident.workerId,
      fundId,
      incidentKind: incident.kind,
      incidentOn: incident.occurredOn,
      incidentId: incident.incidentId,
      sourceEventId: incident.eventId,
      destinationCountry: cycle?.destinationCountry ?? incident.destinationCountry,
      cycleNumber: incident.cycleNumber,
      draft: true,
      benefitType,
      claimantRelation: incident.kind === 'death' ? (terms.beneficiaryOrder.find((r) => r !== 'worker') ?? 'spouse') : 'worker',
      ...(terms.amount.kind === 'schedule' ? { grade: terms.amount.schedule[0]!.grade } : {}),
      ...(terms.amount.kind === 'capped_actual_cost' ? { amountClaimed: terms.amount.cap } : {}),
    };
    const { state, version } = await this.deps.streams.load(claimId, undefined, client, { personalData: false });
    if (state.status !== 'none') return;
    const command = await this.fileCommand(client, claimId, request, 'welfare_incident', 'registration-topic');
    const events = decide({ ...command, metadata }, state);
    await this.deps.streams.append(claimId, version, events, metadata, { before: state, client });
    const after = events.reduce(evolve, state);
    if (after.status !== 'none') await this.deps.tables.saveClaim(client, after);
  }

  async submit(request: {
    claimId: string;
    body: ClaimRequest;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'file-claim');
    return this.run({
      ...request,
      command: async (client) => {
        const { state } = await this.deps.streams.load(request.claimId, undefined, client, { personalData: false });
        const policy = state.status === 'none' ? undefined : await this.deps.policies.inForce(state.fundId, state.incidentOn, client);
        return { type: 'SubmitClaim', data: { ...request.body, submittedBy: officerOf(request.principal), policy } };
      },
    });
  }

  async attach(request: {
    claimId: string;
    body: { documentType: string; documentId: string; sha256: string };
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'attach-document');
    return this.run({
      ...request,
      command: { type: 'AttachDocument', data: { ...request.body, attachedBy: officerOf(request.principal) } },
    });
  }

  /**
   * Assesses the claim under the policy version in force on its incident date, with the facts found now:
   * coverage on the incident date (the member stream), registration's departure and return of the cycle,
   * the documents attached. On the humanitarian path the officer needs the humanitarian scope and a reason.
   */
  async assess(request: {
    claimId: string;
    humanitarianReason?: string;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    const { principal } = request;
    authorise(principal, 'decide');
    if (request.humanitarianReason !== undefined) authorise(principal, 'humanitarian');
    return this.run({
      ...request,
      command: async (client) => {
        const { state } = await this.deps.streams.load(request.claimId, undefined, client, { personalData: false });
        if (state.status === 'none') throw new ClaimNotFound(`no claim ${request.claimId}`);
        const policy = await this.deps.policies.inForce(state.fundId, state.incidentOn, client);
        if (!policy)
          throw new FundRuleViolation(
            'no-policy-in-force',
            'incidentOn',
            `no policy of ${state.fundId} was in force on ${state.incidentOn}`,
          );
        const terms = termsFor(policy, state.benefitType);
        if (!terms)
          throw new FundRuleViolation('benefit-not-in-policy', 'benefitType', `the policy in force offers no ${state.benefitType} benefit`);
        const member = await this.deps.members.load(state.workerId, undefined, client, { personalData: false });
        const cycle = await this.deps.tables.cycle(state.workerId, state.cycleNumber, state.incidentOn, client);
        const covered = coveredOn(member.state, state.fundId, state.incidentOn);
        if (request.humanitarianReason !== undefined && !request.humanitarianReason.trim())
          throw new FundRuleViolation('humanitarian-reason-required', 'humanitarianReason', 'the humanitarian path records its reason');
        const assessment = await assess(
          policy,
          terms,
          {
            incidentKind: state.incidentKind,
            incidentOn: state.incidentOn,
            filedOn: state.filedOn,
            coveredOnIncidentDate: covered,
            ...(cycle?.departedOn ? { departedOn: cycle.departedOn } : {}),
            ...(cycle?.returnedOn ? { returnedOn: cycle.returnedOn } : {}),
            documentsAttached: state.documents.map((d) => d.documentType),
          },
          { ...(state.grade ? { grade: state.grade } : {}), ...(state.amountClaimed ? { amountClaimed: state.amountClaimed } : {}) },
          request.humanitarianReason !== undefined ? { reason: request.humanitarianReason } : undefined,
        );
        if (!assessment) throw new FundRuleViolation('grade-not-in-schedule', 'grade', 'the policy gives no amount for this claim');
        return { type: 'RecordAssessment', data: { assessment, assessedBy: officerOf(principal) } };
      },
    });
  }

  async approve(request: {
    claimId: string;
    amount: Money;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'decide');
    return this.run({
      ...request,
      command: async (client) => {
        const { state } = await this.deps.streams.load(request.claimId, undefined, client, { personalData: false });
        if (state.status === 'none') throw new ClaimNotFound(`no claim ${request.claimId}`);
        const policy = state.assessment
          ? await this.deps.policies.version(state.fundId, state.assessment.policyVersion, client)
          : undefined;
        const threshold = (policy && termsFor(policy, state.benefitType)?.secondApprovalAbove) ?? {
          currency: request.amount.currency,
          amountMinor: 0,
        };
        return {
          type: 'ApproveClaim',
          data: {
            officerId: officerOf(request.principal),
            amount: request.amount,
            secondApprovalAbove: threshold,
            pendingTransferId: `claim:${state.claimId}:reserve:${state.decisionNumber}`,
          },
        };
      },
    });
  }

  async reject(request: {
    claimId: string;
    reasonCodes: readonly string[];
    note: string;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'decide');
    return this.run({
      ...request,
      command: async (client) => {
        const { state } = await this.deps.streams.load(request.claimId, undefined, client, { personalData: false });
        const decision = state.status === 'none' ? 0 : state.decisionNumber;
        return {
          type: 'RejectClaim',
          data: {
            officerId: officerOf(request.principal),
            reasonCodes: request.reasonCodes,
            note: request.note,
            voidTransferId: `claim:${request.claimId}:void:${decision}`,
          },
        };
      },
    });
  }

  async appeal(request: {
    claimId: string;
    grounds: string;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'file-claim');
    return this.run({
      ...request,
      command: { type: 'AppealClaim', data: { appealedBy: officerOf(request.principal), grounds: request.grounds } },
    });
  }

  /**
   * Pays the approved claim: posts its reservation. Idempotent by the request's Idempotency-Key (the kit's
   * record: the same key answers the first answer; another body with it is refused 422), and by the claim
   * itself (a second payment is refused: fund.already-disbursed). The transfer id is derived from the claim,
   * so even two different keys cannot post twice (the ledger resolves a pending transfer once).
   */
  async disburse(request: {
    claimId: string;
    /** Sent through the payments provider to the payee, or a payment made outside, recorded as made. */
    payment: { payee: Payee } | { provider: string; providerReference: string };
    idempotencyKey: string;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'disburse');
    return this.run({
      ...request,
      command: async (client) => {
        const transferId = `claim:${request.claimId}:payment`;
        const { state } = await this.deps.streams.load(request.claimId, undefined, client, { personalData: false });
        const payment = request.payment;
        const provider = 'provider' in payment ? payment.provider : this.deps.providerName;
        let providerReference = 'providerReference' in payment ? payment.providerReference : '';
        // Only a claim the decider would pay is sent to the provider; the order's reference is the payment's
        // transfer id, so a retry — or a second key — never pays twice at the provider either.
        if ('payee' in payment && state.status === 'approved' && state.reservation?.state === 'pending' && !state.disbursement) {
          // The payee is stored sealed with the worker's key (erasure shreds it); the ledger and the events keep
          // only the pseudonymous claim and worker ids.
          const receipt = await this.deps.payments.send(
            {
              reference: transferId,
              payee: payment.payee,
              amountMinor: BigInt(state.reservation.amount.amountMinor),
              currency: state.reservation.amount.currency,
            },
            state.workerId,
          );
          providerReference = receipt.providerPaymentId;
        }
        return {
          type: 'DisburseClaim',
          data: {
            disbursedBy: officerOf(request.principal),
            transferId,
            provider,
            providerReference,
            idempotencyKey: request.idempotencyKey,
          },
        };
      },
    });
  }

  /**
   * Imports the provider's statement (CSV) and reconciles every claim whose payment it shows settled for
   * the amount paid; answers the report with what did not match.
   */
  async importStatement(request: { csv: string; source: string; principal: Principal; metadata: CommandMetadata }) {
    authorise(request.principal, 'disburse');
    const report = await this.deps.payments.importStatement(request.csv, request.source);
    const reconciled: string[] = [];
    for (const line of report.matched) {
      const found = /^claim:(.+):payment$/.exec(line.reference);
      if (!found) continue;
      const claimId = found[1]!;
      const { state } = await this.deps.streams.load(claimId, undefined, undefined, { personalData: false });
      if (state.status === 'none' || state.reconciled || !state.disbursement) continue;
      await this.reconcile({
        claimId,
        body: {
          provider: state.disbursement.provider,
          providerReference: state.disbursement.providerReference,
          amount: { currency: line.currency, amountMinor: Number(line.amountMinor) },
          statementId: request.source,
        },
        principal: request.principal,
        metadata: request.metadata,
        conditions: {},
      });
      reconciled.push(claimId);
    }
    return { report, reconciled };
  }

  async reconcile(request: {
    claimId: string;
    body: { provider: string; providerReference: string; amount: Money; statementId: string };
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'disburse');
    return this.run({ ...request, command: { type: 'ReconcilePayment', data: request.body } });
  }

  async cancel(request: { claimId: string; principal: Principal; metadata: CommandMetadata; conditions: RequestConditions }) {
    authorise(request.principal, 'decide');
    return this.run({
      ...request,
      command: {
        type: 'CancelClaim',
        data: { cancelledBy: officerOf(request.principal), voidTransferId: `claim:${request.claimId}:cancel` },
      },
    });
  }

  /** Voids the reservation of an approval left unpaid past its lifetime, and closes the claim (an officer's sweep). */
  async expire(request: { claimId: string; principal: Principal; metadata: CommandMetadata; conditions: RequestConditions }) {
    authorise(request.principal, 'decide');
    return this.run({
      ...request,
      command: {
        type: 'ExpireReservation',
        data: { expiredBy: officerOf(request.principal), voidTransferId: `claim:${request.claimId}:expire` },
      },
    });
  }

  async close(request: { claimId: string; principal: Principal; metadata: CommandMetadata; conditions: RequestConditions }) {
    authorise(request.principal, 'decide');
    return this.run({ ...request, command: { type: 'CloseClaim', data: { closedBy: officerOf(request.principal) } } });
  }

  async addCaseNotes(request: {
    claimId: string;
    notes: string;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'add-case-notes');
    return this.run({
      ...request,
      command: async (client) => {
        const { state } = await this.deps.streams.load(request.claimId, undefined, client, { personalData: false });
        if (state.status === 'none') throw new ClaimNotFound(`no claim ${request.claimId}`);
        return {
          type: 'AddCaseNotes',
          data: { notes: await this.seal(state.workerId, request.notes, client, 'notes'), addedBy: officerOf(request.principal) },
        };
      },
    });
  }

  async read(claimId: string, principal: Principal): Promise<ClaimResult> {
    authorise(principal, 'read-claims');
    const { state, version } = await this.deps.streams.load(claimId, undefined, undefined, { personalData: false });
    if (state.status === 'none') throw new ClaimNotFound(`no claim ${claimId}`);
    ownCountry(principal, state.destinationCountry, claimId);
    return { claimId, state, version };
  }

  /**
   * The claim's case notes, opened with the worker's key: only with the fund:case-notes scope, and every read
   * is audited (a row in case_note_reads, a log line), also a read that finds them erased.
   */
  async caseNotes(
    claimId: string,
    principal: Principal,
    now: Date,
  ): Promise<{ notes: { text: string | undefined; addedOn: string; addedBy: string }[]; erased: boolean }> {
    authorise(principal, 'read-case-notes');
    const stored = await this.deps.streams.load(claimId, undefined, undefined, { personalData: false });
    if (stored.state.status === 'none') throw new ClaimNotFound(`no claim ${claimId}`);
    const state = stored.state;
    const seals: { seal: Seal; addedOn: string; addedBy: string }[] = [];
    for (const e of await this.deps.streams.events(claimId)) {
      if (e.type === 'ClaimFiled' && e.data.caseNotes)
        seals.push({ seal: e.data.caseNotes, addedOn: e.data.filedOn, addedBy: e.data.filedByPrincipal });
      if (e.type === 'CaseNotesAdded') seals.push({ seal: e.data.notes, addedOn: e.data.addedOn, addedBy: e.data.addedBy });
    }
    const erased = await this.deps.vault.isErased(state.workerId);
    const notes = [];
    for (const s of seals)
      notes.push({
        text: erased ? undefined : await this.deps.vault.open<string>(state.workerId, fromStoredSeal(s.seal)),
        addedOn: s.addedOn,
        addedBy: s.addedBy,
      });
    await this.deps.tables.auditCaseNoteRead(this.deps.pool, {
      claimId,
      workerId: state.workerId,
      subject: principal.subject,
      organisation: principal.organisationId,
      at: now,
      opened: notes.filter((n) => n.text !== undefined).length,
      erased,
    });
    this.deps.log.info(
      { audit: 'case-notes-read', claimId, workerId: state.workerId, by: officerOf(principal), notes: notes.length, erased },
      'case notes read',
    );
    return { notes, erased };
  }

  today(now: Date): string {
    return todayOf(now);
  }
}

export type { Relation };
