import type { EmploymentFact, VacancyEnd } from '../history/employment-fact';
import type { BenefitType, FundFact } from '../history/fund-fact';
import type { Money, RecruitmentChannel, RegistrationFact, ReturnAssistance, ReturnReason, Sex } from '../history/registration-fact';
import type { CertificateChange, CertificateKind, SkillsFact } from '../history/skills-fact';
import type { DimensionId } from './codelists';
import type { ReportTable } from './report-table';

/**
 * Test helpers: a writer of facts that numbers each worker's stream, and a reader that lays a table out as
 * a small cross-tabulation so that expected values can be written by hand, as a statistician would.
 */
export class HistoryWriter {
  readonly facts: RegistrationFact[] = [];
  /** The skills topic's facts, apart: the two topics are read side by side, in no order between them. */
  readonly skillsFacts: SkillsFact[] = [];
  private readonly versions = new Map<string, number>();
  private skillsStreams = 0;
  /** The employment topic's facts, apart like the skills topic's. */
  readonly employmentFacts: EmploymentFact[] = [];
  private readonly employmentVersions = new Map<string, number>();
  /** The fund topic's facts, apart like the skills topic's. */
  readonly fundFacts: FundFact[] = [];
  private readonly fundVersions = new Map<string, number>();

  private next(workerId: string): number {
    const v = (this.versions.get(workerId) ?? 0) + 1;
    this.versions.set(workerId, v);
    return v;
  }

  /** `recorded` is an ISO instant or a date (then at noon UTC). */
  private at(recorded: string): number {
    return Date.parse(recorded.length === 10 ? `${recorded}T12:00:00Z` : recorded);
  }

  registered(workerId: string, sex: Sex, birthYear: number, recorded: string, extra: { education?: number } = {}): this {
    this.facts.push({
      type: 'WorkerRegistered',
      workerId,
      version: this.next(workerId),
      recordedAt: this.at(recorded),
      data: { sex, birthYear, ...(extra.education === undefined ? {} : { educationIsced: extra.education }) },
    });
    return this;
  }

  departed(
    workerId: string,
    cycle: number,
    departedOn: string,
    destination: string,
    occupation: string,
    extra: { recorded?: string; cost?: Money; income?: Money; channel?: RecruitmentChannel; agency?: boolean } = {},
  ): this {
    this.facts.push({
      type: 'DepartureRecorded',
      workerId,
      version: this.next(workerId),
      recordedAt: this.at(extra.recorded ?? departedOn),
      data: {
        cycle,
        departedOn,
        destination,
        occupation,
        ...(extra.cost ? { recruitmentCost: extra.cost } : {}),
        ...(extra.income ? { monthlyIncome: extra.income } : {}),
        ...(extra.channel ? { channel: extra.channel } : {}),
        viaAgency: extra.agency ?? false,
      },
    });
    return this;
  }

  arrived(workerId: string, cycle: number, arrivedOn: string, country: string): this {
    this.facts.push({
      type: 'ArrivalRecorded',
      workerId,
      version: this.next(workerId),
      recordedAt: this.at(arrivedOn),
      data: { cycle, arrivedOn, country },
    });
    return this;
  }

  changedOccupation(workerId: string, cycle: number, changedOn: string, occupation: string): this {
    this.facts.push({
      type: 'OccupationChanged',
      workerId,
      version: this.next(workerId),
      recordedAt: this.at(changedOn),
      data: { cycle, changedOn, occupation },
    });
    return this;
  }

  returned(
    workerId: string,
    cycle: number,
    returnedOn: string,
    from: string,
    assistance: ReturnAssistance,
    reason: ReturnReason,
    extra: { recorded?: string; undocumented?: boolean } = {},
  ): this {
    this.facts.push({
      type: 'ReturnRecorded',
      workerId,
      version: this.next(workerId),
      recordedAt: this.at(extra.recorded ?? returnedOn),
      data: { cycle, returnedOn, from, assistance, reason, withoutRecordedDeparture: extra.undocumented ?? false },
    });
    return this;
  }

  correctedSex(workerId: string, sex: Sex, recorded: string): this {
    this.facts.push({ type: 'DetailsCorrected', workerId, version: this.next(workerId), recordedAt: this.at(recorded), data: { sex } });
    return this;
  }

  correctedEducation(workerId: string, educationIsced: number, recorded: string): this {
    this.facts.push({
      type: 'DetailsCorrected',
      workerId,
      version: this.next(workerId),
      recordedAt: this.at(recorded),
      data: { educationIsced },
    });
    return this;
  }

