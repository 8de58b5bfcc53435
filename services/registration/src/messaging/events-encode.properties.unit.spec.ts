import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import type { PoolClient } from 'pg';
import type { EventStore, NewEvent, StoredEvent } from '@homeward/event-store';
import { fromBinary } from '@homeward/contracts';
import { DirectoryEntrySchema } from '@homeward/contracts/registration/v1/directory';
import { SharedKey, type PersonalDataVault, type SealedData } from '@homeward/personal-data';
import { OpenApiRequestValidator, loadOpenApiDocument, type OpenApiDocument } from '@homeward/service-kit';
import { decide, WorkerRuleViolation, type WorkerCommand } from '../domain/worker/worker.decider';
import type { WorkerEvent } from '../domain/worker/worker.events';
import { evolve, initialState, type WorkerState } from '../domain/worker/worker.state';
import { WorkerStreams, type CommandContext } from '../persistence/worker.streams';
import { registrationMessages } from './registration-directory.mapper';
import { decodeRegistrationEvent } from './worker-event.proto-mapper';
import { STORED_RESIDUE_HEADER, storedRowFromMessage, storedRowJson } from '@homeward/contracts/stored-row';
import { REGISTRATION_STORED_ROW } from './registration-topic.mapper';
import type { RelayedMessage } from '@homeward/messaging/event-relay';

// Issue 9, defect 1: the API accepted an amount (1e21) that the event contract (int64) cannot carry, and
// the relay then could not publish the event. Here: every request the OpenAPI document accepts, decided,
// stored as the service stores it, and mapped by the relay's own mapper, encodes. The requests are drawn
// from the document's own schemas, bounds included, so loosening a bound there makes this fail.

const document: OpenApiDocument = loadOpenApiDocument(join(__dirname, '..', '..', 'openapi', 'registration.v1.yaml'));
const validator = new OpenApiRequestValidator(document);

type Schema = Record<string, unknown>;

function resolve(schema: unknown): Schema {
  let current = schema as Schema;
  while (typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document) as Schema;
  }
  return current;
}

/** What JSON Schema allows when it sets no bound: far past anything int64 or int32 holds. */
const UNBOUNDED = 2 ** 70;
const UNBOUNDED_LENGTH = 100_000;

/**
 * Fields that hold codes from code lists, by name: real codes, so that the requests stay valid however
 * strictly the API checks its code lists. What a code is does not change how it encodes; its bounds do,
 * and those the document gives for every other field.
 */
const CODES: Record<string, readonly string[]> = {
  destinationCountry: ['SA', 'AE', 'QA', 'KW', 'SG', 'HK'],
  country: ['SA', 'AE', 'QA', 'KW', 'SG', 'HK'],
  fromCountry: ['SA', 'AE', 'QA', 'KW', 'SG', 'HK'],
  currency: ['PHP', 'SAR', 'AED', 'QAR', 'USD'],
  occupationIsco: ['9111', '5322', '7212', '8322', '9313'],
  originArea: ['PH-00', 'PH-03', 'PH-07'],
  languages: ['en', 'tl', 'ar', 'zh', 'ms'],
};

