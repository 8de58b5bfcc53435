import { createHash } from 'node:crypto';

/**
 * Demo data for the emergency fund, written through the public APIs like everything else: a budget
 * allocation into the Philippine fund's pool (OWWA, one of the default policies the service publishes at its
 * start), and six workers registered through the registry, deployed to Saudi Arabia or the Emirates, members
 * of the fund (a contribution each), for whom the mission of their country records a welfare incident with
 * fund assistance requested. The fund opens a draft claim by itself from each incident (registration's
 * topic); the writer completes it, attaches the documents the policy requires, has it assessed, approved —
 * by two officers where the amount is above the policy's threshold — paid to a payee through the local
 * payments provider, and reconciled by importing the provider's statement of the day (CSV lines), stopping
 * each case at another step so that the demo shows every status. Every claim is the draft the incident opened:
 * where the benefit is another than the draft's first guess (cases 3, 4 and 6), the officer submits it as that
 * benefit, and the documents that benefit requires are the ones attached:
 *
 *   1. death (natural), SA         → approved by two officers, paid, reconciled
 *   2. death (accidental), AE      → approved by two officers, paid (not reconciled yet)
 *   3. accident → disability, SA   → approved by one officer (under the threshold), paid, reconciled
 *   4. abuse → legal assistance, AE → approved by two officers (above PHP 25,000), paid
 *   5. stranding → repatriation, SA → approved: reserved in the ledger, not paid yet
 *   6. abuse → counselling, SA      → submitted and documented, waiting for assessment
 *
 * Deterministic for a seed and a day (every POST carries an Idempotency-Key or an id derived from the seed
 * and the step), and skipped when the fund's ledger already holds postings: a second `npm start` keeps the
 * demo as it is.
 */

export interface FundDemoOptions {
  readonly registrationUrl: string;
  readonly fundUrl: string;
  /** The registry's agency: registers workers and records departures. */
  readonly registryToken: string;
  /** Missions by country (at least SA and AE): they record the incidents. */
  readonly missionTokens: Readonly<Record<string, string>>;
  /** Two fund officers with every fund scope (the maker and the checker). */
  readonly officerTokens: readonly [string, string];
  readonly seed?: number;
  /** Today (UTC, YYYY-MM-DD): incidents and payments are dated in the weeks before it. */
  readonly today: string;
  /** How long to wait for the fund to open a draft claim from an incident (ms). */
  readonly draftTimeoutMs?: number;
}

export interface FundDemoReport {
  readonly skipped?: string;
  readonly workers: number;
  readonly claims: number;
  readonly approved: number;
  readonly paid: number;
  readonly reconciled: number;
  readonly failures: readonly string[];
}

interface DemoCase {
  readonly country: 'SA' | 'AE';
  readonly sex: 'F' | 'M';
  readonly incident: 'death' | 'accident' | 'abuse' | 'stranding';
  readonly submit: Record<string, unknown>;
  readonly secondOfficer: boolean;
  readonly stopAt: 'submitted' | 'approved' | 'paid' | 'reconciled';
  readonly daysAgo: number;
}

const php = (major: number) => ({ currency: 'PHP', amountMinor: major * 100 });