  private employment(stream: string, recorded: string, fact: (version: number, recordedAt: number) => EmploymentFact): this {
    const version = (this.employmentVersions.get(stream) ?? 0) + 1;
    this.employmentVersions.set(stream, version);
    this.employmentFacts.push(fact(version, this.at(recorded)));
    return this;
  }

  seeker(workerId: string, registeredOn: string, recorded = registeredOn): this {
    const stream = `seeker-${workerId}`;
    return this.employment(stream, recorded, (version, recordedAt) => ({
      type: 'JobSeekerRegistered',
      stream,
      version,
      recordedAt,
      data: { workerId, registeredOn },
    }));
  }

  vacancy(vacancyId: string, occupation: string, location: string, postedOn: string, recorded = postedOn): this {
    const stream = `vacancy-${vacancyId}`;
    return this.employment(stream, recorded, (version, recordedAt) => ({
      type: 'VacancyPosted',
      stream,
      version,
      recordedAt,
      data: { vacancyId, occupation, location, postedOn },
    }));
  }

  vacancyEnded(vacancyId: string, end: VacancyEnd, on: string, recorded = on): this {
    const stream = `vacancy-${vacancyId}`;
    return this.employment(stream, recorded, (version, recordedAt) => ({
      type: 'VacancyEnded',
      stream,
      version,
      recordedAt,
      data: { vacancyId, end, on },
    }));
  }

  referred(referralId: string, vacancyId: string, workerId: string, referredOn: string, recorded = referredOn): this {
    const stream = `referral-${referralId}`;
    return this.employment(stream, recorded, (version, recordedAt) => ({
      type: 'ReferralMade',
      stream,
      version,
      recordedAt,
      data: { referralId, vacancyId, workerId, referredOn },
    }));
  }

  interviewed(referralId: string, interviewedOn: string, recorded = interviewedOn): this {
    const stream = `referral-${referralId}`;
    return this.employment(stream, recorded, (version, recordedAt) => ({
      type: 'InterviewRecorded',
      stream,
      version,
      recordedAt,
      data: { referralId, interviewedOn },
    }));
  }

  /** A hire through a referral; the placement starts on `startsOn` (the hire's day when absent). */
  hired(
    referralId: string,
    vacancyId: string,
    workerId: string,
    hiredOn: string,
    occupation: string,
    extra: { startsOn?: string; recorded?: string } = {},
  ): this {
    const stream = `referral-${referralId}`;
    return this.employment(stream, extra.recorded ?? hiredOn, (version, recordedAt) => ({
      type: 'HireRecorded',
      stream,
      version,
      recordedAt,
      data: { referralId, vacancyId, workerId, hiredOn, occupation, ...(extra.startsOn ? { startsOn: extra.startsOn } : {}) },
    }));
  }

  private fund(claimId: string, recorded: string, fact: (base: { stream: string; version: number; recordedAt: number }) => FundFact): this {
    const stream = `claim-${claimId}`;
    const version = (this.fundVersions.get(stream) ?? 0) + 1;
    this.fundVersions.set(stream, version);
    this.fundFacts.push(fact({ stream, version, recordedAt: this.at(recorded) }));
    return this;
  }

  /** A claim filed (a draft when `draft`: opened by a welfare incident, a claim only once submitted). */
  claimFiled(
    claimId: string,
    workerId: string,
    benefitType: BenefitType | undefined,
    incidentOn: string,
    filedOn: string,
    extra: { country?: string; draft?: boolean; recorded?: string } = {},
  ): this {
    return this.fund(claimId, extra.recorded ?? filedOn, (base) => ({
      type: 'ClaimFiled',
      ...base,
      data: { claimId, workerId, benefitType, country: extra.country, incidentOn, filedOn, draft: extra.draft ?? false },
    }));
  }

  claimSubmitted(claimId: string, submittedOn: string, benefitType: BenefitType | undefined, recorded = submittedOn): this {
    return this.fund(claimId, recorded, (base) => ({ type: 'ClaimSubmitted', ...base, data: { claimId, submittedOn, benefitType } }));
  }

  claimApproved(claimId: string, approvedOn: string, currency: string, amountMinor: number, recorded = approvedOn): this {
    return this.fund(claimId, recorded, (base) => ({
      type: 'ClaimApproved',
      ...base,
      data: { claimId, approvedOn, amount: { currency, amountMinor } },
    }));
  }