/** A value the schema accepts, with its bounds (largest amount, longest string, most items) drawn often. */
function valueOf(schemaOrRef: unknown, field?: string): fc.Arbitrary<unknown> {
  const schema = resolve(schemaOrRef);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (field && CODES[field] && schema.type === 'string') return fc.constantFrom(...CODES[field]);
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      const record = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valueOf(property, name)]));
      return fc.record(record, { requiredKeys: (schema.required ?? []) as string[] });
    }
    case 'integer': {
      const min = (schema.minimum as number | undefined) ?? -UNBOUNDED;
      const max = (schema.maximum as number | undefined) ?? UNBOUNDED;
      return fc.oneof(fc.constantFrom(min, max), fc.bigInt(BigInt(min), BigInt(max)).map(Number));
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = valueOf(schema.items, field);
      const constraints = {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: (schema.maxItems as number | undefined) ?? 1000,
      };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(items, constraints);
    }
    case 'string':
      return stringOf(schema);
    default:
      throw new Error(`no generator for ${JSON.stringify(schema)}`);
  }
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const maxLength = (schema.maxLength as number | undefined) ?? UNBOUNDED_LENGTH;
  const minLength = (schema.minLength as number | undefined) ?? 0;
  // Any calendar date; a life sets its own, in an order the registry accepts.
  if (schema.format === 'date') return day(0, dayOf('9999-12-31')).map(isoDay);
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= maxLength);
  const pattern = schema.pattern as string | undefined;
  if (pattern?.endsWith('$')) return fc.stringMatching(new RegExp(pattern)).filter((s) => s.length >= minLength && s.length <= maxLength);
  // A prefix (an ESCO skill URI): the prefix, then an id.
  if (pattern) return fc.uuid().map((id) => `${pattern.slice(1).replace(/\\(.)/g, '$1')}${id}`);
  // Any code point, as text the API takes (service-kit's text rule): control characters and lone surrogates,
  // which the validator refuses, become other characters of the same length.
  const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max, unit: 'binary' }).map(acceptableText);
  return fc.oneof(
    { arbitrary: text(maxLength, maxLength), weight: 1 },
    { arbitrary: text(minLength, Math.min(maxLength, 200)), weight: 4 },
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const acceptableText = (t: string): string => t.replace(CONTROL, ' ').replace(LONE_SURROGATE, '\ufffd');

/** A request body: JSON as the controller receives it. */
type Body = Record<string, any>;
const body = (name: string) => valueOf({ $ref: `#/components/schemas/${name}` }) as fc.Arbitrary<Body>;

/** Calendar days counted from 0001-01-01 (day 0), the first day `format: date` allows. */
const DAY_0 = Date.parse('0001-01-01T00:00:00Z');
const isoDay = (n: number): string => new Date(DAY_0 + n * 86_400_000).toISOString().slice(0, 10);
const dayOf = (iso: string): number => Math.round((Date.parse(`${iso}T00:00:00Z`) - DAY_0) / 86_400_000);
const day = (min: number, max: number) => fc.integer({ min, max });

/** Fails unless the service's own request validator accepts the body for that operation. */
function valid(method: 'POST', routePattern: string, requestBody: unknown, params: Record<string, string> = {}): boolean {
  try {
    validator.validate({ method, routePattern, params, query: {}, headers: {}, body: requestBody });
    return true;
  } catch {
    return false;
  }
}

/** One worker's life in requests: every operation of the API that decides events, in an order the registry accepts. */
const life = fc.record({
  register: body('RegisterWorkerRequest'),
  candidateScore: fc.double({ min: 0, max: 1, noNaN: true }),
  orientation: body('CompleteOrientationRequest'),
  departure: body('RecordDepartureRequest'),
  arrival: body('RecordArrivalRequest'),
  employmentChange: body('RecordEmploymentChangeRequest'),
  skills: body('RecordSkillsRequest'),
  incident: body('RecordIncidentRequest'),
  homecoming: body('RecordReturnRequest'),
  needs: body('AssessReintegrationNeedsRequest'),
  referral: body('ReferForReintegrationRequest'),
  outcome: body('RecordReferralOutcomeRequest'),
  correction: body('CorrectWorkerDetailsRequest'),
  duplicate: body('ResolveDuplicateRequest'),
  erasure: body('ErasePersonalDataRequest'),
  // Days between the stages: a plausible working life, after the person's eighteenth birthday.
  born: day(dayOf('1950-01-01'), dayOf('2000-12-31')),
  gaps: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 12, maxLength: 12 }),
  correctsVersion: fc.integer({ min: 1, max: 1_000 }),
});

type Life = typeof life extends fc.Arbitrary<infer T> ? T : never;

