import { randomUUID } from 'node:crypto';
import type { EventSourcedService, Tokens } from './chaos-system';

/** A command a service acknowledged (2xx): its entity's stream holds its events up to `version` (when the ETag says). */
export interface AcknowledgedCommand {
  readonly service: EventSourcedService;
  readonly command: string;
  readonly entityId: string;
  readonly version?: number;
}

export interface MixedLoadReport {
  readonly acknowledged: readonly AcknowledgedCommand[];
  /** Answers by status, retries included ("none": no answer: connection refused or reset, timeout). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Acknowledged commands by service and command. */
  readonly byCommand: Readonly<Record<string, number>>;
  /** Retried attempts (same Idempotency-Key) before an acknowledgement. */
  readonly retries: number;
  /** Refusals the commands never deserve, and commands never acknowledged: each one a failure. */
  readonly unexpected: readonly string[];
  /** Workers whose incident asked the fund for help, with the claim the fund opened (undefined: none seen yet). */
  readonly incidents: readonly { workerId: string; claimId?: string }[];
  /** Claims paid (disbursed), with the Idempotency-Key the payment was made with. */
  readonly paid: readonly string[];
  readonly seconds: number;
}

export interface MixedLoadOptions {
  /** Concurrent callers. */
  readonly clients: number;
  /** Cap on commands started per second across every caller (0: no cap). */
  readonly rate: number;
  /** How long a command is retried before it counts as lost to the client (default 120 s). */
  readonly giveUpMs?: number;
}

export interface Endpoints {
  readonly registration: string;
  readonly skills: string;
  readonly employment: string;
  readonly fund: string;
}

const php = (major: number) => ({ currency: 'PHP', amountMinor: major * 100 });
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const STANDARD = {
  standardId: 'chaos-housekeeping-nc2',
  title: 'Housekeeping NC II',
  occupationIsco: '9111',
  level: 2,
  units: [
    { code: 'CHK-01', title: 'Clean living areas' },
    { code: 'CHK-02', title: 'Launder linen and clothing' },
  ],
};
const ASSESSOR = 'assessor-chaos-001';

