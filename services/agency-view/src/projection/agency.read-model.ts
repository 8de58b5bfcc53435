import type { PoolClient } from 'pg';
import { assertNever } from '@homeward/assert-never';
import { nameSkeleton, normaliseDocument, normaliseName } from '@homeward/names';
import type { SharedKey } from '@homeward/personal-data';
import { taggedSource, type ProjectionDefinition, type Source } from '@homeward/projections';
import { registrationSource, type RegistrationFact } from '@homeward/projections/registration';
import { registrationDirectorySource, type DirectoryFact } from '@homeward/projections/registration-directory';
import {
  AGENCY_VIEW_VERSION,
  ERASABLE_DETAILS,
  directoryChanges,
  employmentChanges,
  fundChanges,
  iscoPrefixes,
  registrationChanges,
  skillsChanges,
  type AgencyChange,
  type ClaimFact,
} from './agency.projection';
import { fundSource, type FundFact } from '@homeward/projections/fund';
import { skillsSource, type SkillsFact } from './skills.source';
import { employmentSource, type EmploymentFact } from './employment.source';
import { agencySchema } from '../persistence/agency.schema';

/**
 * What the agency view reads: one entry per Homeward topic, each a decoder (the source) and the handler
 * that turns its facts into row changes. The skills, employment and fund topics slot in here as they
 * appear: a source in @homeward/projections, a handler beside registrationChanges, and a version bump
 * (the new version is rebuilt from offset zero of every topic while the old one serves).
 */
export type AgencyEvent =
  | { readonly source: 'registration'; readonly fact: RegistrationFact }
  | { readonly source: 'directory'; readonly fact: DirectoryFact }
  | { readonly source: 'skills'; readonly fact: SkillsFact }
  | { readonly source: 'employment'; readonly fact: EmploymentFact }
  | { readonly source: 'fund'; readonly fact: FundFact };

type Handlers = { readonly [K in AgencyEvent['source']]: (fact: Extract<AgencyEvent, { source: K }>['fact']) => AgencyChange[] };

const handlers: Handlers = {
  registration: registrationChanges,
  directory: directoryChanges,
  skills: skillsChanges,
  employment: employmentChanges,
  fund: fundChanges,
};

/** `directoryKey` opens the registration directory (docs/adr/0004): only an agency's read model holds it. */
export const agencySources = (topicNamespace: string, directoryKey: SharedKey): Source<AgencyEvent>[] => [
  taggedSource('registration', registrationSource(topicNamespace)),
  taggedSource('directory', registrationDirectorySource(directoryKey, topicNamespace)),
  taggedSource('skills', skillsSource(topicNamespace)),
  taggedSource('employment', employmentSource(topicNamespace)),
  taggedSource('fund', fundSource(topicNamespace)),
];

export function agencyChanges(event: AgencyEvent): AgencyChange[] {
  switch (event.source) {
    case 'registration':
      return handlers.registration(event.fact);
    case 'directory':
      return handlers.directory(event.fact);
    case 'skills':
      return handlers.skills(event.fact);
    case 'employment':
      return handlers.employment(event.fact);
    case 'fund':
      return handlers.fund(event.fact);
    default:
      assertNever(event, 'source');
  }
}

const ERASED = `(SELECT personal_data_erased FROM workers WHERE worker_id = $1)`;
const STRIP = ERASABLE_DETAILS.map((k) => ` - '${k}'`).join('');

type TimelineChange = Extract<AgencyChange, { kind: 'timeline' }>;

/**
 * Timeline entries of a run, in one statement; details stripped for workers already erased. An entry of a
 * referral's event that names no worker (an interview, a closing) is the worker's of the referral, written
 * before the timeline; without the referral (never, on a topic read in order) it has no worker and is not kept.
 */