  claimRejected(claimId: string, rejectedOn: string, reasons: readonly string[], recorded = rejectedOn): this {
    return this.fund(claimId, recorded, (base) => ({ type: 'ClaimRejected', ...base, data: { claimId, rejectedOn, reasons } }));
  }

  disbursed(claimId: string, paidOn: string, currency: string, amountMinor: number, recorded = paidOn): this {
    return this.fund(claimId, recorded, (base) => ({
      type: 'DisbursementMade',
      ...base,
      data: { claimId, paidOn, amount: { currency, amountMinor } },
    }));
  }

  erased(workerId: string, recorded: string): this {
    this.facts.push({ type: 'PersonalDataErased', workerId, version: this.next(workerId), recordedAt: this.at(recorded), data: {} });
    return this;
  }

  /** A competency standard's version: its own stream on the skills topic. */
  standard(standardId: string, standardVersion: number, title: string, occupation: string, recorded: string): this {
    this.skillsFacts.push({
      type: 'StandardPublished',
      stream: `standard-${standardId}`,
      version: standardVersion,
      recordedAt: this.at(recorded),
      data: { standardId, standardVersion, title, occupation },
    });
    return this;
  }

  /** An assessment, each in a stream of its own; `units` maps each unit's code to whether it was found competent. */
  assessed(
    workerId: string,
    standard: string,
    assessedOn: string,
    units: Readonly<Record<string, boolean>>,
    extra: { recorded?: string; version?: number } = {},
  ): this {
    const [standardId, version] = standard.split('@') as [string, string | undefined];
    this.skillsFacts.push({
      type: 'AssessmentRecorded',
      stream: `assessment-${++this.skillsStreams}`,
      version: 1,
      recordedAt: this.at(extra.recorded ?? assessedOn),
      data: {
        workerId,
        standardId,
        standardVersion: Number(version ?? extra.version ?? 1),
        assessedOn,
        units: Object.entries(units).map(([code, competent]) => ({ code, competent })),
      },
    });
    return this;
  }

  /** A certificate; `number` names it for its later changes. */
  certified(
    workerId: string,
    standardId: string,
    kind: CertificateKind,
    issuedOn: string,
    extra: { recorded?: string; number?: string; expiresOn?: string } = {},
  ): this {
    const stream = `certificate-${++this.skillsStreams}`;
    this.skillsFacts.push({
      type: 'CertificateIssued',
      stream,
      version: 1,
      recordedAt: this.at(extra.recorded ?? issuedOn),
      data: {
        workerId,
        certificateNumber: extra.number ?? stream,
        standardId,
        standardVersion: 1,
        kind,
        issuedOn,
        ...(extra.expiresOn ? { expiresOn: extra.expiresOn } : {}),
      },
    });
    return this;
  }

  certificateChanged(certificateNumber: string, change: CertificateChange, on: string): this {
    this.skillsFacts.push({
      type: 'CertificateStatusChanged',
      stream: `change-${++this.skillsStreams}`,
      version: 1,
      recordedAt: this.at(on),
      data: { certificateNumber, change, on },
    });
    return this;
  }

  merged(workerId: string, into: string, recorded: string): this {
    this.facts.push({ type: 'RecordMerged', workerId, version: this.next(workerId), recordedAt: this.at(recorded), data: { into } });
    return this;
  }
}

/**
 * Rows of `rows`' codes by columns of `columns`' codes, every other dimension at its total (or the whole
 * period): `[rowCode, value, value, …]`, with 'x' for a suppressed cell and '-' for no data.
 */
export function crossTab(
  table: ReportTable,
  rows: DimensionId,
  columns: DimensionId,
  fixed: Partial<Record<DimensionId, string>> = {},
): (string | number)[][] {
  const rowDim = table.dimensions.find((d) => d.id === rows)!;
  const colDim = table.dimensions.find((d) => d.id === columns)!;
  const cells = new Map(table.observations.map((o) => [o.key.join('|'), o]));
  const keyOf = (row: string, column: string) =>
    table.dimensions.map((d) => (d.id === rows ? row : d.id === columns ? column : (fixed[d.id] ?? d.codes[0]!.id))).join('|');
  return [
    [`${rows}\\${columns}`, ...colDim.codes.map((c) => c.id)],
    ...rowDim.codes.map((r) => [
      r.id,
      ...colDim.codes.map((c) => {
        const o = cells.get(keyOf(r.id, c.id));
        if (!o) throw new Error(`no cell ${keyOf(r.id, c.id)}`);
        return o.confidentiality === 'C' ? 'x' : o.value === undefined ? '-' : o.value;
      }),
    ]),
  ];
}