/** The commands the controllers make of a life's requests (with the ids and clock the handlers add). */
function commandsOf(
  l: Life,
  workerId: string,
): { commands: ((state: WorkerState, version: number) => WorkerCommand)[]; validRequests: boolean } {
  let at = l.born + 18 * 366;
  const next = (i: number) => isoDay((at += l.gaps[i]!));
  const dates = Array.from({ length: 12 }, (_, i) => next(i));
  const today = isoDay(at + 1);
  const [
    completedOn,
    departedOn,
    contractEnd,
    arrivedOn,
    changedOn,
    recordedOn,
    occurredOn,
    returnedOn,
    assessedOn,
    referredOn,
    outcomeOn,
    renewedTo,
  ] = dates as [string, string, string, string, string, string, string, string, string, string, string, string];
  const personalData = { ...l.register.personalData, dateOfBirth: isoDay(l.born) };
  const register: Body = { ...l.register, personalData };
  const orientation: Body = { ...l.orientation, completedOn };
  const departure: Body = { ...l.departure, departedOn, contractStart: departedOn, contractEnd };
  const arrival: Body = { ...l.arrival, arrivedOn, country: departure.destinationCountry };
  const required = { new_employer: 'employerName', new_occupation: 'occupationIsco', contract_renewal: 'contractEnd' } as const;
  const employmentChange: Body = { ...l.employmentChange, changedOn };
  if (employmentChange.contractEnd !== undefined || employmentChange.change === 'contract_renewal')
    employmentChange.contractEnd = renewedTo;
  if (employmentChange[required[employmentChange.change as keyof typeof required]] === undefined) {
    employmentChange[required[employmentChange.change as keyof typeof required]] =
      employmentChange.change === 'new_occupation' ? '9111' : 'Gulf Care Services';
  }
  const skills: Body = { ...l.skills, recordedOn };
  const incident: Body = { ...l.incident, occurredOn };
  const homecoming: Body = { ...l.homecoming, returnedOn };
  const needs: Body = { ...l.needs, assessedOn };
  const referral: Body = { ...l.referral, referredOn };
  const outcome: Body = { ...l.outcome, recordedOn: outcomeOn };
  const correction: Body = { ...l.correction };
  if (correction.personalData) correction.personalData = { ...correction.personalData, dateOfBirth: isoDay(l.born) };
  const candidate = l.duplicate.candidateId as string;
  const worker = { workerId };
  const validRequests =
    valid('POST', '/workers', register) &&
    valid('POST', '/workers/:workerId/orientations', orientation, worker) &&
    valid('POST', '/workers/:workerId/departures', departure, worker) &&
    valid('POST', '/workers/:workerId/arrivals', arrival, worker) &&
    valid('POST', '/workers/:workerId/employment-changes', employmentChange, worker) &&
    valid('POST', '/workers/:workerId/skills', skills, worker) &&
    valid('POST', '/workers/:workerId/incidents', incident, worker) &&
    valid('POST', '/workers/:workerId/returns', homecoming, worker) &&
    valid('POST', '/workers/:workerId/reintegration/needs', needs, worker) &&
    valid('POST', '/workers/:workerId/reintegration/referrals', referral, worker) &&
    valid('POST', '/workers/:workerId/reintegration/referrals/:referralId/outcome', outcome, { ...worker, referralId: randomUUID() }) &&
    valid('POST', '/workers/:workerId/corrections', correction, worker) &&
    valid('POST', '/workers/:workerId/duplicate-decisions', l.duplicate, worker) &&
    valid('POST', '/workers/:workerId/erasure', l.erasure, worker);
  const referralId = randomUUID();
  const commands: ((state: WorkerState, version: number) => WorkerCommand)[] = [
    () => ({
      type: 'RegisterWorker',
      data: {
        workerId,
        sex: register.sex,
        originArea: register.originArea,
        ...(register.educationIsced === undefined ? {} : { educationIsced: register.educationIsced }),
        languages: register.languages ?? [],
        personalData,
        duplicateCandidates: [{ workerId: candidate, score: l.candidateScore }],
        today,
      },
    }),
    () => ({ type: 'CompleteOrientation', data: { ...orientation, today } }) as WorkerCommand,
    () => ({ type: 'RecordDeparture', data: { ...departure, today } }) as WorkerCommand,
    () => ({ type: 'RecordArrival', data: { ...arrival, today } }) as WorkerCommand,
    () => ({ type: 'RecordEmploymentChange', data: { ...employmentChange, today } }) as WorkerCommand,
    () => ({ type: 'RecordSkills', data: { ...skills, today } }) as WorkerCommand,
    () => ({ type: 'RecordIncident', data: { ...incident, incidentId: randomUUID(), today } }) as WorkerCommand,
    () => ({ type: 'RecordReturn', data: { ...homecoming, today } }) as WorkerCommand,
    () => ({ type: 'AssessReintegrationNeeds', data: { ...needs, today } }) as WorkerCommand,
    () => ({ type: 'ReferForReintegration', data: { ...referral, referralId, today } }) as WorkerCommand,
    () => ({ type: 'RecordReferralOutcome', data: { ...outcome, referralId, today } }) as WorkerCommand,
    (_state, version) =>
      ({
        type: 'CorrectWorkerDetails',
        data: { ...correction, correctsVersion: 1 + ((l.correctsVersion - 1) % version), today },
      }) as WorkerCommand,
    () => ({ type: 'ResolveDuplicate', data: { ...l.duplicate, today } }) as WorkerCommand,
    () => ({ type: 'ErasePersonalData', data: { ...l.erasure, today } }) as WorkerCommand,
  ];
  return { commands, validRequests };
}

