import fc from 'fast-check';
import { createSchemaValidator, type OpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { operationsOf, resolve, type Operation, type Parameter } from './operations';

/** A request as the fuzzer sends it: the path already carries its (encoded) query. */
export interface FuzzRequest {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  /** Who calls: a role the test turns into an Authorization header (or none). */
  readonly caller: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /**
   * How the body's text becomes bytes: UTF-8, or `latin1` for a body that carries bytes no UTF-8 encoder
   * writes (a lone 0xFF, an overlong "/", an encoded surrogate), each character one byte.
   */
  readonly bodyEncoding?: 'utf8' | 'latin1';
  /** What kind of case this is, e.g. "valid", "body /personalData/givenName ← NUL": for the report and for tags. */
  readonly kind: string;
  /** The operation the request was generated for (its id), when it was generated for one: for the coverage tally. */
  readonly operation?: string;
  /**
   * Areas whose fixes are pending elsewhere (see PENDING_TAGS in the suite): a case tagged so is generated
   * but not sent while its tag is pending.
   */
  readonly tags: readonly string[];
}

/** What the running system already holds, so that valid requests can reach existing records. */
export interface FuzzContext {
  /** Ids known to exist, by the name of the parameter (or body field, in valid bodies) that takes them (workerId, reportId, certificateNumber, unitCodes…). */
  readonly ids: Readonly<Record<string, readonly string[]>>;
  /** Caller roles to draw from. */
  readonly callers: readonly string[];
  /**
   * Callers drawn as often as all the others for the operations of a tag (the operators for `admin`): a
   * role only those operations serve would otherwise be drawn too seldom to get past authorisation there.
   */
  readonly callersByTag?: Readonly<Record<string, readonly string[]>>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value that stands in for a valid one, with the tags of the areas it exercises. */
interface Bad {
  readonly value: Json;
  readonly label: string;
  readonly tags?: readonly string[];
}

const bad = (value: Json, label: string, tags: readonly string[] = []): Bad => ({ value, label, tags });

/** Text no field should take, and text that must be taken as the data it is. */
const HOSTILE_TEXT: readonly Bad[] = [
  bad('', 'empty'),
  bad(' ', 'blank'),
  bad('\u0000', 'NUL'),
  bad('skill\u0000title', 'embedded NUL'),
  bad('\u0001\u0002\u001b[31m', 'C0 controls'),
  bad('line\nbreak', 'line feed'),
  bad('tab\there', 'tab'),
  bad('\u007f\u0085\u009f', 'DEL and C1 controls'),
  bad('\ud800', 'lone high surrogate'),
  bad('x\udfffy', 'lone low surrogate'),
  bad('\u202eevil', 'bidi override'),
  bad('Maria\u200f', 'right-to-left mark'),
  bad('\u061cمحمد\u200e', 'Arabic letter mark and left-to-right mark'),
  bad('\u2067Santos\u2069', 'right-to-left isolate'),
  bad('zero\u200bwidth\u200d', 'zero-width space and joiner'),
  bad('e\u0301\u0301\u0301', 'stacked combining marks'),
  bad('\ufeffbom', 'byte order mark'),
  bad('🙂 Ωμέγα 中文 عربى', 'non-Latin text'),
  bad("' OR '1'='1", 'SQL injection'),
  bad("'; DROP TABLE events; --", 'SQL statement'),
  bad('$1::text; SELECT pg_sleep(5)', 'SQL placeholder'),
  bad('<script>alert(1)</script>', 'HTML'),
  bad('${jndi:ldap://127.0.0.1/a}', 'JNDI'),
  bad('{{7*7}}', 'template'),
  bad('../../../../etc/passwd', 'path traversal'),
  bad('%00%ZZ%', 'percent signs'),
  bad('\\', 'backslash'),
  bad('0x10', 'hexadecimal'),
  bad('1e308', 'exponent'),
  bad('a'.repeat(301), '301 characters'),
  bad('A'.repeat(70_000), '70,000 characters'),
  bad('A'.repeat(102_400), '100 kB'),
  bad('中'.repeat(34_134), '100 kB of three-byte UTF-8'),
];

const HOSTILE_NUMBERS: readonly Bad[] = [
  bad(-1, '-1'),
  bad(0, '0'),
  bad(1.5, 'a fraction'),
  bad(2 ** 31, '2^31'),
  bad(-(2 ** 31) - 1, '-2^31 - 1'),
  bad(-1_000_000, 'minus a million'),
  bad(Number.MAX_SAFE_INTEGER, '2^53 - 1'),
  bad(2 ** 53 + 2, 'beyond 2^53'),
  // A departure with these amounts stopped the relay for everyone (issue 9, defect 1).
  bad(1e21, '1e21', ['int64']),
  bad(2 ** 63, '2^63', ['int64']),
  bad(-(2 ** 63) - 4096, '-2^63 - 4096', ['int64']),
  bad(1e308, '1e308', ['int64']),
];

const HOSTILE_DATES: readonly Bad[] = [
  bad('2023-02-30', '30 February'),
  bad('2023-13-01', 'month 13'),
  bad('0000-00-00', 'zeros'),
  bad('0001-01-01', 'year 1'),
  bad('1899-12-31', 'before 1900'),
  bad('2200-01-01', 'after 2199'),
  bad('9999-12-31', 'year 9999'),
  bad('+002023-01-01', 'expanded year'),
  bad('20230101', 'basic format'),
  bad('2023-1-1', 'unpadded'),
  bad('2023-01-01T00:00:00Z', 'a date-time'),
  bad('2024-02-29', '29 February of a leap year'),
  bad('2023-02-29', '29 February of a common year'),
  bad('2023-04-31', '31 April'),
  bad('2023-00-10', 'month 0'),
  bad('2023-01-00', 'day 0'),
  bad('-0001-01-01', 'a negative year'),
];

const WRONG_TYPES: readonly Bad[] = [
  bad(null, 'null'),
  bad(true, 'true'),
  bad(42, 'a number'),
  bad('text', 'a string'),
  bad([], 'an empty array'),
  bad(['a', 1], 'an array'),
  bad({}, 'an empty object'),
  bad({ nested: { deeper: [1, 2, 3] } }, 'an object'),
];

/** Ids in every spelling but the canonical one, and ids that are not ids at all. */
function hostileIds(uuid: string): readonly Bad[] {
  return [
    bad(`urn:uuid:${uuid}`, 'URN'),
    bad(uuid.toUpperCase(), 'upper case'),
    bad(`{${uuid}}`, 'braces'),
    bad(uuid.replace(/-/g, ''), 'without dashes'),
    bad(`${uuid} `, 'trailing space'),
    bad('00000000-0000-0000-0000-000000000000', 'nil UUID'),
    bad('ffffffff-ffff-ffff-ffff-ffffffffffff', 'max UUID'),
    bad('not-a-uuid', 'a word'),
    bad("' OR 1=1 --", 'SQL injection'),
    bad('..', 'dot-dot'),
    bad('%2e%2e', 'encoded dot-dot'),
    bad('%00', 'encoded NUL'),
    bad('%ZZ', 'malformed escape'),
    bad('a'.repeat(100), '100 characters'),
    bad('b'.repeat(101), '101 characters'),
    bad('0', 'zero'),
  ];
}

const MALFORMED_JSON: readonly Bad[] = [
  bad('', 'empty'),
  bad('{', 'unterminated object'),
  bad('{"a":', 'truncated'),
  bad('{"a":1}garbage', 'trailing garbage'),
  bad("{'a':1}", 'single quotes'),
  bad('\ufeff{}', 'byte order mark'),
  bad('{"__proto__":{"polluted":true}}', '__proto__'),
  bad('{"constructor":{"prototype":{"polluted":true}}}', 'constructor.prototype'),
  bad(`${'['.repeat(20_000)}${']'.repeat(20_000)}`, '20,000 levels deep'),
  bad('1e999999', 'infinite number'),
  bad('"\\u0000"', 'a NUL string'),
  bad('"\\ud800"', 'a lone surrogate'),
  bad('{"a":"\\u0000"}', 'a NUL value'),
  bad('null', 'null'),
];

const CSV_HEADER = 'source_row_id,given_name,family_name,date_of_birth,sex,origin_area';
/** Documents a bulk import must read row by row, refusing the rows at fault (or the whole part, past its size). */
const HOSTILE_DOCUMENTS: readonly { mediaType: string; text: string; label: string }[] = [
  { mediaType: 'text/csv', text: `${CSV_HEADER}\nr1,Ma\u0000ria,Santos,1990-01-01,F,PH-03\n`, label: 'CSV with a NUL' },
  { mediaType: 'text/csv', text: `${CSV_HEADER}\nr2,"Maria,Santos,1990-01-01,F,PH-03\n`, label: 'CSV with an unterminated quote' },
  {
    mediaType: 'text/csv',
    text: `\ufeff${CSV_HEADER}\rr3,Maria,Santos,1990-02-30,F,PH-03\r`,
    label: 'CSV with a BOM, CR line ends, 30 February',
  },
  {
    mediaType: 'text/csv',
    text: `${CSV_HEADER}\nr4,${'M'.repeat(5000)},Santos,0001-01-01,X,\u0001\n`,
    label: 'CSV with a huge name, year 1, control characters',
  },
  { mediaType: 'text/csv', text: `${CSV_HEADER}\n${'x,,,,,\n'.repeat(10_001)}`, label: 'CSV of 10,001 records' },
  { mediaType: 'text/csv', text: 'not,a,header\n\n\n', label: 'CSV without the columns' },
  {
    mediaType: 'application/x-ndjson',
    text: '[1,2]\n42\n"text"\nnull\n{"source_row_id":{"nested":true}}\n',
    label: 'NDJSON lines that are not records',
  },
  {
    mediaType: 'application/x-ndjson',
    text: '{"source_row_id":"n1","given_name":"\\ud800","family_name":"\\u0000"}\n{broken\n',
    label: 'NDJSON with a lone surrogate, a NUL and a broken line',
  },
  { mediaType: 'application/x-ndjson', text: '{"__proto__":{"polluted":true},"source_row_id":"n2"}\n', label: 'NDJSON with __proto__' },
];

/** Bytes that are not UTF-8, as latin1 text (each character one byte), for a JSON string in a body. */
const INVALID_UTF8: readonly Bad[] = [
  bad('\xff\xfe', 'bytes 0xFF 0xFE'),
  bad('\xc0\xaf', 'an overlong "/"'),
  bad('\xed\xa0\x80', 'an encoded surrogate'),
  bad('Mar\xe9a', 'a latin-1 é'),
  bad('\xe4\xb8', 'a truncated sequence'),
  bad('\xf4\x90\x80\x80', 'past U+10FFFF'),
];

/**
 * Query values sent as written: escapes that do not decode, or decode to bytes that are not UTF-8, or to
 * characters that end the value early. (Other values are percent-encoded on the way.)
 */
const RAW_QUERY_VALUES: readonly Bad[] = [
  bad('%ZZ', 'a malformed escape'),
  bad('%', 'a lone %'),
  bad('%FF%FE', 'escaped bytes that are not UTF-8'),
  bad('%C0%AF', 'an escaped overlong "/"'),
  bad('%ED%A0%80', 'an escaped surrogate'),
  bad('%00', 'an escaped NUL'),
  bad('%E2%80%AE', 'an escaped bidi override'),
  bad('%27%20OR%20%271%27%3D%271', 'escaped SQL injection'),
  bad('a&b=c', 'an ampersand'),
  bad('a=b', 'an equals sign'),
  bad('a+b', 'a plus'),
];

const STALE_OR_MALFORMED_ETAGS: readonly Bad[] = [
  bad('"1"', 'version 1'),
  bad('W/"1"', 'a weak tag'),
  bad('"1", "2", "3"', 'a list'),
  bad('"99999999999999999999"', 'past 2^53'),
  bad('*, "1"', 'a star in a list'),
  bad('', 'empty'),
];

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'text/csv',
  'application/x-ndjson',
  'application/merge-patch+json',
  'application/octet-stream',
];

const OTHER_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A canonical UUID drawn by fast-check (version 4 layout): an id nothing holds. */
const unknownId = fc.uuid({ version: 4 });

/** The generator of schema-valid values: json-schema-faker, seeded by fast-check. */
type Faker = (schema: unknown, options: { seed: number; optionalsProbability?: number; alwaysFakeOptionals?: boolean }) => unknown;

/**
 * Percent-encodes text for a URL, lone surrogates included (as the bytes WTF-8 gives them, which no UTF-8
 * decoder accepts): encodeURIComponent would throw on them, and they are worth sending.
 */
function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

/** A path segment: hostile escapes ("%ZZ", "%00") and ".." as they are, anything else encoded. */
const encodePath = (value: string): string => (/^%|^\.\.$/.test(value) ? value : percentEncode(value));

/**
 * Arbitraries of requests to every operation of a service's OpenAPI document: valid ones (schema-valid values
 * from json-schema-faker, or the document's own examples, on ids the system holds), and each kind of wrong
 * one — wrong types, missing and extra fields, huge strings, control characters, impossible dates,
 * injection-shaped ids and queries, malformed JSON, wrong media types, unknown routes and methods — with
 * every kind of caller.
 */
export class RequestGenerator {
  readonly operations: readonly Operation[];
  private readonly isValid: (operation: Operation, mediaType: string, body: unknown) => boolean;

  private constructor(
    readonly service: string,
    private readonly document: OpenApiDocument,
    private readonly fake: Faker,
  ) {
    this.operations = operationsOf(document);
    const ajv = createSchemaValidator();
    ajv.addSchema({ components: document.components ?? {} }, 'openapi');
    const cache = new Map<string, (data: unknown) => boolean>();
    this.isValid = (operation, mediaType, body) => {
      const key = `${operation.id} ${mediaType}`;
      let validate = cache.get(key);
      if (!validate) {
        validate = ajv.compile(this.withRefs(operation.requestBody!.content[mediaType]!, 'openapi#')) as (data: unknown) => boolean;
        cache.set(key, validate);
      }
      return validate(body);
    };
  }

  static async create(service: string, document: OpenApiDocument): Promise<RequestGenerator> {
    // json-schema-faker is published as an ES module only.
    const { generateSync } = await import('json-schema-faker');
    // It gives up on some schemas (minProperties beside additionalProperties: false); the callers fall back.
    return new RequestGenerator(service, document, (schema, options) => {
      try {
        // Arrays capped at 20 items: the fund's statement import takes 100,000 lines of 1,000 characters, which
        // json-schema-faker would draw in full (100 MB a request, the generator stalled for minutes).
        return generateSync(schema as never, { maxItems: 20, ...options });
      } catch {
        return undefined;
      }
    });
  }

  /**
   * Every kind of request to this service, operations drawn evenly: without fast-check's bias towards the
   * small and extreme indexes, which drew some operations of a long document far more often than others.
   */
  request(context: FuzzContext): fc.Arbitrary<FuzzRequest> {
    const evenly = (operations: readonly Operation[]) => fc.noBias(fc.constantFrom(...operations));
    return fc.oneof(
      { weight: 4, arbitrary: evenly(this.operations).chain((o) => this.valid(o, context)) },
      { weight: 3, arbitrary: evenly(this.operations).chain((o) => this.withBadParameter(o, context)) },
      {
        weight: 3,
        arbitrary: evenly(this.withJsonBody()).chain((o) => this.withBadBody(o, context)),
      },
      { weight: 1, arbitrary: evenly(this.withAnyBody()).chain((o) => this.withBadMediaType(o, context)) },
      { weight: 1, arbitrary: this.outsideTheDocument(context) },
    );
  }

  private withJsonBody(): Operation[] {
    const found = this.operations.filter((o) => o.requestBody);
    return found.length > 0 ? found : [...this.operations];
  }

  private withAnyBody(): Operation[] {
    return this.operations.filter((o) => o.method !== 'GET');
  }

  /** A valid request: valid parameters on known ids (or unknown ones), a valid body, a drawn caller. */
  valid(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
    return fc
      .record({
        parameters: this.parameterValues(operation, context),
        body: this.validBody(operation),
        caller: this.callers(operation, context),
        conditional: this.conditionalHeaders(operation),
        known: fc.option(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { nil: undefined }),
      })
      .map(({ parameters, body, caller, conditional, known }) => {
        const sent = body && known ? this.withKnownIds(operation, body, context, known) : body;
        return this.assemble(
          operation,
          parameters,
          caller,
          { ...conditional, ...(sent ? { 'content-type': sent.mediaType } : {}) },
          sent?.text,
          sent === undefined || sent.valid ? (sent !== body ? 'valid, on known ids' : 'valid') : 'drawn body, not schema-valid',
        );
      });
  }

  /**
   * A valid JSON body whose fields named like known ids take known values (a string field one of them, an
   * array of strings a run of them): so that a request names a standard, a centre, units the service holds
   * and gets past "unknown" to the rules behind. The body as it was when the result would not be valid.
   */
  private withKnownIds(
    operation: Operation,
    body: { mediaType: string; text: string; valid: boolean },
    context: FuzzContext,
    picks: readonly number[],
  ): { mediaType: string; text: string; valid: boolean } {
    if (body.mediaType !== 'application/json') return body;
    let changed = false;
    let n = 0;
    const pick = () => picks[n++ % picks.length]!;
    const walk = (value: Json): Json => {
      if (Array.isArray(value)) return value.map(walk);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, field]) => {
          const known = context.ids[key] ?? [];
          if (known.length > 0 && typeof field === 'string') {
            changed = true;
            return [key, known[pick() % known.length]!];
          }
          if (known.length > 0 && Array.isArray(field) && field.every((f) => typeof f === 'string')) {
            changed = true;
            const start = pick() % known.length;
            return [key, known.slice(start, start + 1 + (pick() % known.length))];
          }
          return [key, walk(field)];
        }),
      );
    };
    const value = walk(JSON.parse(body.text) as Json);
    if (!changed || !this.isValid(operation, body.mediaType, value)) return body;
    return { mediaType: body.mediaType, text: JSON.stringify(value), valid: true };
  }

  /** One parameter (path, query or header) replaced by a hostile value, an unknown query parameter, or a required one left out. */
  private withBadParameter(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
    const body = this.validBody(operation);
    const caller = this.callers(operation, context);
    const parameters = this.parameterValues(operation, context);
    const target = operation.parameters.length > 0 ? fc.constantFrom(...operation.parameters) : fc.constant(undefined);
    return fc.record({ parameters, body, caller, target, uuid: unknownId }).chain(({ parameters, body, caller, target, uuid }) => {
      const options = target ? this.hostileParameterValues(target, uuid) : [];
      const mutation: fc.Arbitrary<{
        values: Record<string, string | string[] | undefined>;
        extraQuery?: string;
        label: string;
        tags: readonly string[];
      }> =
        target && options.length > 0
          ? fc.constantFrom(...options).map((b) => ({
              values: { ...parameters, [`${target.in}:${target.name}`]: typeof b.value === 'string' ? b.value : JSON.stringify(b.value) },
              label: `${target.in} ${target.name} ← ${b.label}`,
              tags: b.tags ?? [],
            }))
          : fc.constant({ values: parameters, extraQuery: 'unknown=%00', label: 'unknown query parameter', tags: [] as string[] });
      const alternatives = [mutation];
      if (target && target.name !== 'If-Match' && target.in !== 'header')
        // A value drawn by fast-check over all of Unicode, in place of the parameter.
        alternatives.push(
          // (Not starting with %: such a value is sent as written, to test escapes, and Node refuses raw non-ASCII in a path.)
          fc
            .string({ unit: 'binary', minLength: 1, maxLength: 40 })
            .filter((text) => !text.startsWith('%'))
            .map((text) => ({
              values: { ...parameters, [`${target.in}:${target.name}`]: text },
              label: `${target.in} ${target.name} ← drawn Unicode text`,
              tags: [] as string[],
            })),
        );
      if (target?.in === 'query')
        alternatives.push(
          fc.constantFrom(...RAW_QUERY_VALUES).map((b) => ({
            values: { ...parameters, [`query:${target.name}`]: undefined },
            extraQuery: `${target.name}=${b.value as string}`,
            label: `query ${target.name} ← ${b.label}, as written`,
            tags: [] as string[],
          })),
        );
      if (target?.in === 'query')
        alternatives.push(
          fc.constant({
            values: { ...parameters, [`query:${target.name}`]: ['1', '2'] },
            label: `query ${target.name} given twice`,
            tags: [],
          }),
        );
      if (target && target.required && target.in !== 'path')
        alternatives.push(
          fc.constant({
            values: { ...parameters, [`${target.in}:${target.name}`]: undefined },
            label: `${target.in} ${target.name} left out`,
            tags: [],
          }),
        );
      return fc
        .oneof(...alternatives)
        .map((m) =>
          this.assemble(
            operation,
            m.values,
            caller,
            body ? { 'content-type': body.mediaType } : {},
            body?.text,
            m.label,
            m.tags,
            m.extraQuery,
          ),
        );
    });
  }

  private hostileParameterValues(parameter: Parameter, uuid: string): Bad[] {
    const schema = resolve<{ type?: string; format?: string }>(this.document, parameter.schema);
    // Ids take the hostile text that fits a path segment too: control characters, bidi marks, injections.
    if (parameter.in === 'path')
      return [
        ...hostileIds(uuid),
        ...HOSTILE_TEXT.filter((b) => typeof b.value === 'string' && b.value.length > 0 && b.value.length <= 100),
      ];
    if (parameter.name === 'If-Match') return [...STALE_OR_MALFORMED_ETAGS, bad('"x"', 'not a version'), bad('"1', 'unterminated')];
    // Header values travel as visible ASCII and tabs (Node refuses to send anything else).
    const text =
      parameter.in === 'header' ? HOSTILE_TEXT.filter((b) => typeof b.value === 'string' && !/[^\t\x20-\x7e]/.test(b.value)) : HOSTILE_TEXT;
    if (schema.type === 'integer' || schema.type === 'number')
      return [...HOSTILE_NUMBERS.map((b) => ({ ...b, value: String(b.value) })), ...text, ...WRONG_TYPES.slice(0, 2)];
    if (schema.format === 'date') return [...HOSTILE_DATES, ...text];
    if (schema.format === 'uuid') return [...hostileIds(uuid), ...text];
    return [...text, ...HOSTILE_DATES.slice(0, 3), bad('0x10', 'hexadecimal')];
  }

  /** A JSON body with one hostile change: a field set to a wrong value, removed, added, or the whole body replaced. */
  private withBadBody(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
    const schema = operation.requestBody?.content['application/json'];
    const documents = HOSTILE_DOCUMENTS.filter((d) => operation.requestBody?.content[d.mediaType]);
    if (!schema && documents.length > 0) {
      return fc
        .record({
          parameters: this.parameterValues(operation, context),
          caller: this.callers(operation, context),
          document: fc.constantFrom(...documents),
        })
        .map(({ parameters, caller, document }) =>
          this.assemble(operation, parameters, caller, { 'content-type': document.mediaType }, document.text, `body: ${document.label}`),
        );
    }
    if (!schema) return this.withBadParameter(operation, context);
    return fc
      .record({
        parameters: this.parameterValues(operation, context),
        body: this.validBody(operation),
        caller: this.callers(operation, context),
        pick: fc.nat(),
        raw: fc.boolean(),
      })
      .chain(({ parameters, body, caller, pick, raw }) => {
        const value = body ? (JSON.parse(body.text) as Json) : {};
        const paths = jsonPaths(value);
        const path = paths[pick % paths.length]!;
        const send = (text: string, label: string, tags: readonly string[] = []) =>
          this.assemble(operation, parameters, caller, { 'content-type': 'application/json' }, text, label, tags);
        if (raw)
          return fc.oneof(
            fc.constantFrom(...MALFORMED_JSON).map((b) => send(b.value as string, `malformed JSON: ${b.label}`)),
            // A string of the body whose bytes are not UTF-8: the valid body's UTF-8 bytes as latin1 text, the bytes put in a string's place.
            fc.constantFrom(...INVALID_UTF8).map((b) => {
              const marker = '\u0001invalid-utf8\u0001';
              const text = Buffer.from(JSON.stringify(set(value, path, marker)), 'utf8').toString('latin1');
              return {
                ...send(text.replace(JSON.stringify(marker), `"${b.value as string}"`), `body ${`/${path.join('/')}`} ← ${b.label}`),
                bodyEncoding: 'latin1' as const,
              };
            }),
          );
        const pointer = `/${path.join('/')}`;
        const leaf = path.length > 0 ? get(value, path) : value;
        const values = [
          ...WRONG_TYPES,
          ...HOSTILE_TEXT,
          ...(typeof leaf === 'number' ? HOSTILE_NUMBERS : []),
          ...(typeof leaf === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(leaf) ? HOSTILE_DATES : []),
        ];
        return fc.oneof(
          {
            weight: 6,
            arbitrary: fc
              .constantFrom(...values)
              .map((b) => send(JSON.stringify(set(value, path, b.value)), `body ${pointer} ← ${b.label}`, b.tags)),
          },
          {
            weight: 1,
            arbitrary: fc.constant(
              path.length > 0 ? send(JSON.stringify(remove(value, path)), `body ${pointer} removed`) : send('{}', 'empty body object'),
            ),
          },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom<Json>('x', 1, null, { deep: true })
              .map((extra) => send(JSON.stringify(addField(value, path, extra)), `body ${pointer}: unknown field added`)),
          },
          {
            // Text drawn by fast-check over all of Unicode (any code point, RTL, combining, astral) and over graphemes.
            weight: 2,
            arbitrary: fc
              .oneof(
                fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
                fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }),
              )
              .map((text) => send(JSON.stringify(set(value, path, text)), `body ${pointer} ← drawn Unicode text`)),
          },
          { weight: 1, arbitrary: fc.constant(send(JSON.stringify({ wrapped: value }), 'body wrapped in another object')) },
          { weight: 1, arbitrary: fc.constant(send(JSON.stringify([value]), 'body in an array')) },
        );
      });
  }

  /** A body of a media type the operation does not take, a body without a media type, or one past the size limit. */
  private withBadMediaType(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
    return fc
      .record({
        parameters: this.parameterValues(operation, context),
        body: this.validBody(operation),
        caller: this.callers(operation, context),
        contentType: fc.constantFrom(...CONTENT_TYPES, ''),
        huge: fc.nat(4).map((n) => n === 0),
      })
      .map(({ parameters, body, caller, contentType, huge }) => {
        const text = huge ? `{"a":"${'x'.repeat(1_100_000)}"}` : (body?.text ?? '{"a":1}');
        const type = huge ? (body?.mediaType ?? 'application/json') : contentType;
        return this.assemble(
          operation,
          parameters,
          caller,
          type === '' ? {} : { 'content-type': type },
          text,
          huge ? 'a body past the size limit' : `body sent as ${type || 'no media type'}`,
        );
      });
  }

  /** A path the document does not have, or a method a path does not have. */
  private outsideTheDocument(context: FuzzContext): fc.Arbitrary<FuzzRequest> {
    const caller = fc.constantFrom(...context.callers);
    const unknownPath = fc
      .record({ caller, segment: fc.constantFrom('nope', 'workers/x/y/z', 'reports/../../etc', 'ADMIN', '%2e%2e/%2e%2e', 'workers//x') })
      .map(({ caller, segment }) => ({
        service: this.service,
        method: 'GET',
        path: `/${segment}`,
        caller,
        headers: {},
        kind: 'unknown path',
        tags: [],
      }));
    const otherMethod = fc
      .record({ caller, operation: fc.constantFrom(...this.operations), method: fc.constantFrom(...OTHER_METHODS), uuid: unknownId })
      .filter(({ operation, method }) => !this.operations.some((o) => o.path === operation.path && o.method === method))
      .map(({ caller, operation, method, uuid }) => ({
        service: this.service,
        method,
        path: operation.path.replace(/\{[^}]+\}/g, uuid),
        caller,
        headers: {},
        kind: `${method} on ${operation.path}`,
        tags: [],
      }));
    return fc.oneof(unknownPath, otherMethod);
  }

  /** Who calls an operation: any of the context's callers, or as often one its tags name. */
  private callers(operation: Operation, context: FuzzContext): fc.Arbitrary<string> {
    const own = operation.tags.flatMap((tag) => context.callersByTag?.[tag] ?? []);
    const any = fc.constantFrom(...context.callers);
    return own.length > 0 ? fc.oneof(any, fc.constantFrom(...own)) : any;
  }

  /** Valid values of every parameter, keyed "in:name"; ids from the context when it knows some. */
  private parameterValues(operation: Operation, context: FuzzContext): fc.Arbitrary<Record<string, string | undefined>> {
    const entries = operation.parameters.map((parameter) => {
      const key = `${parameter.in}:${parameter.name}`;
      const known = context.ids[parameter.name] ?? [];
      const schema = resolve<{ format?: string }>(this.document, parameter.schema);
      let value: fc.Arbitrary<string | undefined>;
      if (schema.format === 'uuid') {
        value =
          known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: unknownId }) : unknownId;
      } else if (parameter.name === 'If-Match') {
        // A valid request asks for no version or for any; stale and malformed tags are the hostile values' part.
        value = fc.constantFrom(undefined, undefined, '*');
      } else {
        const drawn = fc.integer().map((seed) => textOf(this.fake(this.withRefs(parameter.schema, '#'), { seed }) ?? ''));
        // Ids that are not UUIDs (a standard's id, a certificate number, its verification code) are known by name too.
        value = known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: drawn }) : drawn;
      }
      const optional = !parameter.required;
      return [key, optional ? fc.option(value, { nil: undefined, freq: 3 }) : value] as const;
    });
    return fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<string | undefined>>);
  }

  /** Headers a client sends on writes: sometimes an Idempotency-Key. */
  private conditionalHeaders(operation: Operation): fc.Arbitrary<Record<string, string>> {
    if (!operation.parameters.some((p) => p.name === 'Idempotency-Key')) return fc.constant({});
    return fc
      .option(fc.constantFrom('key-1', 'key-2', 'key-3'), { nil: undefined })
      .map((key): Record<string, string> => (key ? { 'idempotency-key': key } : {}));
  }

  /**
   * A valid body for the operation, or none when it takes none: the document's example, or a value
   * json-schema-faker draws from the schema (checked against it, with the example as the fallback).
   */
  private validBody(operation: Operation): fc.Arbitrary<{ mediaType: string; text: string; valid: boolean } | undefined> {
    const content = operation.requestBody?.content;
    if (!content) return fc.constant(undefined);
    const mediaType = Object.keys(content)[0]!;
    const schema = content[mediaType]!;
    const examples = this.examplesOf(operation, mediaType);
    if (mediaType !== 'application/json') {
      // A part of a legacy register: one person a row, a few row ids so that sending again skips them.
      return fc.nat(20).map((n) => ({
        mediaType,
        valid: true,
        text:
          mediaType === 'text/csv'
            ? `${CSV_HEADER}\nrow-${n},Maria,Santos ${n},1990-01-${String((n % 28) + 1).padStart(2, '0')},F,PH-03\n`
            : `${JSON.stringify({ source_row_id: `row-${n}`, given_name: 'Maria', family_name: `Santos ${n}`, date_of_birth: '1990-01-01', sex: 'F', origin_area: 'PH-03' })}\n`,
      }));
    }
    const drawn = fc.integer().map((seed) => {
      // json-schema-faker misses now and then (a currency of ""), and always on an object that takes no
      // properties (it drew the document's components for the fund's and employment's empty requests, so
      // that six operations were never once sent a valid body): a few more seeds, then the empty object.
      for (let attempt = 0; attempt < 4; attempt++) {
        const value = this.fake(this.withRefs(schema, '#'), { seed: seed + attempt * 7919, optionalsProbability: 0.6 });
        if (value !== undefined && this.isValid(operation, mediaType, value)) return value;
      }
      if (this.isValid(operation, mediaType, {})) return {};
      return examples.length > 0 ? examples[Math.abs(seed) % examples.length] : {};
    });
    const arbitrary = examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), drawn) : drawn;
    return arbitrary.map((value) => ({ mediaType, text: JSON.stringify(value), valid: this.isValid(operation, mediaType, value) }));
  }

  private examplesOf(operation: Operation, mediaType: string): unknown[] {
    const item = this.document.paths[operation.path] as Record<string, { requestBody?: unknown }>;
    const body = resolve<{ content?: Record<string, { examples?: Record<string, { value?: unknown }>; example?: unknown }> }>(
      this.document,
      item[operation.method.toLowerCase()]?.requestBody ?? {},
    );
    const media = body.content?.[mediaType];
    return [...Object.values(media?.examples ?? {}).map((e) => e.value), ...(media?.example === undefined ? [] : [media.example])].filter(
      (v) => v !== undefined,
    );
  }

  /** A schema with the document's components beside it, so that its `$ref`s resolve (`#` for the faker, `openapi#` for ajv). */
  private withRefs(schema: unknown, base: string): Record<string, unknown> {
    const text = JSON.stringify(schema).replace(/"#\/components\//g, `"${base}/components/`);
    return base === '#'
      ? { ...(JSON.parse(text) as Record<string, unknown>), components: this.document.components ?? {} }
      : (JSON.parse(text) as Record<string, unknown>);
  }

  private assemble(
    operation: Operation,
    values: Record<string, string | string[] | undefined>,
    caller: string,
    headers: Record<string, string>,
    body: string | undefined,
    kind: string,
    tags: readonly string[] = [],
    extraQuery?: string,
  ): FuzzRequest {
    let path = operation.path;
    const query: string[] = [];
    const sent: Record<string, string> = { ...headers };
    for (const parameter of operation.parameters) {
      const value = values[`${parameter.in}:${parameter.name}`];
      if (value === undefined) continue;
      if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodePath(String(value)));
      else if (parameter.in === 'query')
        for (const v of Array.isArray(value) ? value : [value]) query.push(`${parameter.name}=${percentEncode(v)}`);
      else sent[parameter.name.toLowerCase()] = String(value);
    }
    if (extraQuery) query.push(extraQuery);
    return {
      service: this.service,
      method: operation.method,
      path: query.length > 0 ? `${path}?${query.join('&')}` : path,
      caller,
      headers: sent,
      ...(body === undefined ? {} : { body }),
      kind: `${operation.id}: ${kind}`,
      operation: operation.id,
      tags,
    };
  }
}

/** Faker values of parameters as the text of a URL or header. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every path to a value inside `value` (the root included), objects' keys and arrays' indexes. */
function jsonPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => paths.push(...jsonPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths.push(...jsonPaths(v, [...prefix, k]));
  return paths;
}

function get(value: Json, path: readonly (string | number)[]): Json | undefined {
  let node: Json | undefined = value;
  for (const step of path) node = node !== null && typeof node === 'object' ? (node as Record<string, Json>)[step as string] : undefined;
  return node;
}

function set(value: Json, path: readonly (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? set(v, rest, replacement) : v));
  if (value !== null && typeof value === 'object') return { ...value, [head!]: set(value[head as string] ?? null, rest, replacement) };
  return value;
}

function remove(value: Json, path: readonly (string | number)[]): Json {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (Array.isArray(value)) return value.filter((_, i) => i !== head);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== head));
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? remove(v, rest) : v));
  if (value !== null && typeof value === 'object') return { ...value, [head!]: remove(value[head as string] ?? null, rest) };
  return value;
}

function addField(value: Json, path: readonly (string | number)[], extra: Json): Json {
  const target = get(value, path);
  if (target === null || typeof target !== 'object' || Array.isArray(target))
    return set(value, [], { ...(value as object), unexpectedField: extra });
  return set(value, path, { ...target, unexpectedField: extra });
}
