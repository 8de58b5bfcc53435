import type { PoolClient } from 'pg';
import { centreFacts, type CentreFacts } from '../domain/centre/centre.state';
import { standardFacts, type StandardFacts, type StandardState, type StandardVersion } from '../domain/standard/standard.state';
import type { CentreStreams, StandardStreams } from '../persistence/skills.streams';

/**
 * What a command on one stream needs to know of another: the standard's versions, the centre's
 * accreditations. Read in the command's transaction, so the decision is taken on what is current; passed
 * in the command, so `decide` stays pure.
 */
export class Lookups {
  /** Versions of standards never change once recorded: kept once read. */
  private readonly versions = new Map<string, StandardVersion>();

  constructor(
    private readonly standards: StandardStreams,
    private readonly centres: CentreStreams,
  ) {}

  async standardState(standardId: string, client?: PoolClient): Promise<StandardState> {
    return (await this.standards.load(standardId, undefined, client, { personalData: false })).state;
  }

  async standard(standardId: string, client?: PoolClient): Promise<StandardFacts | undefined> {
    return standardFacts(await this.standardState(standardId, client));
  }

  async centre(centreId: string, client?: PoolClient): Promise<CentreFacts | undefined> {
    return centreFacts((await this.centres.load(centreId, undefined, client, { personalData: false })).state);
  }

  /** One version of a standard, with its units' titles and ESCO skills (for credentials and verification). */
  async standardVersion(standardId: string, version: number, client?: PoolClient): Promise<StandardVersion | undefined> {
    const key = `${standardId}@${version}`;
    const known = this.versions.get(key);
    if (known) return known;
    const state = await this.standardState(standardId, client);
    if (state.status === 'unpublished') return undefined;
    const found = state.versions.find((v) => v.version === version);
    if (found) this.versions.set(key, found);
    return found;
  }
}
