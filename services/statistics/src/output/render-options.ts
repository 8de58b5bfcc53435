/** What the outputs need beyond the report itself. Nothing is read from the clock: equal inputs, equal bytes. */
export interface RenderOptions {
  /** ISO 3166-1 alpha-2 of the reporting country (the origin country that runs the registry). */
  readonly refArea: string;
  /** SDMX maintenance agency of the dataflows, e.g. the national statistics office's id. */
  readonly agency: string;
  /** Shown as the time of generation when given (ISO instant); left out otherwise. */
  readonly generatedAt?: string;
}
