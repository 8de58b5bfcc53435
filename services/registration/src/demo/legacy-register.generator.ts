import type { LegacyRecord } from '../application/import/legacy-row';
import { LEGACY_COLUMNS } from '../application/import/legacy-row';

/**
 * A synthetic legacy register: deterministic for a seed, with destinations, sexes, occupations and return
 * reasons in plausible proportions, and a share of rows broken in known ways (each with the column at
 * fault), for import tests and benchmarks.
 */
export interface BadRow {
  /** 1-based record number. */
  readonly row: number;
  readonly field: string;
}

function prng(seed: number): () => number {
  // mulberry32: small, fast, and the same sequence for the same seed everywhere.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = {
  F: ['Maria', 'Ana', 'Rosario', 'Siti', 'Nirmala', 'Lakshmi', 'Dewi', 'Kamala', 'Grace', 'Luz'],
  M: ['Jose', 'Ram', 'Budi', 'Kamal', 'Pedro', 'Arjun', 'Bishnu', 'Rizal', 'Juan', 'Hari'],
};
const FAMILY = [
  'Santos',
  'Reyes',
  'Cruz',
  'Bautista',
  'Shrestha',
  'Gurung',
  'Tamang',
  'Wijaya',
  'Perera',
  'Fernando',
  'Rahman',
  'Hossain',
  'Garcia',
  'Mendoza',
  'Lim',
];
const DESTINATIONS = [
  ['SA', 30],
  ['AE', 20],
  ['QA', 10],
  ['KW', 8],
  ['MY', 10],
  ['HK', 8],
  ['SG', 6],
  ['JP', 4],
  ['KR', 4],
] as const;
const OCCUPATIONS = ['9111', '5322', '7112', '8322', '9313', '5120', '7212', '5131', '8160', '3221'];
/** The seventeen regions of the Philippines (ISO 3166-2:PH). */
const REGIONS = [
  'PH-00',
  'PH-01',
  'PH-02',
  'PH-03',
  'PH-05',
  'PH-06',
  'PH-07',
  'PH-08',
  'PH-09',
  'PH-10',
  'PH-11',
  'PH-12',
  'PH-13',
  'PH-14',
  'PH-15',
  'PH-40',
  'PH-41',
];
const REASONS = [
  ['contract_completed', 60],
  ['terminated_early', 12],
  ['abuse_or_exploitation', 6],
  ['illness_or_injury', 5],
  ['death', 1],
  ['deportation', 5],
  ['evacuation', 2],
  ['voluntary', 7],
  ['other', 2],
] as const;

function weighted<T>(random: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, w] of table) if ((r -= w) < 0) return value;
  return table[table.length - 1]![0];
}

const day = (base: number, offsetDays: number) => new Date(base + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** `count` records, of which about `badShare` are broken. Women about 45%, as across the region's registers. */
export function legacyRegister(count: number, badShare: number, seed = 1): { records: Record<string, string>[]; bad: BadRow[] } {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const records: Record<string, string>[] = [];
  const bad: BadRow[] = [];
  for (let i = 0; i < count; i++) {
    const sex = random() < 0.45 ? 'F' : 'M';
    // Born 1965 to early 1995: of working age (15) at the earliest departure, in 2012.
    const born = day(Date.UTC(1965, 0, 1), Math.floor(random() * 11_000));
    const departed = Date.UTC(2012, 0, 1) + Math.floor(random() * 4_000) * 86_400_000;
    const destination = weighted(random, DESTINATIONS);
    const record: Record<string, string> = {
      source_row_id: `R${seed}-${String(i + 1).padStart(7, '0')}`,
      given_name: pick(GIVEN[sex]),
      family_name: `${pick(FAMILY)} ${pick(FAMILY)}`,
      date_of_birth: born,
      sex,
      origin_area: REGIONS[Math.floor(random() * REGIONS.length)]!,
      national_id: `N${seed}${String(i + 1).padStart(9, '0')}`,
      education_isced: String(Math.floor(random() * 7)),
      languages: random() < 0.5 ? 'tl;en' : 'tl',
      registered_on: day(departed, -30),
      destination_country: destination,
      departed_on: day(departed, 0),
      employer_name: `Employer ${Math.floor(random() * 5_000)}`,
      occupation_isco: pick(OCCUPATIONS),
      contract_start: day(departed, 3),
      contract_end: day(departed, 3 + 730),
      channel: random() < 0.9 ? 'regular' : 'irregular',
    };
    if (random() < 0.6) {
      record.returned_on = day(departed, 200 + Math.floor(random() * 900));
      record.from_country = destination;
      record.assistance = random() < 0.15 ? 'assisted' : 'unassisted';
      record.return_reason = weighted(random, REASONS);
    }
    if (random() < badShare) {
      const breakage = Math.floor(random() * 6);
      const field = ['family_name', 'date_of_birth', 'sex', 'occupation_isco', 'returned_on', 'departed_on'][breakage]!;
      if (breakage === 0) record.family_name = '';
      if (breakage === 1) record.date_of_birth = `${born.slice(0, 4)}-02-30`;
      if (breakage === 2) record.sex = 'X';
      if (breakage === 3) record.occupation_isco = '91A1';
      if (breakage === 4)
        Object.assign(record, {
          returned_on: day(departed, -10),
          from_country: destination,
          assistance: 'unassisted',
          return_reason: 'other',
        });
      if (breakage === 5) record.departed_on = '';
      bad.push({ row: i + 1, field });
    }
    records.push(record);
  }
  return { records, bad };
}

/** The register as a CSV file with a header line, quoting where needed. */
export function toCsv(records: readonly LegacyRecord[]): string {
  const quote = (v: unknown) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [LEGACY_COLUMNS.join(','), ...records.map((r) => LEGACY_COLUMNS.map((c) => quote(r[c])).join(','))].join('\n');
}
