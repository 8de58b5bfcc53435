import { randomUUID } from 'node:crypto';

/** A command the API acknowledged (2xx): the worker's stream holds its events up to `version`. */
export interface Acknowledged {
  readonly workerId: string;
  readonly version: number;
  readonly command: string;
}

export interface LoadReport {
  readonly acknowledged: readonly Acknowledged[];
  /** Answers by status while the load ran, retries included (e.g. { "201": 420, "503": 37 }). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Answers that were neither a success nor a refusal to retry (a 4xx the commands never deserve). */
  readonly unexpected: readonly string[];
}

let people = 0;

function aPerson(run: string) {
  const n = people++;
  return {
    personalData: {
      givenName: `Amihan${n}`,
      familyName: `Dela Cruz ${run}`,
      dateOfBirth: new Date(Date.UTC(1985, 0, 1) + (n % 3650) * 86_400_000).toISOString().slice(0, 10),
      nationalId: `PH-F-${run}-${n}`,
    },
    sex: n % 2 === 0 ? 'F' : 'M',
    originArea: 'PH-03',
    languages: ['tl'],
  };
}

const departure = {
  destinationCountry: 'SA',
  departedOn: '2023-02-01',
  employerName: 'Al Noor Household Services',
  occupationIsco: '9111',
  contractStart: '2023-02-05',
  contractEnd: '2025-02-04',
  channel: 'regular',
  recruitmentCost: { currency: 'PHP', amountMinor: 1500000 },
  monthlyWage: { currency: 'SAR', amountMinor: 150000 },
};
const homecoming = { returnedOn: '2024-06-30', fromCountry: 'SA', assistance: 'assisted', reason: 'contract_completed' };

/**
 * Commands against the registration API from `clients` callers at once, each registering a worker, then
 * recording their departure and return, over and over until stopped. A caller retries a command that got
 * no answer or a 5xx with the same Idempotency-Key until it is acknowledged, as a well-behaved client
 * does when the registry says it is unavailable.
 */
export class CommandLoad {
  private running = true;
  private readonly acknowledged: Acknowledged[] = [];
  private readonly statuses: Record<string, number> = {};
  private readonly unexpected: string[] = [];
  private readonly callers: Promise<void>[];
  private readonly run = randomUUID().slice(0, 8);

  constructor(
    private readonly api: string,
    private readonly token: string,
    clients: number,
  ) {
    this.callers = Array.from({ length: clients }, () => this.caller());
  }

  /** Acknowledged commands so far. */
  get count(): number {
    return this.acknowledged.length;
  }

  /** Stops issuing new workers' commands; resolves when every command under way is acknowledged. */
  async stop(): Promise<LoadReport> {
    this.running = false;
    await Promise.all(this.callers);
    return { acknowledged: [...this.acknowledged], statuses: { ...this.statuses }, unexpected: [...this.unexpected] };
  }

  private async caller(): Promise<void> {
    while (this.running) {
      const registered = await this.command('register', '/workers', aPerson(this.run));
      if (!registered) continue;
      if (!(await this.command('departure', `/workers/${registered}/departures`, departure))) continue;
      await this.command('return', `/workers/${registered}/returns`, homecoming);
    }
  }

  /** One command, retried with its Idempotency-Key until acknowledged; the worker id, or undefined if refused. */
  private async command(name: string, path: string, body: object): Promise<string | undefined> {
    const key = randomUUID();
    // Long enough for any fault the tests cause; a command still unanswered after it is a failure.
    const giveUpAt = Date.now() + 60_000;
    for (let attempt = 1; ; attempt++) {
      if (Date.now() > giveUpAt) {
        this.unexpected.push(`${name} ${path}: no acknowledgement within 60 s`);
        return undefined;
      }
      let status = 0;
      try {
        const response = await fetch(`${this.api}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        status = response.status;
        const text = await response.text();
        this.statuses[String(status)] = (this.statuses[String(status)] ?? 0) + 1;
        if (response.ok) {
          const { workerId } = JSON.parse(text) as { workerId: string };
          const version = Number(/"(\d+)"/.exec(response.headers.get('etag') ?? '')?.[1]);
          this.acknowledged.push({ workerId, version, command: name });
          return workerId;
        }
        if (status < 500) {
          this.unexpected.push(`${name} ${path}: ${status} ${text}`);
          return undefined;
        }
      } catch {
        this.statuses.none = (this.statuses.none ?? 0) + 1;
      }
      await new Promise((r) => setTimeout(r, Math.min(1_000, 100 * attempt)));
    }
  }
}