/** 4xx codes that mean "not yet": what another service publishes has not reached this one. Asked again. */
const NOT_YET = /unknown|not-found|not-yet|not-returned|not-registered|match-unavailable|no-cycle|not-abroad|no-membership/;

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A realistic mixed load through the REST APIs, `clients` callers at once, each taking one worker after
 * another through a journey: registration, departure to Saudi Arabia, a fund contribution; for a quarter a
 * welfare incident the Riyadh mission records asking the fund for help, the draft claim the fund opens
 * from registration's topic submitted, assessed, approved and paid; the return; a skills counselling
 * and assessment; a referral to a vacancy (the returnee a job seeker from registration's topic). Every command carries an
 * Idempotency-Key and is retried with it on a 5xx, a timeout or a refused connection, as a real client
 * retries; what another service has not yet read from a topic is asked again a little later.
 */
export class MixedLoad {
  private running = true;
  private readonly started = Date.now();
  private readonly acknowledged: AcknowledgedCommand[] = [];
  private readonly statuses: Record<string, number> = {};
  private readonly unexpected: string[] = [];
  private readonly incidents: { workerId: string; claimId?: string }[] = [];
  private readonly paid: string[] = [];
  private retries = 0;
  private callers: Promise<void>[] = [];
  private readonly run = randomUUID().slice(0, 8);
  private people = 0;
  private tokensLeft = 0;
  private bucketAt = Date.now();
  private centreId = '';
  private vacancies: string[] = [];

  constructor(
    private readonly endpoints: Endpoints,
    private readonly tokens: Tokens,
    private readonly options: MixedLoadOptions,
  ) {}

  get count(): number {
    return this.acknowledged.length;
  }

  /** What the services need before workers arrive: a skills standard, a centre and its assessor; vacancies. */
  async setUp(): Promise<void> {
    await this.command('skills', 'standard', this.endpoints.skills, '/standards', this.tokens.skills, {
      ...STANDARD,
      units: STANDARD.units.map((u) => ({ ...u, escoSkills: [], evidenceRequired: ['work_sample'] })),
      effectiveFrom: '2024-01-01',
    });
    const centre = await this.command('skills', 'centre', this.endpoints.skills, '/centres', this.tokens.skills, {
      name: 'Chaos Assessment Center',
      subdivision: 'PH-03',
    });
    this.centreId = String(centre?.centreId);
    await this.command('skills', 'accreditation', this.endpoints.skills, `/centres/${this.centreId}/accreditations`, this.tokens.skills, {
      assessorId: ASSESSOR,
      assessorName: 'Liza Manalo',
      standardId: STANDARD.standardId,
      validFrom: '2024-01-01',
      validUntil: day(3 * 365),
    });
    for (let n = 0; n < 4; n++) {
      const vacancy = await this.command('employment', 'vacancy', this.endpoints.employment, '/vacancies', this.tokens.employment, {
        employerId: 'ph-employer-chaos',
        title: `Room attendant ${n + 1}`,
        occupationIsco: '9112',
        experienceMonths: 0,
        location: 'PH-03',
        languages: ['tl'],
        monthlyWage: php(18_000),
        openings: 10_000,
        closingOn: day(120),
      });
      if (vacancy?.vacancyId) this.vacancies.push(String(vacancy.vacancyId));
    }
    await this.command(
      'fund',
      'allocation',
      this.endpoints.fund,
      '/funds/PH-OWWA/allocations',
      this.tokens.fund,
      {
        allocationId: randomUUID(),
        amount: php(500_000_000),
      },
      null,
    );
  }

  start(): void {
    this.callers = Array.from({ length: this.options.clients }, (_, n) => this.caller(n));
  }

  /** Stops starting journeys; resolves when every command under way is acknowledged or given up. */
  async stop(): Promise<MixedLoadReport> {
    this.running = false;
    await Promise.all(this.callers);
    const byCommand: Record<string, number> = {};
    for (const a of this.acknowledged) byCommand[`${a.service} ${a.command}`] = (byCommand[`${a.service} ${a.command}`] ?? 0) + 1;
    return {
      acknowledged: [...this.acknowledged],
      statuses: { ...this.statuses },
      byCommand,
      retries: this.retries,
      unexpected: [...this.unexpected],
      incidents: [...this.incidents],
      paid: [...this.paid],
      seconds: (Date.now() - this.started) / 1000,
    };
  }

  private async caller(n: number): Promise<void> {
    while (this.running) {
      try {
        await this.journey(n);
      } catch (error) {
        if (!(error instanceof Refused)) this.unexpected.push(`journey: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async journey(caller: number): Promise<void> {
    const { registration, skills, employment, fund } = this.endpoints;
    const t = this.tokens;
    const n = this.people++;
    const registered = await this.command('registration', 'register', registration, '/workers', t.registry, {
      personalData: {
        givenName: `Amihan${n}`,
        familyName: `Chaos ${this.run}`,
        dateOfBirth: new Date(Date.UTC(1980, 0, 1) + (n % 7300) * 86_400_000).toISOString().slice(0, 10),
        nationalId: `PH-C-${this.run}-${n}`,
      },
      sex: n % 2 === 0 ? 'F' : 'M',
      originArea: 'PH-03',
      educationIsced: 3,
      languages: ['tl'],
    });
    const workerId = String(registered!.workerId);
    if (!this.running) return;
    await this.command('registration', 'departure', registration, `/workers/${workerId}/departures`, t.registry, {
      destinationCountry: 'SA',
      departedOn: day(-300),
      employerName: 'Al Noor Household Services',
      occupationIsco: '9111',
      contractStart: day(-300),
      contractEnd: day(400),
      channel: 'regular',
      recruitmentCost: { currency: 'PHP', amountMinor: 1_500_000 },
      monthlyWage: { currency: 'SAR', amountMinor: 150_000 },
    });
    await this.command('fund', 'contribution', fund, `/members/${workerId}/contributions`, t.fund, {
      fundId: 'PH-OWWA',
      contributionId: randomUUID(),
      amount: php(1_400),
      paidOn: day(-310),
    });
    if (caller % 4 === 0 && this.running) await this.claim(workerId);
    await this.command('registration', 'return', registration, `/workers/${workerId}/returns`, t.registry, {
      returnedOn: day(-5),
      fromCountry: 'SA',
      assistance: 'assisted',
      reason: 'contract_completed',
    });
    if (!this.running) return;
    const candidate = `/candidates/${workerId}`;
    await this.command('skills', 'counselling', skills, `${candidate}/counselling`, t.skills, {
      counselledOn: day(-4),
      standardIds: [STANDARD.standardId],
    });
    await this.command('skills', 'assessment', skills, `${candidate}/assessments`, t.skills, {
      standardId: STANDARD.standardId,
      centreId: this.centreId,
      assessorId: ASSESSOR,
      method: 'observation',
      assessedOn: day(-3),
      results: STANDARD.units.map((u) => ({ unitCode: u.code, outcome: 'competent' })),
    });
    if (!this.running) return;
    // The employment service registers a returnee as a job seeker by itself, from registration's topic.
    const vacancyId = this.vacancies[n % this.vacancies.length];
    if (vacancyId) await this.command('employment', 'referral', employment, '/referrals', t.employment, { vacancyId, workerId });
  }

  /** A welfare incident asking the fund for help; the draft the fund opens from it, submitted, approved and paid. */
  private async claim(workerId: string): Promise<void> {
    const { registration, fund } = this.endpoints;
    const t = this.tokens;
    await this.command('registration', 'incident', registration, `/workers/${workerId}/incidents`, t.mission, {
      occurredOn: day(-10),
      kind: 'stranding',
      fundAssistanceRequested: true,
    });
    const incident: { workerId: string; claimId?: string } = { workerId };
    this.incidents.push(incident);
    // The fund opens the draft from registration's topic, in its own time.
    const deadline = Date.now() + 90_000;
    while (!incident.claimId && Date.now() < deadline) {
      const listed = await this.get(fund, `/claims?workerId=${workerId}`, t.fund);
      incident.claimId = (listed?.items as { claimId: string }[] | undefined)?.[0]?.claimId;
      if (!incident.claimId) await sleep(500);
    }
    if (!incident.claimId) {
      this.unexpected.push(`the fund opened no draft claim for ${workerId}'s incident within 90 s`);
      return;
    }
    const at = `/claims/${incident.claimId}`;
    await this.command(
      'fund',
      'submit',
      fund,
      `${at}/submit`,
      t.fund,
      {
        benefitType: 'repatriation',
        amountClaimed: php(35_000),
        claimantRelation: 'worker',
      },
      'claimId',
    );
    // Read until the fund answers: a read lost to a fault (the API killed, the database restarting) is asked
    // again, as a real client would; taken as "no documents required" it sent none, and the claim was
    // rightly refused as documents-missing.
    let claim: Record<string, unknown> | undefined;
    for (const until = Date.now() + 90_000; !claim && Date.now() < until;) {
      claim = await this.get(fund, at, t.fund);
      if (!claim) await sleep(500);
    }
    if (!claim) {
      this.unexpected.push(`the fund did not answer for claim ${incident.claimId} within 90 s`);
      return;
    }
    for (const documentType of (claim.documentsRequired ?? []) as string[])
      await this.command(
        'fund',
        'document',
        fund,
        `${at}/documents`,
        t.fund,
        {
          documentType,
          documentId: `chaos-${incident.claimId}-${documentType}`,
          sha256: 'a'.repeat(64),
        },
        'claimId',
      );
    const assessed = await this.command('fund', 'assess', fund, `${at}/assess`, t.fund, {}, 'claimId');
    const assessment = assessed?.assessment as { eligible?: boolean; amount?: { payable?: unknown }; reasonCodes?: unknown } | undefined;
    if (!assessment?.eligible || !assessment.amount?.payable) {
      this.unexpected.push(`claim ${incident.claimId} not eligible: ${JSON.stringify(assessment?.reasonCodes)}`);
      return;
    }
    await this.command('fund', 'approve', fund, `${at}/approve`, t.fund, { amount: assessment.amount.payable }, 'claimId');
    await this.command(
      'fund',
      'disburse',
      fund,
      `${at}/disburse`,
      t.fund,
      {
        payee: { name: 'Chaos payee', method: 'mobile-money', account: '09171234567' },
      },
      'claimId',
    );
    this.paid.push(incident.claimId);
  }

  private async throttle(): Promise<void> {
    if (!this.options.rate) return;
    for (;;) {
      const now = Date.now();
      this.tokensLeft = Math.min(this.options.rate, this.tokensLeft + ((now - this.bucketAt) / 1000) * this.options.rate);
      this.bucketAt = now;
      if (this.tokensLeft >= 1) {
        this.tokensLeft -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokensLeft) / this.options.rate) * 1000));
    }
  }

  private count_(status: string): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }

  private async get(base: string, path: string, token: string): Promise<Record<string, unknown> | undefined> {
    try {
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      return response.ok ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * One command, retried with its Idempotency-Key until acknowledged: its answer. A refusal it does not
   * deserve is recorded and thrown (the journey ends); one that means "not yet" is asked again.
   */
  private async command(
    service: EventSourcedService,
    name: string,
    base: string,
    path: string,
    token: string,
    body: object,
    /** The answer's field naming the entity whose stream the command appends to (none: not event-sourced). */
    entity?: string | null,
  ): Promise<Record<string, unknown> | undefined> {
    const key = randomUUID();
    let last = '';
    const giveUpAt = Date.now() + (this.options.giveUpMs ?? 120_000);
    await this.throttle();
    for (let attempt = 1; ; attempt++) {
      if (Date.now() > giveUpAt) {
        this.unexpected.push(
          `${service} ${name} ${path}: no acknowledgement within ${(this.options.giveUpMs ?? 120_000) / 1000} s (last: ${last})`,
        );
        throw new Refused(0, 'gave-up', name);
      }
      if (attempt > 1) this.retries++;
      try {
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        this.count_(String(response.status));
        if (response.ok) {
          const answer = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
          const version = /"(\d+)"/.exec(response.headers.get('etag') ?? '')?.[1];
          const entityId =
            entity === null
              ? ''
              : String(
                  (entity ? answer[entity] : undefined) ??
                    answer.workerId ??
                    answer.claimId ??
                    answer.vacancyId ??
                    answer.referralId ??
                    answer.centreId ??
                    answer.standardId ??
                    '',
                );
          this.acknowledged.push({ service, command: name, entityId, ...(version ? { version: Number(version) } : {}) });
          return answer;
        }
        if (response.status < 500) {
          let code = '';
          try {
            code = String((JSON.parse(text) as { code?: string }).code ?? '');
          } catch {
            // not problem+json
          }
          last = `${response.status} ${code}`;
          if (NOT_YET.test(code) || (response.status === 404 && !code.startsWith('validation'))) {
            await sleep(300 + Math.random() * 400);
            continue;
          }
          this.unexpected.push(`${service} ${name} ${path}: ${response.status} ${text.slice(0, 400)}`);
          throw new Refused(response.status, code, text);
        }
      } catch (error) {
        if (error instanceof Refused) throw error;
        last = error instanceof Error ? error.message : String(error);
        this.count_('none');
      }
      await sleep(Math.min(1_000, 100 * attempt) * (0.5 + Math.random()));
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