export const FUND_DEMO_CASES: readonly DemoCase[] = [
  {
    country: 'SA',
    sex: 'F',
    incident: 'death',
    submit: { benefitType: 'death', grade: 'natural', claimantRelation: 'spouse' },
    secondOfficer: true,
    stopAt: 'reconciled',
    daysAgo: 40,
  },
  {
    country: 'AE',
    sex: 'M',
    incident: 'death',
    submit: { benefitType: 'death', grade: 'accidental', claimantRelation: 'parent' },
    secondOfficer: true,
    stopAt: 'paid',
    daysAgo: 30,
  },
  {
    country: 'SA',
    sex: 'M',
    incident: 'accident',
    submit: { benefitType: 'disability_injury', grade: 'partial', claimantRelation: 'worker' },
    secondOfficer: false,
    stopAt: 'reconciled',
    daysAgo: 25,
  },
  {
    country: 'AE',
    sex: 'F',
    incident: 'abuse',
    submit: { benefitType: 'legal_assistance', amountClaimed: php(30_000), claimantRelation: 'worker' },
    secondOfficer: true,
    stopAt: 'paid',
    daysAgo: 20,
  },
  {
    country: 'SA',
    sex: 'F',
    incident: 'stranding',
    submit: { benefitType: 'repatriation', amountClaimed: php(35_000), claimantRelation: 'worker' },
    secondOfficer: false,
    stopAt: 'approved',
    daysAgo: 12,
  },
  {
    country: 'SA',
    sex: 'F',
    incident: 'abuse',
    submit: { benefitType: 'counselling', amountClaimed: php(5_000), claimantRelation: 'worker' },
    secondOfficer: false,
    stopAt: 'submitted',
    daysAgo: 6,
  },
];

