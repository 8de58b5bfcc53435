import { randomUUID } from 'node:crypto';
import { aWorker, departure, type RegistrationHarness } from './registration.harness';
import type { SituationName, WorkerModel } from './jurisdiction.oracle';

/** A fixture worker of the jurisdiction matrices, as recorded through the registration API. */
export interface Built {
  readonly name: SituationName;
  readonly model: WorkerModel;
  readonly workerId: string;
  readonly nationalId?: string;
  /** Per cycle, its incident's id and case notes. */
  readonly incidents: readonly ({ readonly id: string; readonly notes: string } | undefined)[];
}

let cases = 0;

/** The dates of a fixture worker's cycle i (0-based): each cycle two years after the one before. */
export function cycleDates(i: number) {
  const year = 2016 + 2 * i;
  return {
    departedOn: `${year}-01-01`,
    contractEnd: `${year + 2}-01-01`,
    incidentOn: `${year}-06-01`,
    returnedOn: `${year + 1}-01-01`,
  };
}

/**
 * Records the worker the model describes through the API, as an origin agency (so that the fixture
 * does not depend on the rules under test); cycle i is dated by `cycleDates(i)`. An unregistered model gets an
 * id nobody registered.
 */
export async function buildWorker(h: RegistrationHarness, name: SituationName, model: WorkerModel): Promise<Built> {
  if (!model.registered) return { name, model, workerId: randomUUID(), incidents: [] };
  const must = async (url: string, body: unknown) => {
    const answer = await h.call('POST', url, body, h.tokens.agency);
    if (answer.status >= 300) throw new Error(`POST ${url} → ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const person = aWorker();
  const workerId = (await must('/workers', person)).body!.workerId as string;
  const incidents: Built['incidents'][number][] = [];
  for (const [i, cycle] of model.cycles.entries()) {
    const on = cycleDates(i);
    if (cycle.stay) {
      const dates = { departedOn: on.departedOn, contractStart: on.departedOn, contractEnd: on.contractEnd };
      await must(`/workers/${workerId}/departures`, { ...departure, destinationCountry: cycle.stay, ...dates });
    }
    if (cycle.incident) {
      const notes = `Case ${++cases}: passport withheld by the employer (${name}, cycle ${i + 1}).`;
      const body = { occurredOn: on.incidentOn, kind: 'abuse', fundAssistanceRequested: true, caseNotes: notes };
      const cycles = (await must(`/workers/${workerId}/incidents`, body)).body!.cycles as {
        number: number;
        incidents: { incidentId: string }[];
      }[];
      incidents[i] = { id: cycles.find((c) => c.number === i + 1)!.incidents[0]!.incidentId, notes };
    }
    if (cycle.from) {
      const body = { returnedOn: on.returnedOn, fromCountry: cycle.from, assistance: 'assisted', reason: 'contract_completed' };
      await must(`/workers/${workerId}/returns`, body);
    }
  }
  return { name, model, workerId, nationalId: person.personalData.nationalId, incidents };
}

/** Every situation of the oracle, built once. */
export async function buildSituations(
  h: RegistrationHarness,
  situations: Readonly<Record<SituationName, WorkerModel>>,
): Promise<Map<SituationName, Built>> {
  const built = new Map<SituationName, Built>();
  for (const [name, model] of Object.entries(situations) as [SituationName, WorkerModel][])
    built.set(name, await buildWorker(h, name, model));
  return built;
}
