#!/usr/bin/env node
// Generates a service's AsyncAPI 3 document (services/<service>/asyncapi/asyncapi.json) from proto/: the topics
// the service writes (its events topic, registration's directory, the dead-letter topics of its consumers), one
// message per event type of the envelope's oneof, and the payloads as JSON Schema derived from the protobuf
// messages (in the proto3 JSON mapping; on the wire they are binary protobuf). The descriptors come from
// `buf build` (a FileDescriptorSet with the .proto comments), never from hand-written text.
//
//   node scripts/asyncapi/generate.mjs <service> [out.json]     (each service's `generate` script runs it)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEAD_LETTER_HEADERS, EVENT_HEADERS, SERVICES, TOPICS } from './catalogue.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The FileDescriptorSet of proto/ as buf builds it, in protobuf's JSON form. */
export function readDescriptors() {
  const buf = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'buf.cmd' : 'buf');
  const json = execFileSync(buf, ['build', join(ROOT, 'proto'), '-o', '-#format=json'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(json.toString());
}

/** Every message and enum by full name (no leading dot), with its comment. */
function index(set) {
  const messages = new Map();
  const enums = new Map();
  for (const file of set.file) {
    const comments = new Map(
      (file.sourceCodeInfo?.location ?? []).filter((l) => l.leadingComments).map((l) => [l.path.join('.'), l.leadingComments]),
    );
    const comment = (path) => tidy(comments.get(path.join('.')));
    const walk = (prefix, list, path, nested) =>
      (list ?? []).forEach((m, i) => {
        const name = `${prefix}.${m.name}`;
        const at = [...path, nested, i];
        messages.set(name, {
          name,
          description: comment(at),
          fields: (m.field ?? []).map((f, j) => ({ ...f, description: comment([...at, 2, j]) })),
          oneofs: (m.oneofDecl ?? []).map((o) => o.name),
          mapEntry: m.options?.mapEntry === true,
        });
        (m.enumType ?? []).forEach((e, k) => enums.set(`${name}.${e.name}`, enumOf(e, comment([...at, 4, k]))));
        walk(name, m.nestedType, at, 3);
      });
    walk(file.package, file.messageType, [], 4);
    (file.enumType ?? []).forEach((e, k) => enums.set(`${file.package}.${e.name}`, enumOf(e, comment([5, k]))));
  }
  return { messages, enums };
}

const enumOf = (e, description) => ({ values: (e.value ?? []).map((v) => v.name), description });
const tidy = (text) =>
  text
    ?.split('\n')
    .map((l) => l.replace(/^ /, ''))
    .join('\n')
    .trim() || undefined;

const INT64 = new Set(['TYPE_INT64', 'TYPE_UINT64', 'TYPE_SINT64', 'TYPE_FIXED64', 'TYPE_SFIXED64']);
const INT32 = new Set(['TYPE_INT32', 'TYPE_UINT32', 'TYPE_SINT32', 'TYPE_FIXED32', 'TYPE_SFIXED32']);
const UNSIGNED = new Set(['TYPE_UINT32', 'TYPE_FIXED32', 'TYPE_UINT64', 'TYPE_FIXED64']);
/** Well-known types as the proto3 JSON mapping writes them. */
const WELL_KNOWN = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time', description: 'google.protobuf.Timestamp (RFC 3339)' },
};