async function writeTimeline(tx: PoolClient, entries: readonly TimelineChange[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO timeline (event_id, worker_id, source, type, stream_id, stream_version, cycle_number, occurred_on, recorded_at, details)
     SELECT t.event_id, t.worker_id, t.source, t.type, t.stream_id, t.stream_version, t.cycle_number, t.occurred_on, t.recorded_at,
            CASE WHEN coalesce((SELECT personal_data_erased FROM workers w WHERE w.worker_id = t.worker_id), false)
                 THEN t.details${STRIP} ELSE t.details END
       FROM (SELECT u.event_id,
                    coalesce(u.worker_id, (SELECT r.worker_id FROM employment_referrals r WHERE r.referral_id = u.referral_id),
                             (SELECT c.worker_id FROM fund_claims c WHERE c.claim_id = u.claim_id)) AS worker_id,
                    u.source, u.type, u.stream_id, u.stream_version, u.cycle_number, u.occurred_on, u.recorded_at, u.details
               FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::date[], $9::timestamptz[],
                           $10::jsonb[], $11::uuid[], $12::text[])
                 AS u(event_id, worker_id, source, type, stream_id, stream_version, cycle_number, occurred_on, recorded_at, details, referral_id,
                      claim_id)) t
      WHERE t.worker_id IS NOT NULL
     ON CONFLICT (event_id) DO NOTHING`,
    [
      entries.map((c) => c.eventId),
      entries.map((c) => c.workerId ?? null),
      entries.map((c) => c.source),
      entries.map((c) => c.type),
      entries.map((c) => c.streamId),
      entries.map((c) => c.streamVersion),
      entries.map((c) => c.cycleNumber ?? null),
      entries.map((c) => c.occurredOn),
      entries.map((c) => c.recordedAt),
      entries.map((c) => JSON.stringify(c.details)),
      entries.map((c) => c.referralId ?? null),
      entries.map((c) => c.claimId ?? null),
    ],
  );
}

/**
 * Reference data about no worker (the skills topic's standards and centres, the employment topic's
 * vacancies): written in order, apart from the rounds.
 */
const REFERENCE_KINDS = ['standard-version-known', 'centre-known', 'vacancy-known', 'vacancy-status-changed'] as const;
type ReferenceChange = Extract<AgencyChange, { kind: (typeof REFERENCE_KINDS)[number] }>;
const isReference = (c: AgencyChange): c is ReferenceChange => (REFERENCE_KINDS as readonly string[]).includes(c.kind);

type RowChange = Exclude<AgencyChange, TimelineChange | ReferenceChange>;
type Of<K extends RowChange['kind']> = Extract<RowChange, { kind: K }>;

/**
 * Whose rows a change touches: the worker's, or for the changes of a referral's stream (some of which do not
 * name the worker) the referral's rows alone (employment_referrals, employment_placements).
 */
const REFERRAL_KINDS: ReadonlySet<string> = new Set([
  'referral-made',
  'interview-recorded',
  'referral-closed',
  'hire-recorded',
  'placement-ended',
]);
const roundKey = (c: RowChange): string =>
  c.kind === 'fund-claim'
    ? `claim:${c.fact.data.claimId}`
    : REFERRAL_KINDS.has(c.kind)
      ? `referral:${(c as { referralId: string }).referralId}`
      : (c as { workerId: string }).workerId;

/**
 * Writes row changes with the effect of writing them one by one, in far fewer statements.
 *
 * Only a worker's own changes depend on one another (every statement keys on the worker's rows, or on a
 * referral's — `roundKey`), so the
 * changes between two erasures are dealt out in rounds: round k holds each worker's k-th change. A round
 * touches each worker once, so its changes may be written in any order, and those of one kind are written
 * in one set-based statement. Timeline entries, one per event, go in one statement at the end of the
 * stretch. An erasure is a barrier: what came before it is written first, then the erasure alone.
 */
export async function writeAgencyChanges(tx: PoolClient, changes: readonly AgencyChange[]): Promise<void> {
  let timeline: TimelineChange[] = [];
  let stretch: RowChange[] = [];
  let reference: ReferenceChange[] = [];
  const flush = async () => {
    for (const c of reference) await writeReference(tx, c);
    reference = [];
    await writeInRounds(tx, stretch);
    stretch = [];
    await writeTimeline(tx, timeline);
    timeline = [];
  };
  for (const c of changes) {
    if (c.kind === 'timeline') timeline.push(c);
    else if (isReference(c)) reference.push(c);
    else if (c.kind === 'erasure-recorded' || c.kind === 'personal-data-erased') {
      await flush();
      await writeOne(tx, c);
    } else stretch.push(c);
  }
  await flush();
}

async function writeInRounds(tx: PoolClient, changes: readonly RowChange[]): Promise<void> {
  const rounds: RowChange[][] = [];
  const changesSoFar = new Map<string, number>();
  for (const c of changes) {
    const key = roundKey(c);
    const round = changesSoFar.get(key) ?? 0;
    changesSoFar.set(key, round + 1);
    (rounds[round] ??= []).push(c);
  }
  for (const round of rounds) {
    const byKind = new Map<RowChange['kind'], RowChange[]>();
    for (const c of round) {
      const list = byKind.get(c.kind);
      if (list) list.push(c);
      else byKind.set(c.kind, [c]);
    }
    for (const [kind, list] of byKind) {
      if (isSetKind(kind)) await (SET_WRITERS[kind] as (tx: PoolClient, changes: readonly RowChange[]) => Promise<void>)(tx, list);
      else for (const c of list as Exclude<RowChange, { kind: SetKind }>[]) await writeOne(tx, c);
    }
  }
}

const column = <C, V>(changes: readonly C[], value: (c: C) => V): V[] => changes.map(value);

/**
 * Set-based writers of the kinds a history is mostly made of (one change or many), each for changes of
 * distinct workers: the one way these kinds are written.
 */
type SetKind =
  'worker-registered' | 'cycle-opened' | 'arrived' | 'returned' | 'identity-known' | 'employers-known' | 'assessed' | 'certificate-issued';
const isSetKind = (kind: RowChange['kind']): kind is SetKind => kind in SET_WRITERS;

/** A text[] column of a set-based statement: each row's array as JSON, read back with ARRAY(SELECT jsonb_array_elements_text(…)). */
const textArrays = <C>(changes: readonly C[], value: (c: C) => readonly string[]): string[] => changes.map((c) => JSON.stringify(value(c)));

const SET_WRITERS: { readonly [K in SetKind]: (tx: PoolClient, changes: readonly Of<K>[]) => Promise<void> } = {
  assessed: async (tx, cs) => {
    await tx.query(
      `INSERT INTO skills_assessments (assessment_id, worker_id, reassessment, standard_id, standard_version, centre_id, assessor_id,
                                       assessed_on, method, units_competent, units_not_yet_competent)
       SELECT t.assessment_id, t.worker_id, t.reassessment, t.standard_id, t.standard_version, t.centre_id, t.assessor_id, t.assessed_on::date,
              t.method, ARRAY(SELECT jsonb_array_elements_text(t.competent)), ARRAY(SELECT jsonb_array_elements_text(t.not_yet))
         FROM unnest($1::uuid[], $2::uuid[], $3::boolean[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::jsonb[], $11::jsonb[])
           AS t(assessment_id, worker_id, reassessment, standard_id, standard_version, centre_id, assessor_id, assessed_on, method,
                competent, not_yet)
       ON CONFLICT (assessment_id) DO NOTHING`,
      [
        column(cs, (c) => c.assessmentId),
        column(cs, (c) => c.workerId),
        column(cs, (c) => c.reassessment),
        column(cs, (c) => c.standardId),
        column(cs, (c) => c.standardVersion),
        column(cs, (c) => c.centreId),
        column(cs, (c) => c.assessorId),
        column(cs, (c) => c.assessedOn),
        column(cs, (c) => c.method),
        textArrays(cs, (c) => c.unitsCompetent),
        textArrays(cs, (c) => c.unitsNotYetCompetent),
      ],
    );
  },
  'certificate-issued': async (tx, cs) => {
    await tx.query(
      `INSERT INTO skills_certificates (certificate_number, worker_id, kind, standard_id, standard_version, unit_codes, issuing_body,
                                        issued_on, expires_on, status)
       SELECT t.certificate_number, t.worker_id, t.kind, t.standard_id, t.standard_version, ARRAY(SELECT jsonb_array_elements_text(t.units)),
              t.issuing_body, t.issued_on::date, t.expires_on::date, 'active'
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::jsonb[], $7::text[], $8::text[], $9::text[])
           AS t(certificate_number, worker_id, kind, standard_id, standard_version, units, issuing_body, issued_on, expires_on)
       ON CONFLICT (certificate_number) DO NOTHING`,
      [
        column(cs, (c) => c.certificateNumber),
        column(cs, (c) => c.workerId),
        column(cs, (c) => c.certificateKind),
        column(cs, (c) => c.standardId),
        column(cs, (c) => c.standardVersion),
        textArrays(cs, (c) => c.unitCodes),
        column(cs, (c) => c.issuingBody),
        column(cs, (c) => c.issuedOn),
        column(cs, (c) => c.expiresOn ?? null),
      ],
    );
  },
  'worker-registered': async (tx, cs) => {
    await tx.query(
      `INSERT INTO workers (worker_id, registered_on, sex, birth_year, origin_area, education_isced, languages, updated_at)
       SELECT t.worker_id, t.registered_on::date, t.sex, t.birth_year, t.origin_area, t.education_isced,
              ARRAY(SELECT jsonb_array_elements_text(t.languages)), t.at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::jsonb[], $8::timestamptz[])
           AS t(worker_id, registered_on, sex, birth_year, origin_area, education_isced, languages, at)
       ON CONFLICT (worker_id) DO NOTHING`,
      [
        column(cs, (c) => c.workerId),
        column(cs, (c) => c.registeredOn),
        column(cs, (c) => c.sex),
        column(cs, (c) => c.birthYear),
        column(cs, (c) => c.originArea),
        column(cs, (c) => c.educationIsced ?? null),
        column(cs, (c) => JSON.stringify(c.languages)),
        column(cs, (c) => c.at),
      ],
    );
  },
  'cycle-opened': async (tx, cs) => {
    await tx.query(
      `INSERT INTO cycles (worker_id, cycle_number, destination_country, departed_on, employer_name, occupation_isco, contract_start,
                           contract_end, recruitment_agency, channel)
       SELECT t.worker_id, t.cycle_number, t.destination_country, t.departed_on::date, CASE WHEN e THEN NULL ELSE t.employer_name END,
              t.occupation_isco, nullif(t.contract_start, '')::date, nullif(t.contract_end, '')::date,
              CASE WHEN e THEN NULL ELSE t.recruitment_agency END, t.channel
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
           AS t(worker_id, cycle_number, destination_country, departed_on, employer_name, occupation_isco, contract_start, contract_end,
                recruitment_agency, channel)
        CROSS JOIN LATERAL (SELECT coalesce((SELECT personal_data_erased FROM workers w WHERE w.worker_id = t.worker_id), false)) AS erased(e)
       ON CONFLICT (worker_id, cycle_number) DO NOTHING`,
      [
        column(cs, (c) => c.workerId),
        column(cs, (c) => c.cycleNumber),
        column(cs, (c) => c.destinationCountry),
        column(cs, (c) => c.departedOn),
        column(cs, (c) => c.employerName ?? null),
        column(cs, (c) => c.occupationIsco),
        column(cs, (c) => c.contractStart),
        column(cs, (c) => c.contractEnd),
        column(cs, (c) => c.recruitmentAgency),
        column(cs, (c) => c.channel),
      ],
    );
    await tx.query(
      `UPDATE workers w SET status = 'abroad', cycles = greatest(w.cycles, t.cycle_number), current_destination = t.destination,
              destinations = CASE WHEN t.destination = ANY(w.destinations) THEN w.destinations ELSE w.destinations || t.destination END,
              occupation_codes = ARRAY(SELECT DISTINCT unnest(w.occupation_codes || ARRAY(SELECT jsonb_array_elements_text(t.codes))) ORDER BY 1),
              updated_at = t.at
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::timestamptz[]) AS t(worker_id, cycle_number, destination, codes, at)
        WHERE w.worker_id = t.worker_id AND w.cycles <= t.cycle_number`,
      [
        column(cs, (c) => c.workerId),
        column(cs, (c) => c.cycleNumber),
        column(cs, (c) => c.destinationCountry),
        column(cs, (c) => JSON.stringify(iscoPrefixes(c.occupationIsco))),
        column(cs, (c) => c.at),
      ],
    );
  },
  arrived: async (tx, cs) => {
    await tx.query(
      `UPDATE cycles c SET arrived_on = t.arrived_on::date
         FROM unnest($1::uuid[], $2::int[], $3::text[]) AS t(worker_id, cycle_number, arrived_on)
        WHERE c.worker_id = t.worker_id AND c.cycle_number = t.cycle_number`,
      [column(cs, (c) => c.workerId), column(cs, (c) => c.cycleNumber), column(cs, (c) => c.arrivedOn)],
    );
  },
  returned: async (tx, cs) => {
    const ids = column(cs, (c) => c.workerId);
    const cycles = column(cs, (c) => c.cycleNumber);
    const returnedOn = column(cs, (c) => c.returnedOn);
    const from = column(cs, (c) => c.fromCountry);
    await tx.query(
      `INSERT INTO cycles (worker_id, cycle_number, returned_on, from_country, return_assistance, return_reason, without_recorded_departure)
       SELECT t.worker_id, t.cycle_number, t.returned_on::date, t.from_country, t.assistance, t.reason, t.undocumented
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])
           AS t(worker_id, cycle_number, returned_on, from_country, assistance, reason, undocumented)
       ON CONFLICT (worker_id, cycle_number) DO UPDATE SET returned_on = EXCLUDED.returned_on, from_country = EXCLUDED.from_country,
         return_assistance = EXCLUDED.return_assistance, return_reason = EXCLUDED.return_reason,
         without_recorded_departure = EXCLUDED.without_recorded_departure`,
      [
        ids,
        cycles,
        returnedOn,
        from,
        column(cs, (c) => c.assistance),
        column(cs, (c) => c.reason),
        column(cs, (c) => c.withoutRecordedDeparture),
      ],
    );
    await tx.query(
      `UPDATE workers w SET status = 'returned', cycles = greatest(w.cycles, t.cycle_number), current_destination = NULL,
              last_returned_on = t.returned_on::date,
              destinations = CASE WHEN t.from_country = '' OR t.from_country = ANY(w.destinations) THEN w.destinations
                                  ELSE w.destinations || t.from_country END,
              updated_at = t.at
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::timestamptz[]) AS t(worker_id, cycle_number, returned_on, from_country, at)
        WHERE w.worker_id = t.worker_id AND w.cycles <= t.cycle_number`,
      [ids, cycles, returnedOn, from, column(cs, (c) => c.at)],
    );
  },
  'identity-known': async (tx, cs) => {
    // An erased worker's identity never comes back (an entry published before the erasure may arrive
    // after it); an entry of a lower stream version never replaces a newer one.
    await tx.query(
      `INSERT INTO identities (worker_id, stream_version, given_name, family_name, date_of_birth, national_id, passport_number,
                               name_key, name_skeleton, national_id_key, passport_key)
       SELECT t.worker_id, t.stream_version, t.given_name, t.family_name, t.date_of_birth::date, t.national_id, t.passport_number,
              t.name_key, t.name_skeleton, t.national_id_key, t.passport_key
         FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::text[], $11::text[])
           AS t(worker_id, stream_version, given_name, family_name, date_of_birth, national_id, passport_number, name_key, name_skeleton,
                national_id_key, passport_key)
        WHERE NOT coalesce((SELECT personal_data_erased FROM workers w WHERE w.worker_id = t.worker_id), false)
       ON CONFLICT (worker_id) DO UPDATE SET stream_version = EXCLUDED.stream_version, given_name = EXCLUDED.given_name,
         family_name = EXCLUDED.family_name, date_of_birth = EXCLUDED.date_of_birth, national_id = EXCLUDED.national_id,
         passport_number = EXCLUDED.passport_number, name_key = EXCLUDED.name_key, name_skeleton = EXCLUDED.name_skeleton,
         national_id_key = EXCLUDED.national_id_key, passport_key = EXCLUDED.passport_key
        WHERE identities.stream_version < EXCLUDED.stream_version`,
      [
        column(cs, (c) => c.workerId),
        column(cs, (c) => c.streamVersion),
        column(cs, (c) => c.identity.givenName),
        column(cs, (c) => c.identity.familyName),
        column(cs, (c) => c.identity.dateOfBirth),
        column(cs, (c) => c.identity.nationalId ?? null),
        column(cs, (c) => c.identity.passportNumber ?? null),
        column(cs, (c) => normaliseName(`${c.identity.givenName} ${c.identity.familyName}`)),
        column(cs, (c) => nameSkeleton(`${c.identity.givenName} ${c.identity.familyName}`)),
        column(cs, (c) => normaliseDocument(c.identity.nationalId)),
        column(cs, (c) => normaliseDocument(c.identity.passportNumber)),
      ],
    );
  },
  'employers-known': async (tx, cs) => {
    // Each entry names every employer up to its version, so an older entry adds nothing new; an erased
    // worker's employers never come back.
    const rows = cs.flatMap((c) => c.employers.map((e) => ({ workerId: c.workerId, ...e })));
    await tx.query(
      `INSERT INTO employers (worker_id, stream_version, cycle_number, employer_name)
       SELECT t.worker_id, t.stream_version, t.cycle_number, t.employer_name
         FROM unnest($1::uuid[], $2::bigint[], $3::int[], $4::text[]) AS t(worker_id, stream_version, cycle_number, employer_name)
        WHERE NOT coalesce((SELECT personal_data_erased FROM workers w WHERE w.worker_id = t.worker_id), false)
       ON CONFLICT (worker_id, stream_version) DO NOTHING`,
      [
        column(rows, (r) => r.workerId),
        column(rows, (r) => r.streamVersion),
        column(rows, (r) => r.cycleNumber),
        column(rows, (r) => r.employerName),
      ],
    );
  },
};

async function writeReference(tx: PoolClient, c: ReferenceChange): Promise<void> {
  switch (c.kind) {
    case 'standard-version-known':
      await tx.query(
        `INSERT INTO skills_standards (standard_id, version, title, occupation_isco, level, units) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (standard_id, version) DO NOTHING`,
        [c.standardId, c.version, c.title, c.occupationIsco, c.level, JSON.stringify(c.units)],
      );
      break;
    case 'centre-known':
      await tx.query(
        `INSERT INTO skills_centres (centre_id, name, subdivision) VALUES ($1, $2, $3)
         ON CONFLICT (centre_id) DO UPDATE SET name = EXCLUDED.name, subdivision = EXCLUDED.subdivision`,
        [c.centreId, c.name, c.subdivision],
      );
      break;
    case 'vacancy-known':
      await tx.query(
        `INSERT INTO employment_vacancies (vacancy_id, employer_id, posted_by, title, occupation_isco, location, wage_minor, wage_currency,
                                           openings, posted_on, closing_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11::date) ON CONFLICT (vacancy_id) DO NOTHING`,
        [
          c.vacancyId,
          c.employerId,
          c.postedBy,
          c.title,
          c.occupationIsco,
          c.location,
          c.wage?.amountMinor ?? null,
          c.wage?.currency ?? null,
          c.openings,
          c.postedOn,
          c.closingOn,
        ],
      );
      break;
    case 'vacancy-status-changed':
      // Closed, filled or withdrawn: the latest says; a filled or withdrawn vacancy is not reopened by a closing.
      await tx.query(
        `UPDATE employment_vacancies SET status = $2, status_on = $3::date, status_reason = $4
          WHERE vacancy_id = $1 AND ($2 <> 'closed' OR status = 'open')`,
        [c.vacancyId, c.change, c.on, c.reason ?? null],
      );
      break;
    default:
      assertNever(c, 'reference change');
  }
}

/** One change of a kind without a set-based writer: one statement (or a few). */
async function writeOne(tx: PoolClient, c: Exclude<RowChange, { kind: SetKind }>): Promise<void> {
  switch (c.kind) {
    case 'employment-changed':
      await tx.query(
        `UPDATE cycles SET employer_name = CASE WHEN coalesce(${ERASED}, false) THEN NULL ELSE coalesce($3, employer_name) END,
                             occupation_isco = coalesce($4, occupation_isco), contract_end = coalesce($5::date, contract_end)
            WHERE worker_id = $1 AND cycle_number = $2`,
        [c.workerId, c.cycleNumber, c.employerName ?? null, c.occupationIsco ?? null, c.contractEnd ?? null],
      );
      if (c.occupationIsco) {
        await tx.query(
          `UPDATE workers SET occupation_codes = ARRAY(SELECT DISTINCT unnest(occupation_codes || $2::text[]) ORDER BY 1) WHERE worker_id = $1`,
          [c.workerId, iscoPrefixes(c.occupationIsco)],
        );
      }
      break;
    case 'needs-assessed':
      await tx.query(`UPDATE cycles SET needs_assessed_on = $3::date WHERE worker_id = $1 AND cycle_number = $2`, [
        c.workerId,
        c.cycleNumber,
        c.assessedOn,
      ]);
      break;
    case 'referred':
      await tx.query(
        `UPDATE cycles SET first_referral_on = least(coalesce(first_referral_on, $3::date), $3::date) WHERE worker_id = $1 AND cycle_number = $2`,
        [c.workerId, c.cycleNumber, c.referredOn],
      );
      break;
    case 'details-corrected':
      await tx.query(
        `UPDATE workers SET sex = coalesce($2, sex), origin_area = coalesce($3, origin_area), education_isced = coalesce($4, education_isced),
                  languages = coalesce($5, languages), updated_at = $6
            WHERE worker_id = $1`,
        [c.workerId, c.sex ?? null, c.originArea ?? null, c.educationIsced ?? null, c.languages ?? null, c.at],
      );
      break;
    case 'duplicates-flagged':
      await tx.query(
        `UPDATE workers SET possible_duplicates = ARRAY(SELECT DISTINCT unnest(possible_duplicates || $2::uuid[])) WHERE worker_id = $1`,
        [c.workerId, c.candidates],
      );
      break;
    case 'duplicate-resolved':
      await tx.query(
        `UPDATE workers SET possible_duplicates = array_remove(possible_duplicates, $2::uuid),
                  merged_into = CASE WHEN $3 THEN $2::uuid ELSE merged_into END
            WHERE worker_id = $1`,
        [c.workerId, c.candidateId, c.samePerson],
      );
      break;
    case 'erasure-recorded':
      await tx.query(`UPDATE workers SET personal_data_erased = true, erased_on = $2::date WHERE worker_id = $1`, [c.workerId, c.erasedOn]);
      break;
    case 'gap-training-referred':
      await tx.query(
        `INSERT INTO skills_gap_training (referral_id, worker_id, standard_id, unit_codes, provider, referred_on)
         VALUES ($1, $2, $3, $4, $5, $6::date) ON CONFLICT (referral_id) DO NOTHING`,
        [c.referralId, c.workerId, c.standardId, c.unitCodes, c.provider, c.referredOn],
      );
      break;
    case 'gap-training-completed':
      await tx.query(`UPDATE skills_gap_training SET completed_on = $3::date WHERE worker_id = $1 AND referral_id = $2`, [
        c.workerId,
        c.referralId,
        c.completedOn,
      ]);
      break;
    case 'certificate-status-changed':
      // A revocation is final; a reinstatement ends a suspension only.
      await tx.query(
        `UPDATE skills_certificates
            SET status = CASE WHEN $3 = 'reinstated' THEN 'active' ELSE $3 END, status_on = $4::date, status_reason = $5,
                superseded_by = coalesce($6, superseded_by)
          WHERE worker_id = $1 AND certificate_number = $2 AND status <> 'revoked' AND ($3 <> 'reinstated' OR status = 'suspended')`,
        [c.workerId, c.certificateNumber, c.change, c.on, c.reason ?? null, c.supersededBy ?? null],
      );
      break;
    case 'seeker-registered':
      // A new registration (a later return, or on request) makes a seeker who had left one again.
      await tx.query(
        `INSERT INTO employment_seekers (worker_id, status, registered_on, basis, cycle_number, returned_on)
         VALUES ($1, 'seeking', $2::date, $3, $4, $5::date)
         ON CONFLICT (worker_id) DO UPDATE SET status = 'seeking', registered_on = EXCLUDED.registered_on, basis = EXCLUDED.basis,
           cycle_number = EXCLUDED.cycle_number, returned_on = EXCLUDED.returned_on, left_on = NULL, left_reason = NULL`,
        [c.workerId, c.registeredOn, c.basis, c.cycleNumber ?? null, c.returnedOn ?? null],
      );
      break;
    case 'seeker-preferences-set':
      await tx.query(
        `UPDATE employment_seekers SET occupations = $2, areas = $3, willing_to_relocate = $4, available_from = $5::date,
                preferences_set_on = $6::date
          WHERE worker_id = $1`,
        [c.workerId, c.occupations, c.areas, c.willingToRelocate, c.availableFrom ?? null, c.setOn],
      );
      break;
    case 'seeker-left':
      await tx.query(`UPDATE employment_seekers SET status = 'left', left_on = $2::date, left_reason = $3 WHERE worker_id = $1`, [
        c.workerId,
        c.leftOn,
        c.reason,
      ]);
      break;
    case 'referral-made':
      await tx.query(
        `INSERT INTO employment_referrals (referral_id, worker_id, vacancy_id, employer_id, referred_on, weights_version, score_milli, factors)
         VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8) ON CONFLICT (referral_id) DO NOTHING`,
        [c.referralId, c.workerId, c.vacancyId, c.employerId, c.referredOn, c.weightsVersion, c.scoreMilli, JSON.stringify(c.factors)],
      );
      break;
    case 'interview-recorded':
      // The latest interview of the referral (a pending outcome, then the decision).
      await tx.query(`UPDATE employment_referrals SET interviewed_on = $2::date, interview_outcome = $3 WHERE referral_id = $1`, [
        c.referralId,
        c.interviewedOn,
        c.outcome,
      ]);
      break;
    case 'referral-closed':
      await tx.query(
        `UPDATE employment_referrals SET status = 'closed', closed_on = $2::date, close_reason = $3 WHERE referral_id = $1 AND status = 'open'`,
        [c.referralId, c.closedOn, c.reason],
      );
      break;
    case 'hire-recorded':
      await tx.query(
        `INSERT INTO employment_placements (referral_id, worker_id, vacancy_id, hired_on, starts_on, contract_type, wage_minor, wage_currency,
                                            occupation_isco)
         VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8, $9) ON CONFLICT (referral_id) DO NOTHING`,
        [
          c.referralId,
          c.workerId,
          c.vacancyId,
          c.hiredOn,
          c.startsOn,
          c.contractType,
          c.wage?.amountMinor ?? null,
          c.wage?.currency ?? null,
          c.occupationIsco,
        ],
      );
      await tx.query(`UPDATE employment_referrals SET status = 'hired' WHERE referral_id = $1`, [c.referralId]);
      break;
    case 'placement-ended':
      await tx.query(`UPDATE employment_placements SET ended_on = $2::date, end_reason = $3 WHERE referral_id = $1`, [
        c.referralId,
        c.endedOn,
        c.reason,
      ]);
      break;
    case 'fund-claim':
      await writeClaim(tx, c.fact);
      break;
    case 'personal-data-erased':
      await tx.query(`UPDATE workers SET personal_data_erased = true WHERE worker_id = $1`, [c.workerId]);
      await tx.query(`DELETE FROM identities WHERE worker_id = $1`, [c.workerId]);
      await tx.query(`DELETE FROM employers WHERE worker_id = $1`, [c.workerId]);
      await tx.query(`UPDATE cycles SET employer_name = NULL, recruitment_agency = NULL WHERE worker_id = $1`, [c.workerId]);
      await tx.query(`UPDATE timeline SET details = details${STRIP} WHERE worker_id = $1`, [c.workerId]);
      break;
    default:
      assertNever(c, 'change');
  }
}

/**
 * A claim's row, changed by one fact of its stream. Every statement but the filing's applies only to a row
 * whose last version is below the event's, so a redelivered event changes nothing (approvals are appended).
 */
async function writeClaim(tx: PoolClient, fact: ClaimFact): Promise<void> {
  const version = fact.envelope.streamVersion;
  const update = (set: string, values: readonly unknown[]) =>
    tx.query(`UPDATE fund_claims SET version = $2, ${set} WHERE claim_id = $1 AND version < $2`, [fact.data.claimId, version, ...values]);
  switch (fact.type) {
    case 'ClaimFiled': {
      const d = fact.data;
      await tx.query(
        `INSERT INTO fund_claims (claim_id, worker_id, version, fund_id, status, filed_by, benefit_type, incident_kind, incident_on,
                                  destination_country, cycle_number, filed_on, requested_minor, requested_currency, grade, documents_required)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11, $12::date, $13, $14, $15, $16)
         ON CONFLICT (claim_id) DO NOTHING`,
        [
          d.claimId,
          d.workerId,
          version,
          d.fundId,
          d.draft ? 'draft' : 'filed',
          d.filedBy,
          d.benefitType,
          d.incidentKind,
          d.incidentOn === '' ? null : d.incidentOn,
          d.destinationCountry === '' ? null : d.destinationCountry,
          d.cycleNumber ?? null,
          d.filedOn,
          d.amountClaimed?.amountMinor ?? null,
          d.amountClaimed?.currency ?? null,
          d.grade ?? null,
          d.documentsRequired,
        ],
      );
      return;
    }
    case 'ClaimSubmitted': {
      const d = fact.data;
      await update(
        `status = 'filed', submitted_on = $3::date, benefit_type = CASE WHEN $4 = 'unspecified' THEN benefit_type ELSE $4 END,
         requested_minor = coalesce($5, requested_minor), requested_currency = coalesce($6, requested_currency), grade = coalesce($7, grade)`,
        [d.submittedOn, d.benefitType, d.amountClaimed?.amountMinor ?? null, d.amountClaimed?.currency ?? null, d.grade ?? null],
      );
      return;
    }
    case 'DocumentAttached':
      await update(`documents_attached = array_append(documents_attached, $3)`, [fact.data.documentType]);
      return;
    case 'EligibilityAssessed': {
      const { claimId: _c, ...decision } = fact.data;
      await update(`status = 'assessed', policy_version = $3, decision = $4::jsonb`, [fact.data.policyVersion, JSON.stringify(decision)]);
      return;
    }
    case 'ClaimApproved': {
      const d = fact.data;
      const approval = { officerId: d.officerId, level: d.level, final: d.final, approvedOn: d.approvedOn, amount: d.amount ?? null };
      await update(
        `approvals = approvals || $3::jsonb,
         status = CASE WHEN $4 THEN 'approved' ELSE 'awaiting_second_approval' END,
         approved_minor = CASE WHEN $4 THEN $5 ELSE approved_minor END, approved_currency = CASE WHEN $4 THEN $6 ELSE approved_currency END,
         approved_on = CASE WHEN $4 THEN $7::date ELSE approved_on END`,
        [JSON.stringify([approval]), d.final, d.amount?.amountMinor ?? null, d.amount?.currency ?? null, d.approvedOn],
      );
      return;
    }
    case 'ClaimRejected':
      await update(`status = 'rejected', rejection_reasons = $3, rejected_on = $4::date`, [fact.data.reasonCodes, fact.data.rejectedOn]);
      return;
    case 'ClaimAppealed':
      await update(`status = 'appealed', appealed_on = $3::date`, [fact.data.appealedOn]);
      return;
    case 'DisbursementMade': {
      const d = fact.data;
      await update(`status = 'disbursed', paid_minor = coalesce(paid_minor, 0) + $3, paid_currency = $4, paid_on = $5::date`, [
        d.amount?.amountMinor ?? 0,
        d.amount?.currency ?? null,
        d.disbursedOn,
      ]);
      return;
    }
    case 'PaymentReconciled':
      // As the fund says it: a payment matched with the provider's statement leaves the claim `reconciled`.
      await update(`status = 'reconciled', reconciled_on = $3::date`, [fact.data.reconciledOn]);
      return;
    case 'ReservationVoided':
      await update(`voided_on = $3::date, void_reason = $4`, [fact.data.voidedOn, fact.data.reason]);
      return;
    case 'ClaimClosed':
      await update(`status = 'closed', closed_on = $3::date, outcome = $4`, [fact.data.closedOn, fact.data.outcome]);
      return;
    default:
      assertNever(fact, 'fund fact');
  }
}

export const AGENCY_VIEW = 'agency-view';

export function agencyViewProjection(topicNamespace: string, directoryKey: SharedKey): ProjectionDefinition<AgencyEvent> {
  return {
    name: AGENCY_VIEW,
    version: AGENCY_VIEW_VERSION,
    sources: agencySources(topicNamespace, directoryKey),
    schema: agencySchema,
    apply: (event, tx) => writeAgencyChanges(tx, agencyChanges(event)),
    applyAll: (events, tx) => writeAgencyChanges(tx, events.flatMap(agencyChanges)),
    erase: (workerId, tx) => writeAgencyChanges(tx, [{ kind: 'personal-data-erased', workerId }]),
  };
}
