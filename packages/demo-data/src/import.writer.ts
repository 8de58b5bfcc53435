import { registrationClient, type RegistrationComponents } from '@homeward/api-client/registration';
import type { ExpectedWorker, RequestBody, Step, WorkerHistory } from './history';

type ImportReport = RegistrationComponents['schemas']['ImportReport'];
type Token = string | (() => string | Promise<string>);

/**
 * The bulk-import form of a history: one record of a legacy register (the columns of
 * services/registration/src/application/import/legacy-row.ts) with the worker and their last cycle's
 * departure and return. What the register has no columns for — orientation, the stay abroad,
 * reintegration, earlier cycles, recruitment cost and wage — is left out: this is the way to load volume.
 */
export function toLegacyRecord(history: WorkerHistory): Record<string, string> {
  const register = history.steps[0];
  if (!register || register.path !== '/workers') throw new Error(`history ${history.key} does not start with a registration`);
  const { personalData, sex, originArea, educationIsced, languages } = register.body;
  const { departure, homecoming } = lastCycle(history.steps);
  return {
    source_row_id: history.key,
    given_name: personalData.givenName,
    family_name: personalData.familyName,
    date_of_birth: personalData.dateOfBirth,
    sex,
    origin_area: originArea,
    ...(personalData.nationalId ? { national_id: personalData.nationalId } : {}),
    ...(personalData.passportNumber ? { passport_number: personalData.passportNumber } : {}),
    ...(educationIsced === undefined ? {} : { education_isced: String(educationIsced) }),
    languages: (languages ?? []).join(';'),
    registered_on: history.registeredOn,
    ...(departure
      ? {
          destination_country: departure.destinationCountry,
          departed_on: departure.departedOn,
          employer_name: departure.employerName,
          occupation_isco: departure.occupationIsco,
          contract_start: departure.contractStart,
          contract_end: departure.contractEnd,
          ...(departure.recruitmentAgency ? { recruitment_agency: departure.recruitmentAgency } : {}),
          channel: departure.channel,
        }
      : {}),
    ...(homecoming
      ? {
          returned_on: homecoming.returnedOn,
          from_country: homecoming.fromCountry,
          assistance: homecoming.assistance,
          return_reason: homecoming.reason,
        }
      : {}),
  };
}

/** What the registry holds for a worker after their record is imported: at most the one cycle the record carries. */
export function expectedAfterImport(history: WorkerHistory): ExpectedWorker {
  const { departure, homecoming } = lastCycle(history.steps);
  if (!departure && !homecoming) return { status: 'at_home', cycles: [] };
  return {
    status: homecoming ? 'returned' : 'abroad',
    cycles: [
      {
        number: 1,
        withoutRecordedDeparture: !departure,
        ...(departure ? { destinationCountry: departure.destinationCountry, departedOn: departure.departedOn } : {}),
        ...(homecoming
          ? {
              returnedOn: homecoming.returnedOn,
              fromCountry: homecoming.fromCountry,
              assistance: homecoming.assistance,
              reason: homecoming.reason,
            }
          : {}),
        employmentChanges: 0,
        skills: 0,
        incidents: 0,
        needsAssessed: false,
        referrals: 0,
        outcomes: 0,
      },
    ],
  };
}

/** The last cycle the steps open: its departure (if recorded) and its return (if any). */
function lastCycle(steps: readonly Step[]): {
  departure?: RequestBody<'/workers/{workerId}/departures'>;
  homecoming?: RequestBody<'/workers/{workerId}/returns'>;
} {
  let departure: RequestBody<'/workers/{workerId}/departures'> | undefined;
  let homecoming: RequestBody<'/workers/{workerId}/returns'> | undefined;
  let open = false;
  for (const step of steps) {
    if (step.path === '/workers/{workerId}/departures') {
      departure = step.body;
      homecoming = undefined;
      open = true;
    } else if (step.path === '/workers/{workerId}/returns') {
      if (!open) departure = undefined;
      homecoming = step.body;
      open = false;
    }
  }
  return { ...(departure ? { departure } : {}), ...(homecoming ? { homecoming } : {}) };
}

export interface ImportWriterOptions {
  readonly baseUrl: string;
  /** An origin-country agency's token with workers:write. */
  readonly token: Token;
  /** The legacy register's name (the import's `source`): rows already imported from it are skipped on a re-run. */
  readonly source: string;
  /** Records per request; the registry takes at most 10,000. 2,000 unless said otherwise. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: {
    readonly records: number;
    readonly imported: number;
    readonly failed: number;
    readonly elapsedMs: number;
  }) => void;
  readonly fetch?: typeof globalThis.fetch;
}

export interface ImportSummary {
  readonly received: number;
  readonly imported: number;
  readonly alreadyImported: number;
  readonly flaggedAsPossibleDuplicates: number;
  readonly failed: ImportReport['failed'];
  readonly requests: number;
  readonly elapsedMs: number;
}

/** Sends the histories' records to POST /imports as NDJSON, part after part (one import of a source runs at a time in the registry). */
export async function writeThroughImport(histories: Iterable<WorkerHistory>, options: ImportWriterOptions): Promise<ImportSummary> {
  const started = Date.now();
  const api = registrationClient({ baseUrl: options.baseUrl, token: options.token, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const batchSize = Math.min(10_000, Math.max(1, options.batchSize ?? 2000));
  const total = {
    received: 0,
    imported: 0,
    alreadyImported: 0,
    flaggedAsPossibleDuplicates: 0,
    failed: [] as ImportReport['failed'][number][],
    requests: 0,
  };
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const firstRow = total.received + 1;
    const { data, error, response } = await api.POST('/imports', {
      params: { query: { source: options.source, firstRow } },
      body: `${batch.join('\n')}\n`,
      bodySerializer: (body: string) => body,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    if (!data) throw new Error(`POST /imports → ${(response as Response).status}: ${JSON.stringify(error)}`);
    total.requests++;
    total.received += data.received;
    total.imported += data.imported;
    total.alreadyImported += data.alreadyImported;
    total.flaggedAsPossibleDuplicates += data.flaggedAsPossibleDuplicates;
    total.failed.push(...data.failed);
    batch = [];
    options.onProgress?.({
      records: total.received,
      imported: total.imported,
      failed: total.failed.length,
      elapsedMs: Date.now() - started,
    });
  };
  for (const history of histories) {
    batch.push(JSON.stringify(toLegacyRecord(history)));
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { ...total, elapsedMs: Date.now() - started };
}