/** JSON Schemas (proto3 JSON mapping) of a message and of every message and enum it uses, by full name. */
function schemasFor(roots, { messages, enums }) {
  const schemas = {};
  const ref = (name) => {
    if (WELL_KNOWN[name]) return WELL_KNOWN[name];
    if (!schemas[name]) {
      schemas[name] = {};
      schemas[name] = enums.has(name) ? enumSchema(name) : messageSchema(name);
    }
    return { $ref: `#/components/schemas/${name}` };
  };
  const enumSchema = (name) => {
    const e = enums.get(name);
    return { type: 'string', enum: e.values, ...(e.description ? { description: e.description } : {}), 'x-protobuf-enum': name };
  };
  const scalar = (f) => {
    if (f.type === 'TYPE_MESSAGE') return ref(f.typeName.slice(1));
    if (f.type === 'TYPE_ENUM') return ref(f.typeName.slice(1));
    if (f.type === 'TYPE_STRING') return { type: 'string' };
    if (f.type === 'TYPE_BOOL') return { type: 'boolean' };
    if (f.type === 'TYPE_BYTES') return { type: 'string', contentEncoding: 'base64' };
    if (f.type === 'TYPE_DOUBLE' || f.type === 'TYPE_FLOAT') return { type: 'number' };
    if (INT32.has(f.type)) return { type: 'integer', format: 'int32', ...(UNSIGNED.has(f.type) ? { minimum: 0 } : {}) };
    // 64-bit integers are JSON strings in the proto3 mapping.
    if (INT64.has(f.type)) return { type: 'string', pattern: UNSIGNED.has(f.type) ? '^[0-9]+$' : '^-?[0-9]+$', format: 'int64' };
    throw new Error(`unsupported field type ${f.type} of ${f.name}`);
  };
  const messageSchema = (name) => {
    const m = messages.get(name);
    if (!m) throw new Error(`unknown message ${name}`);
    const properties = {};
    for (const f of m.fields) {
      const target = f.type === 'TYPE_MESSAGE' ? messages.get(f.typeName.slice(1)) : undefined;
      let schema;
      if (target?.mapEntry) {
        const value = target.fields.find((x) => x.name === 'value');
        schema = { type: 'object', additionalProperties: scalar(value) };
      } else if (f.label === 'LABEL_REPEATED') schema = { type: 'array', items: scalar(f) };
      else schema = scalar(f);
      const extra = { ...(f.description ? { description: f.description } : {}), 'x-protobuf-field': f.number };
      properties[f.jsonName] = schema.$ref ? { allOf: [schema], ...extra } : { ...schema, ...extra };
    }
    const schema = { type: 'object', properties, additionalProperties: false, 'x-protobuf-message': name };
    if (m.description) schema.description = m.description;
    // A (non-synthetic) oneof: at most one of its fields is set.
    const oneofs = m.oneofs
      .map((_, i) => m.fields.filter((f) => f.oneofIndex === i && !f.proto3Optional).map((f) => f.jsonName))
      .filter((members) => members.length > 1);
    if (oneofs.length > 0) schema.allOf = oneofs.map((members) => ({ not: { anyOf: pairs(members).map((p) => ({ required: p })) } }));
    return schema;
  };
  for (const root of roots) ref(root);
  return schemas;
}

const pairs = (list) => list.flatMap((a, i) => list.slice(i + 1).map((b) => [a, b]));

const headersSchema = (headers, overrides = {}) => ({
  type: 'object',
  properties: Object.fromEntries(
    Object.entries(headers).map(([name, h]) => [name, { type: 'string', description: h.description, ...(overrides[name] ?? {}) }]),
  ),
  required: Object.entries(headers)
    .filter(([, h]) => h.required)
    .map(([name]) => name),
});

/** The original headers travel along, as they were: a message can be dead-lettered for a missing one. */
const optional = (headers) => Object.fromEntries(Object.entries(headers).map(([k, h]) => [k, { ...h, required: false }]));

const pascal = (s) => s.replace(/(^|[-.])([a-z])/g, (_, __, c) => c.toUpperCase());
const ident = (s) => s.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ''));

