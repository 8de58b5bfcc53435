import ISO6391 from 'iso-639-1';

/** A language with an ISO 639-1 code. */
export interface Language {
  /** Two lower-case letters, e.g. tl */
  readonly code: string;
  /** English name, e.g. Tagalog */
  readonly name: string;
}

const BY_CODE = new Map<string, Language>(ISO6391.getLanguages(ISO6391.getAllCodes()).map(({ code, name }) => [code, { code, name }]));

/** The language with this ISO 639-1 code (lower case, as the standard writes it), if it is one. */
export function language(code: string): Language | undefined {
  return BY_CODE.get(code);
}

/** Every ISO 639-1 language, in code order. */
export function languages(): readonly Language[] {
  return [...BY_CODE.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}