/** A UUID (version 4 layout) derived from the seed and a label: the same run gives the same ids and keys. */
export function demoUuid(seed: number, label: string): string {
  const h = createHash('sha256').update(`homeward-fund-demo:${seed}:${label}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const dayBefore = (today: string, days: number): string =>
  new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type Call = (
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body?: unknown,
  key?: string,
) => Promise<{ status: number; body: Record<string, any> | undefined }>;

function client(base: string): Call {
  return async (method, path, token, body, key) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: Record<string, any> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, any>) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  };
}

async function must(what: string, response: Promise<{ status: number; body: Record<string, any> | undefined }>) {
  const r = await response;
  if (r.status < 200 || r.status > 299) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body ?? {};
}

export async function writeFundDemo(options: FundDemoOptions): Promise<FundDemoReport> {
  const seed = options.seed ?? 1;
  const registry = client(options.registrationUrl);
  const fund = client(options.fundUrl);
  const [officerA, officerB] = options.officerTokens;
  const report = { workers: 0, claims: 0, approved: 0, paid: 0, reconciled: 0, failures: [] as string[] };

  const trial = await must('trial balance', fund('GET', '/ledger/trial-balance', officerA));
  if (String(trial.totalDebits ?? '0') !== '0') return { ...report, skipped: 'already present (kept as it is)' };

  await must(
    'allocation',
    fund('POST', '/funds/PH-OWWA/allocations', officerA, { allocationId: demoUuid(seed, 'allocation'), amount: php(2_000_000) }),
  );

  const statement: { claimId: string; line: string }[] = [];
  for (const [n, demo] of FUND_DEMO_CASES.entries()) {
    const step = (name: string) => demoUuid(seed, `${options.today}:${n}:${name}`);
    try {
      const departedOn = dayBefore(options.today, 300 + n * 7);
      const worker = await must(
        'register',
        registry(
          'POST',
          '/workers',
          options.registryToken,
          {
            personalData: {
              givenName: ['Maria', 'Jose', 'Ramon', 'Liza', 'Ana', 'Grace'][n],
              familyName: 'Dela Cruz',
              dateOfBirth: `199${n}-03-1${n}`,
            },
            sex: demo.sex,
            originArea: 'PH-03',
            educationIsced: 3,
            languages: ['tl', 'en'],
          },
          step('register'),
        ),
      );
      const workerId = worker.workerId as string;
      report.workers++;
      await must(
        'departure',
        registry(
          'POST',
          `/workers/${workerId}/departures`,
          options.registryToken,
          {
            destinationCountry: demo.country,
            departedOn,
            employerName: demo.country === 'SA' ? 'Al Noor Household Services' : 'Gulf Star Facilities',
            occupationIsco: demo.sex === 'F' ? '9111' : '7112',
            contractStart: departedOn,
            contractEnd: dayBefore(options.today, -400),
            channel: 'regular',
          },
          step('departure'),
        ),
      );
      await must(
        'contribution',
        fund('POST', `/members/${workerId}/contributions`, officerA, {
          fundId: 'PH-OWWA',
          contributionId: step('contribution'),
          amount: php(1_400),
          paidOn: dayBefore(options.today, 310 + n * 7),
        }),
      );
      const mission = options.missionTokens[demo.country];
      if (!mission) throw new Error(`no mission token for ${demo.country}`);
      await must(
        'incident',
        registry(
          'POST',
          `/workers/${workerId}/incidents`,
          mission,
          { occurredOn: dayBefore(options.today, demo.daysAgo), kind: demo.incident, fundAssistanceRequested: true },
          step('incident'),
        ),
      );
      // The fund opens the draft from registration's topic; the officer completes it as the case's benefit (the
      // documents required follow the benefit submitted, not the draft's first guess).
      let claimId: string | undefined;
      const deadline = Date.now() + (options.draftTimeoutMs ?? 60_000);
      while (!claimId && Date.now() < deadline) {
        const listed = await fund('GET', `/claims?workerId=${workerId}`, officerA);
        claimId = listed.body?.items?.[0]?.claimId as string | undefined;
        if (!claimId) await new Promise((r) => setTimeout(r, 500));
      }
      if (!claimId) throw new Error('the fund opened no draft claim from the incident');
      await must('submit', fund('POST', `/claims/${claimId}/submit`, officerA, demo.submit));
      report.claims++;
      const submitted = await must('the claim', fund('GET', `/claims/${claimId}`, officerA));
      for (const documentType of (submitted.documentsRequired ?? []) as string[])
        await must(
          `document ${documentType}`,
          fund('POST', `/claims/${claimId}/documents`, officerA, {
            documentType,
            documentId: `demo-${n}-${documentType}`,
            sha256: sha256(`${seed}:${n}:${documentType}`),
          }),
        );
      if (demo.stopAt === 'submitted') continue;
      const assessed = await must('assess', fund('POST', `/claims/${claimId}/assess`, officerA, {}));
      const payable = assessed.assessment?.amount?.payable as { currency: string; amountMinor: number } | undefined;
      if (!assessed.assessment?.eligible || !payable) throw new Error(`not eligible: ${JSON.stringify(assessed.assessment?.reasonCodes)}`);
      await must('approval', fund('POST', `/claims/${claimId}/approve`, officerA, { amount: payable }));
      if (demo.secondOfficer) await must('second approval', fund('POST', `/claims/${claimId}/approve`, officerB, { amount: payable }));
      report.approved++;
      if (demo.stopAt === 'approved') continue;
      const paid = await must(
        'disbursement',
        fund(
          'POST',
          `/claims/${claimId}/disburse`,
          officerA,
          { payee: { name: `Demo payee ${n + 1}`, method: 'mobile-money', account: `0917${String(1_000_000 + n).slice(1)}` } },
          step('disburse'),
        ),
      );
      report.paid++;
      if (demo.stopAt === 'paid') continue;
      // The provider's statement names a payment by the order's reference (the fund's transfer id), in major units.
      const d = paid.disbursement as { transferId: string; amount: { currency: string; amountMinor: number } };
      statement.push({
        claimId,
        line: `${options.today},${d.transferId},${(d.amount.amountMinor / 100).toFixed(2)},${d.amount.currency},settled`,
      });
    } catch (error) {
      report.failures.push(`case ${n + 1} (${demo.incident}, ${demo.country}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // The local provider's statement of the day, imported: the payments it shows settled are reconciled.
  if (statement.length > 0) {
    try {
      const imported = await must(
        'statement import',
        fund(
          'POST',
          '/reconciliation/statements',
          officerA,
          { statementId: `LOCAL-${options.today}`, lines: ['date,reference,amount,currency,status', ...statement.map((s) => s.line)] },
          demoUuid(seed, `${options.today}:statement`),
        ),
      );
      report.reconciled = ((imported.reconciledClaims ?? []) as string[]).length;
    } catch (error) {
      report.failures.push(`reconciliation: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return report;
}
