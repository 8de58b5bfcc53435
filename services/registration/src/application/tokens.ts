/** Injection tokens for what main.ts builds at the edge and hands to the Nest container. */
export const POOL = Symbol('pg.Pool');
export const KAFKA = Symbol('kafka');
export const WORKER_STREAMS = Symbol('WorkerStreams');
export const WORKER_COMMANDS = Symbol('WorkerCommands');
export const CLOCK = Symbol('Clock');
export const VAULT = Symbol('PersonalDataVault');
export const PERSON_INDEX = Symbol('PersonIndex');
export const REGISTRY_SETTINGS = Symbol('RegistrySettings');

export type Clock = () => Date;

export interface RegistrySettings {
  /** ISO 3166-1 alpha-2 of the country that runs this registry. */
  readonly originCountry: string;
}
