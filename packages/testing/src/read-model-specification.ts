import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

/**
 * Given-Then for read models, against the real PostgreSQL: given these events, then these rows are
 * stored. A test names facts and rows only, never the model's internal changes, so that the way a model
 * gets from one to the other can be rewritten without touching its tests (Emmett's
 * `PostgreSQLProjectionSpec`, `given(events).then(documentExists(…))`).
 *
 * Every expectation is checked twice, each time in a fresh schema (the search_path set to it, then
 * `public`, as a build's): with the events applied as one chunk in one transaction (a rebuild's pace)
 * and with one transaction per event (a live consumer's). A model that batches its writes must leave
 * the same rows either way.
 */
export interface ReadModelUnderTest<Event> {
  /** DDL of the build's tables (for a projection: `buildSchema(definition)` from @homeward/projections). */
  readonly schema: readonly string[];
  /** Applies a chunk of events inside the transaction, as the machinery does (`projectEvents`). */
  project(events: readonly Event[], tx: PoolClient): Promise<void>;
}

/** A stored row as JSON (`to_jsonb`): dates as "2025-01-31", timestamps as ISO strings, bigints as numbers. */
export type Row = Readonly<Record<string, unknown>>;

export interface ThenRows {
  /**
   * The table holds exactly these rows, in any order. Each expected row names the columns it checks, and
   * the stored rows are compared on the columns the expected rows name (a column one expected row leaves out
   * is null there); `[]` says the table is empty.
   */
  thenRows(table: string, expected: readonly Row[]): Promise<void>;
  /** `thenRows` for several tables at once. */
  thenTables(expected: Readonly<Record<string, readonly Row[]>>): Promise<void>;
}

export function ReadModelSpecification<Event>(pool: Pool, model: ReadModelUnderTest<Event>) {
  return {
    given(...events: Event[]): ThenRows {
      const thenTables = async (expected: Readonly<Record<string, readonly Row[]>>) => {
        for (const chunks of [[events], events.map((event) => [event])]) {
          const stored = await storedAfter(pool, model, chunks, Object.keys(expected));
          for (const [table, rows] of Object.entries(expected)) {
            const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
            const actual = stored[table]!.map((row) => pick(row, columns));
            expect({ table, chunks: chunks.length, rows: sorted(actual) }).toEqual({
              table,
              chunks: chunks.length,
              rows: sorted(rows.map((row) => pick(row, columns))),
            });
          }
        }
      };
      return { thenTables, thenRows: (table, expected) => thenTables({ [table]: expected }) };
    },
  };
}

async function storedAfter<Event>(
  pool: Pool,
  model: ReadModelUnderTest<Event>,
  chunks: readonly (readonly Event[])[],
  tables: readonly string[],
): Promise<Record<string, Row[]>> {
  const schema = `read_model_${randomBytes(6).toString('hex')}`;
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}, public`);
    for (const ddl of model.schema) await client.query(ddl);
    for (const chunk of chunks) {
      await client.query('BEGIN');
      try {
        await model.project(chunk, client);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    const stored: Record<string, Row[]> = {};
    for (const table of tables) {
      const { rows } = await client.query<{ row: Row }>(`SELECT to_jsonb(t) AS row FROM ${quoteIdent(table)} t`);
      stored[table] = rows.map((r) => r.row);
    }
    return stored;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.query('RESET search_path').catch(() => undefined);
    client.release();
  }
}

const pick = (row: Row, columns: readonly string[]): Row => Object.fromEntries(columns.map((column) => [column, row[column] ?? null]));

/** Rows in a stable order, so that the comparison ignores the order the table returns them in. */
const sorted = (rows: readonly Row[]): Row[] =>
  [...rows].sort((left, right) =>
    JSON.stringify(left) < JSON.stringify(right) ? -1 : JSON.stringify(left) > JSON.stringify(right) ? 1 : 0,
  );

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