/** The AsyncAPI 3.0 document of one service. */
export function asyncApiDocument(service, set = readDescriptors()) {
  const spec = SERVICES[service];
  if (!spec) throw new Error(`no AsyncAPI catalogue entry for service ${service} (scripts/asyncapi/catalogue.mjs)`);
  const idx = index(set);
  const channels = {};
  const operations = {};
  const messages = {};
  const roots = new Set();

  const envelopeMessages = (topic) => {
    const t = TOPICS[topic];
    const envelope = idx.messages.get(t.envelope);
    roots.add(t.envelope);
    if (!t.oneof) {
      const id = t.envelope;
      messages[id] = {
        name: t.envelope.split('.').pop(),
        title: t.envelope.split('.').pop(),
        summary: envelope.description?.split('\n')[0],
        description: envelope.description,
        contentType: 'application/protobuf',
        headers: headersSchema(t.headers ?? EVENT_HEADERS, { ce_type: { const: t.envelope }, ce_dataschema: { const: t.envelope } }),
        payload: { $ref: `#/components/schemas/${t.envelope}` },
        bindings: kafkaKey(t),
      };
      for (const extra of t.extraMessages ?? []) messages[extra.id] = { ...extra.message, bindings: kafkaKey(t) };
      return [id, ...(t.extraMessages ?? []).map((e) => e.id)];
    }
    const oneofIndex = envelope.oneofs.indexOf(t.oneof);
    const cases = envelope.fields.filter((f) => f.oneofIndex === oneofIndex);
    const common = envelope.fields.filter((f) => f.oneofIndex === undefined);
    return cases.map((f) => {
      const type = f.typeName.slice(1);
      roots.add(type);
      const described = idx.messages.get(type).description;
      messages[type] = {
        name: type.split('.').pop(),
        title: type.split('.').pop(),
        summary: described?.split('\n')[0],
        description: `${described ?? type}\n\nOn the wire: a binary protobuf \`${t.envelope}\` whose \`${t.oneof}\` is \`${f.name}\`; the payload schema is its proto3 JSON mapping.`,
        contentType: 'application/protobuf',
        headers: headersSchema(EVENT_HEADERS, { ce_type: { const: type }, ce_dataschema: { const: t.envelope } }),
        payload: {
          type: 'object',
          required: [...common.map((c) => c.jsonName), f.jsonName],
          properties: Object.fromEntries([
            ...common.map((c) => [c.jsonName, { $ref: `#/components/schemas/${c.typeName.slice(1)}` }]),
            [f.jsonName, { $ref: `#/components/schemas/${type}` }],
          ]),
          additionalProperties: false,
          'x-protobuf-message': t.envelope,
          'x-protobuf-oneof-case': f.name,
        },
        bindings: kafkaKey(t),
      };
      return type;
    });
  };

  const addChannel = (topic, action, description, messageIds) => {
    const t = TOPICS[topic];
    const id = ident(topic.replace(/^homeward\./, ''));
    channels[id] = {
      address: topic,
      title: topic,
      description,
      ...(topic.includes('{country}')
        ? { parameters: { country: { description: "The mission's MISSION_COUNTRY in lower case (ISO 3166-1 alpha-2), e.g. sa" } } }
        : {}),
      messages: Object.fromEntries(messageIds.map((m) => [m.replace(/\./g, '_'), { $ref: `#/components/messages/${m}` }])),
      bindings: {
        kafka: {
          ...(topic.includes('{') ? {} : { topic }),
          partitions: t.partitions,
          replicas: 3,
          topicConfiguration: t.compacted
            ? { 'cleanup.policy': ['compact'], 'delete.retention.ms': 604_800_000 }
            : { 'cleanup.policy': ['delete'], 'retention.ms': -1, 'retention.bytes': -1 },
          bindingVersion: '0.5.0',
        },
      },
    };
    operations[`${action}${pascal(id)}`] = {
      action,
      channel: { $ref: `#/channels/${id}` },
      summary: action === 'send' ? `${service} publishes to ${topic}` : `${service} consumes ${topic}`,
      messages: messageIds.map((m) => ({ $ref: `#/channels/${id}/messages/${m.replace(/\./g, '_')}` })),
    };
  };

  for (const topic of spec.publishes) addChannel(topic, 'send', TOPICS[topic].description, envelopeMessages(topic));
  for (const dlq of spec.deadLetters) {
    const ids = dlq.sources.map((source) => {
      const t = TOPICS[source];
      roots.add(t.envelope);
      const id = `${t.envelope}.DeadLettered`;
      messages[id] = {
        name: `${t.envelope.split('.').pop()}DeadLettered`,
        title: `${t.envelope.split('.').pop()} dead-lettered`,
        summary: `A message of ${source} that ${dlq.consumer} could not apply, as it was read, with why.`,
        contentType: 'application/protobuf',
        headers: headersSchema({ ...optional(EVENT_HEADERS), ...DEAD_LETTER_HEADERS }),
        payload: { $ref: `#/components/schemas/${t.envelope}` },
        bindings: kafkaKey(t),
      };
      return id;
    });
    addChannel(
      dlq.topic,
      'send',
      `Dead letters of the consumer group ${dlq.consumer}: a message of ${dlq.sources.join(', ')} it could not decode or apply after its retries, with the original key, value and headers and the dlq_* headers saying why. Nothing on it is lost; an operator replays or explains each.`,
      ids,
    );
  }

  return {
    asyncapi: '3.0.0',
    id: `urn:homeward:${service}`,
    info: {
      title: `Homeward ${service}: Kafka topics`,
      version: '1.0.0',
      description: `${spec.description}\n\nGenerated from proto/ by scripts/asyncapi/generate.mjs (never edited by hand). Messages are CloudEvents 1.0 in Kafka binary mode: the ce_* headers, and the value a binary protobuf message; the payload schemas give each message's proto3 JSON mapping.`,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/protobuf',
    servers: {
      kafka: {
        host: 'homeward-kafka-bootstrap:9092',
        protocol: 'kafka',
        description:
          'The Strimzi cluster of infra/k8s (127.0.0.1:9092 for `npm start`); topic names take TOPIC_NAMESPACE as a prefix when it is set.',
      },
    },
    channels,
    operations,
    components: { messages, schemas: schemasFor([...roots], idx) },
  };
}

const kafkaKey = (t) => ({
  kafka: {
    key: {
      type: 'string',
      description: t.key ?? 'the stream id without its prefix: one stream’s messages share a partition and keep their order',
    },
    bindingVersion: '0.5.0',
  },
});

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [service, out] = process.argv.slice(2);
  if (!service) {
    console.error('usage: generate.mjs <service> [out.json]');
    process.exit(2);
  }
  const target = resolve(out ?? join(ROOT, 'services', service, 'asyncapi', 'asyncapi.json'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(asyncApiDocument(service), null, 2)}\n`);
}
