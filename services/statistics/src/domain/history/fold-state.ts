import type { VacancyEnd } from './employment-fact';
import type { BenefitType } from './fund-fact';
import type { Money } from './registration-fact';
import type { CertificateChange, CertificateKind } from './skills-fact';

/**
 * Version of the fold (MigrationHistory.apply and what it keeps). Raise it with every change of what the
 * fold keeps or how it reads a fact: a checkpoint saved by another version is never read (a report then
 * replays from the beginning, and saves a checkpoint of its own version).
 */
export const FOLD_VERSION = 1;

/** One column of the fold's typed arrays (workers or cycles), by name. */
export interface FoldColumn {
  readonly name: string;
  readonly values: Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
}

/** Everything of the fold that is not a typed-array column: plain JSON. Maps are kept as their entries, in their order. */
export interface FoldSide {
  readonly counts: { applied: number; duplicates: number; notYetKnown: number; undated: number };
  readonly latestRecordedAt: number | null;
  readonly workers: number;
  readonly cycles: number;
  /** Registry ids by index. */
  readonly ids: readonly string[];
  readonly countries: readonly string[];
  readonly occupations: readonly string[];
  readonly currencies: readonly string[];
  readonly mergedInto: readonly (readonly [number, number])[];
  readonly occupationChanges: readonly (readonly [number, { from: number; occupation: number }[]])[];
  readonly skillsVersions: readonly (readonly [string, number])[];
  readonly standards: readonly (readonly [string, { readonly title: string; readonly occupation: string }])[];
  readonly latestStandard: readonly (readonly [
    string,
    { readonly version: number; readonly title: string; readonly occupation: string },
  ])[];
  readonly assessments: readonly {
    readonly worker: number;
    readonly day: number;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly units: readonly { readonly code: string; readonly competent: boolean }[];
  }[];
  readonly certificates: readonly {
    readonly worker: number;
    readonly day: number;
    readonly number: string;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly kind: CertificateKind;
    readonly expiresOn: number | undefined;
  }[];
  readonly certificateChanges: readonly (readonly [string, { on: number; change: CertificateChange }[]])[];
  readonly employmentVersions: readonly (readonly [string, number])[];
  readonly seekers: readonly { readonly worker: number; readonly day: number }[];
  readonly vacancies: readonly (readonly [
    string,
    { occupation?: string; location?: string; postedOn?: number; ended?: { end: VacancyEnd; on: number } },
  ])[];
  readonly referrals: readonly (readonly [string, { readonly worker: number; readonly vacancyId: string; readonly day: number }])[];
  readonly interviews: readonly (readonly [string, number[]])[];
  readonly hires: readonly {
    readonly worker: number;
    readonly referralId: string;
    readonly hiredOn: number;
    readonly startsOn: number;
    readonly occupation: string;
  }[];
  readonly placementEnds: readonly (readonly [string, number])[];
  readonly fundVersions: readonly (readonly [string, number])[];
  readonly claims: readonly (readonly [
    string,
    {
      filed?: {
        worker: number;
        benefitType: BenefitType | undefined;
        country: string | undefined;
        incidentOn?: number;
        openedOn: number;
        filedOn?: number;
      };
      submitted?: { on: number; benefitType: BenefitType | undefined };
      approvals: { on: number; amount: Money }[];
      rejections: { on: number; reasons: readonly string[] }[];
      disbursements: { on: number; amount: Money }[];
    },
  ])[];
}

/** The fold's whole state (MigrationHistory.exportState), as a checkpoint or a parallel member's result holds it. */
export interface FoldState {
  readonly foldVersion: number;
  readonly side: FoldSide;
  readonly columns: readonly FoldColumn[];
}

const MAGIC = 0x48574653; // "HWFS"
const TYPES = ['Uint8Array', 'Uint16Array', 'Uint32Array', 'Int32Array', 'Float64Array'] as const;
const CONSTRUCTORS = { Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array } as const;

/**
 * The state as bytes: deterministic (the same state gives the same bytes) and versioned.
 * Layout: magic, format 1, fold version, length of the JSON header (u32 little-endian each); the header
 * (UTF-8 JSON: the side data and each column's name, type and length); then each column's bytes in
 * little-endian order, each starting at a multiple of 8.
 */
export function encodeFoldState(state: FoldState): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      side: state.side,
      columns: state.columns.map((c) => ({ name: c.name, type: c.values.constructor.name, length: c.values.length })),
    }),
  );
  const align = (n: number) => (n + 7) & ~7;
  let size = align(16 + header.length);
  for (const c of state.columns) size += align(c.values.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, state.foldVersion, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  let at = align(16 + header.length);
  for (const c of state.columns) {
    if (!TYPES.includes(c.values.constructor.name as (typeof TYPES)[number])) throw new Error(`column ${c.name}: not a column type`);
    littleEndian(c.values, out, at);
    at += align(c.values.byteLength);
  }
  return out;
}

export function decodeFoldState(bytes: Uint8Array): FoldState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16 || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== 1) throw new Error('not a fold state');
  const foldVersion = view.getUint32(8, true);
  const headerLength = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as {
    side: FoldSide;
    columns: { name: string; type: (typeof TYPES)[number]; length: number }[];
  };
  const align = (n: number) => (n + 7) & ~7;
  let at = align(16 + headerLength);
  const columns: FoldColumn[] = header.columns.map((c) => {
    if (!TYPES.includes(c.type)) throw new Error(`column ${c.name}: unknown type ${c.type}`);
    const values = new CONSTRUCTORS[c.type](c.length);
    const byteLength = values.byteLength;
    if (at + byteLength > bytes.byteLength) throw new Error('a fold state cut short');
    fromLittleEndian(bytes, at, values);
    at += align(byteLength);
    return { name: c.name, values };
  });
  return { foldVersion, side: header.side, columns };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(values: FoldColumn['values'], out: Uint8Array, at: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  const size = values.BYTES_PER_ELEMENT;
  values.forEach((v: number, i: number) => {
    if (values instanceof Float64Array) view.setFloat64(at + i * 8, v, true);
    else if (size === 1) view.setUint8(at + i, v);
    else if (size === 2) view.setUint16(at + i * 2, v, true);
    else view.setUint32(at + i * 4, v >>> 0, true);
  });
}

function fromLittleEndian(bytes: Uint8Array, at: number, values: FoldColumn['values']): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength).set(bytes.subarray(at, at + values.byteLength));
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const size = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float64Array) values[i] = view.getFloat64(at + i * 8, true);
    else if (size === 1) values[i] = view.getUint8(at + i);
    else if (size === 2) values[i] = view.getUint16(at + i * 2, true);
    else if (values instanceof Int32Array) values[i] = view.getInt32(at + i * 4, true);
    else values[i] = view.getUint32(at + i * 4, true);
  }
}