/** Seals as the vault does (the sizes of the real thing), and opens what it sealed: the relay reads identities back. */
function inMemoryVault(): PersonalDataVault {
  const sealed = new Map<string, unknown>();
  const seal = (data: unknown): SealedData => {
    const ciphertext = Buffer.concat([Buffer.from(JSON.stringify(data)), randomBytes(16)]);
    sealed.set(ciphertext.toString('base64'), data);
    return { keyId: randomUUID(), nonce: randomBytes(12), ciphertext };
  };
  return {
    sealForNewSubjects: async (items: readonly { data: unknown }[]) => items.map((i) => seal(i.data)),
    openMany: async (items: readonly { sealed: SealedData }[]) =>
      items.map((i) => sealed.get(Buffer.from(i.sealed.ciphertext).toString('base64'))),
  } as unknown as PersonalDataVault;
}

/** Decides the life's commands in order (a refusal is part of the game) and stores the events as the service does. */
async function storedEventsOf(
  l: Life,
  vault: PersonalDataVault,
): Promise<{ decided: WorkerEvent[]; stored: StoredEvent[]; validRequests: boolean }> {
  const workerId = randomUUID();
  const { commands, validRequests } = commandsOf(l, workerId);
  let state = initialState();
  const decided: WorkerEvent[] = [];
  for (const make of commands) {
    try {
      const events = decide(make(state, decided.length || 1), state);
      decided.push(...events);
      state = events.reduce(evolve, state);
    } catch (error) {
      if (!(error instanceof WorkerRuleViolation)) throw error;
    }
  }
  const appended: NewEvent[] = [];
  const store = {
    appendToNewStreams: async (streams: { events: readonly NewEvent[] }[]) => void appended.push(...streams.flatMap((s) => s.events)),
  };
  const context: CommandContext = {
    actor: { organisationId: 'ph-dmw-registry', kind: 'agency', userId: 'officer' },
    originCountry: 'PH',
    correlationId: randomUUID(),
    now: new Date(),
  };
  await new WorkerStreams(store as unknown as EventStore, vault).appendNewWorkers(
    [{ workerId, events: decided }],
    context,
    {} as PoolClient,
  );
  // What the relay reads back: the stored row, its JSON through jsonb.
  const stored = appended.map((e, i): StoredEvent => ({
    globalPosition: i + 1,
    transactionId: '1000',
    streamId: `worker-${workerId}`,
    streamVersion: i + 1,
    eventId: e.eventId,
    type: e.type,
    data: JSON.parse(JSON.stringify(e.data)),
    metadata: JSON.parse(JSON.stringify(e.metadata)) as Record<string, unknown>,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt ?? context.now,
  }));
  return { decided, stored, validRequests };
}

const topics = {
  events: 'homeward.registration.events.v1',
  directory: 'homeward.registration.directory.v1',
  source: '/homeward/ph/registration',
};
const directoryKey = new SharedKey(`test:${randomBytes(32).toString('base64')}`);

