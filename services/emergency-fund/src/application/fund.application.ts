import type { Ledger } from '@homeward/ledger';
import type { ReadTables } from '../persistence/read-tables';
import type { ClaimCommands } from './claims.commands';
import type { MemberCommands } from './members.commands';
import type { PolicyCommands } from './policies.commands';

/** Injection token of the application, built at the edge (emergency-fund.app.ts). */
export const FUND_APPLICATION = Symbol('FundApplication');

/** Everything the controllers call: one object, so that the HTTP layer reaches nothing below the application. */
export interface FundApplication {
  readonly policies: PolicyCommands;
  readonly members: MemberCommands;
  readonly claims: ClaimCommands;
  readonly tables: ReadTables;
  readonly ledger: Ledger;
  readonly clock: () => Date;
  readonly originCountry: string;
  readonly fundId: string;
}