describe('every event decided from a request the API accepts', () => {
  it('encodes as its message on the registration topics, amounts and versions intact', async () => {
    await fc.assert(
      fc.asyncProperty(life, async (l) => {
        const vault = inMemoryVault();
        const { decided, stored, validRequests } = await storedEventsOf(l, vault);
        fc.pre(validRequests);
        const messages = await registrationMessages(topics, vault, directoryKey)(stored, {} as PoolClient);
        const onEvents = messages.filter((m) => m.topic === topics.events).map((m) => decodeRegistrationEvent(m.value!));
        // Each message carries its stored row, and no copy of it: catch-up reads the row off the message.
        for (const [i, m] of messages.filter((m) => m.topic === topics.events).entries()) {
          expect(Object.keys(m.headers)).not.toContain('homeward_stored_event');
          const residue = m.headers[STORED_RESIDUE_HEADER] as string;
          // Only a correction's languages (a list in a wrapper) are not in the message as stored.
          if (!/WorkerDetailsCorrected/.test(m.headers.ce_type as string)) expect(residue).toBe('');
          expect(storedRowFromMessage(REGISTRATION_STORED_ROW, m.value!, residue)).toEqual({
            row: storedRowJson(stored[i]!),
            withheld: [],
          });
        }
        expect(onEvents.map((e) => e.envelope!.eventId)).toEqual(stored.map((e) => e.eventId));
        for (const [i, event] of decided.entries()) {
          const message = onEvents[i]!.event;
          if (event.type === 'DepartureRecorded' && message.case === 'departureRecorded') {
            expect(message.value.recruitmentCost?.amountMinor).toBe(
              event.data.recruitmentCost && BigInt(event.data.recruitmentCost.amountMinor),
            );
            expect(message.value.monthlyWage?.amountMinor).toBe(event.data.monthlyWage && BigInt(event.data.monthlyWage.amountMinor));
          }
          if (event.type === 'WorkerDetailsCorrected' && message.case === 'workerDetailsCorrected') {
            expect(message.value.correctsVersion).toBe(BigInt(event.data.correctsVersion));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("publishes on the directory, of a batch, only the worker's last entry: the one publishing event by event ends with", async () => {
    // What an entry holds, opened: compared by content, as every seal draws a new nonce.
    const opened = (m: RelayedMessage) => {
      const entry = fromBinary(DirectoryEntrySchema, m.value!);
      return {
        version: m.headers.homeward_stream_version,
        identity: directoryKey.open(m.key!, entry.identity!),
        employers: entry.employers ? directoryKey.open<unknown[]>(m.key!, entry.employers) : [],
      };
    };
    let withEmployers = 0;
    await fc.assert(
      fc.asyncProperty(life, async (l) => {
        const vault = inMemoryVault();
        const { stored, validRequests } = await storedEventsOf(l, vault);
        fc.pre(validRequests);
        const directoryOf = async (batch: readonly StoredEvent[]) =>
          (await registrationMessages(topics, vault, directoryKey)(batch, {} as PoolClient)).filter((m) => m.topic === topics.directory);
        // Event by event: each prefix of the stream is a batch that starts at version 1, so it reads nothing
        // from the database; the entry of its last event, if that event makes one.
        let last: RelayedMessage | undefined;
        for (let k = 1; k <= stored.length; k++) {
          const own = (await directoryOf(stored.slice(0, k))).find(
            (m) => m.value !== null && m.headers.homeward_stream_version === String(k),
          );
          if (own) last = own;
        }
        const whole = await directoryOf(stored);
        const entries = whole.filter((m) => m.value !== null);
        expect(entries.length).toBe(last ? 1 : 0);
        if (last) expect(opened(entries[0]!)).toEqual(opened(last));
        if (last && opened(last).employers.length > 0) withEmployers++;
        // Every erasure's tombstone, after the entry.
        const erasures = stored.filter((e) => e.type === 'PersonalDataErased').length;
        expect(whole.filter((m) => m.value === null)).toHaveLength(erasures);
        if (erasures > 0 && entries.length > 0) expect(whole.at(-1)!.value).toBeNull();
      }),
      { numRuns: 100 },
    );
    // The generator reaches entries with employers, the case where several events of a batch make one.
    expect(withEmployers).toBeGreaterThan(5);
  });

  it('is reached for every kind of event by the generator', async () => {
    // A fixed seed: this checks the generator's reach, not the registry, so it must not flicker.
    const samples = fc.sample(life, { numRuns: 40, seed: 20261206 });
    const seen = new Set<string>();
    let valid = 0;
    for (const l of samples) {
      const { decided, validRequests } = await storedEventsOf(l, inMemoryVault());
      if (validRequests) valid++;
      if (validRequests) for (const e of decided) seen.add(e.type);
    }
    // Most lives are valid requests throughout: the property above is not mostly skipped.
    expect(valid).toBeGreaterThan(samples.length / 2);
    expect([...seen].sort()).toEqual(
      [
        'WorkerRegistered',
        'PossibleDuplicateFlagged',
        'PreDepartureOrientationCompleted',
        'DepartureRecorded',
        'ArrivalRecorded',
        'EmploymentChanged',
        'SkillsAcquired',
        'WelfareIncidentRecorded',
        'ReturnRecorded',
        'ReintegrationNeedsAssessed',
        'ReintegrationReferralMade',
        'ReintegrationOutcomeRecorded',
        'WorkerDetailsCorrected',
        'DuplicateResolved',
        'PersonalDataErased',
      ].sort(),
    );
  });

  it('includes the largest amount the document allows', () => {
    const money = resolve({ $ref: '#/components/schemas/Money' }) as { properties: { amountMinor: { maximum?: number } } };
    const largest = money.properties.amountMinor.maximum ?? UNBOUNDED;
    expect(Number.isSafeInteger(largest)).toBe(true);
    const samples = fc.sample(body('Money'), { numRuns: 200, seed: 20261206 });
    expect(samples.some((m) => m.amountMinor === largest)).toBe(true);
  });
});
