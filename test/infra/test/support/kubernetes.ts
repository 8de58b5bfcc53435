import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

export const REPO = resolve(__dirname, '..', '..', '..', '..');
export const K8S = join(REPO, 'infra', 'k8s');

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: unknown;
}

export interface Located {
  readonly file: string;
  readonly resource: Resource;
}

/** Every document of a multi-document YAML file (empty documents, comments only, skipped). */
export function readResources(file: string): Located[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  return documents.flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
    const resource = document.toJS() as Resource | null;
    return resource ? [{ file, resource }] : [];
  });
}

/** The resources a kustomization lists (files only; no generators or patches are used), in order. */
export function kustomizationResources(dir: string): Located[] {
  const kustomization = readResources(join(dir, 'kustomization.yaml'))[0]!.resource as unknown as { resources: string[] };
  return kustomization.resources.flatMap((path) => readResources(join(dir, path)));
}

// ---- custom resources: the vendored CRD schemas (infra/k8s/schemas), validated with ajv

interface SchemaIndexEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly file: string;
}

type Schema = Record<string, unknown>;

/**
 * What `kubectl apply` (server-side field validation Strict, the default since Kubernetes 1.27) and kubeconform
 * --strict do with a structural CRD schema: an object that lists its properties accepts no other field, unless it
 * says `x-kubernetes-preserve-unknown-fields` or has `additionalProperties` of its own. The vendored schemas are
 * kept as published; this is applied when they are compiled.
 */
export function strictSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strictSchema(v)]))
        : strictSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

let crdValidators: Map<string, ValidateFunction> | undefined;

function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  if (!crdValidators) {
    // OpenAPI v3 schemas of CRDs are JSON Schema with vocabulary of Kubernetes' own (x-kubernetes-*) and
    // `nullable`; ajv is told of those keywords rather than run non-strict.
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const keyword of [
      'x-kubernetes-preserve-unknown-fields',
      'x-kubernetes-int-or-string',
      'x-kubernetes-list-type',
      'x-kubernetes-list-map-keys',
      'x-kubernetes-map-type',
      'x-kubernetes-validations',
      'x-kubernetes-embedded-resource',
    ]) {
      ajv.addKeyword({ keyword });
    }
    const index = JSON.parse(readFileSync(join(K8S, 'schemas', 'index.json'), 'utf8')) as SchemaIndexEntry[];
    crdValidators = new Map(
      index.map((entry) => {
        const schema = strictSchema(JSON.parse(readFileSync(join(K8S, 'schemas', entry.file), 'utf8'))) as Schema;
        return [`${entry.apiVersion} ${entry.kind}`, ajv.compile(intOrString(schema) as Schema)];
      }),
    );
  }
  return crdValidators.get(`${apiVersion} ${kind}`);
}

/** `x-kubernetes-int-or-string: true` admits an integer or a string whatever `type` the schema gives. */
function intOrString(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(intOrString);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = Object.fromEntries(Object.entries(schema as Schema).map(([k, v]) => [k, intOrString(v)]));
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`,
    )
    .join('; ');
}

// ---- core resources: kubernetes-models (types, enums, required) in a process of its own, and the TypeScript
// checker on kubernetes-models' declarations for fields that do not exist (excess property checks)

const CORE_GROUPS: Record<string, string> = {
  v1: 'v1',
  'apps/v1': 'apps/v1',
  'policy/v1': 'policy/v1',
  'autoscaling/v2': 'autoscaling/v2',
  'networking.k8s.io/v1': 'networking.k8s.io/v1',
  'batch/v1': 'batch/v1',
};

function coreModelErrors(resources: readonly Resource[]): (string | null)[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-core.mjs')], {
    input: JSON.stringify(resources),
    cwd: __dirname,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as (string | null)[];
}

function coreFieldErrors(resources: readonly Resource[]): string[] {
  const file = join(REPO, 'test', 'infra', 'test', 'support', '__manifests__.ts');
  const imports = new Map<string, string>();
  const lines = resources.map((r, i) => {
    const dir = CORE_GROUPS[r.apiVersion];
    if (!dir) return `// ${i}: not a core resource`;
    const type = `T${i}`;
    imports.set(type, `import type { I${r.kind} as ${type} } from 'kubernetes-models/${dir}/${r.kind}';`);
    return `export const r${i}: ${type} = ${JSON.stringify(r)};`;
  });
  const source = [...imports.values(), ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) =>
    resolve(name) === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const index = d.file && resolve(d.file.fileName) === file ? lineToResource(source, where) : undefined;
    return index === undefined ? text : `#${index}: ${text}`;
  });
}

function lineToResource(source: string, line: number): number | undefined {
  const match = /^export const r(\d+)/.exec(source.split('\n')[line] ?? '');
  return match ? Number(match[1]) : undefined;
}

/** What is wrong with each resource (an empty list when all are valid). */
export function validateResources(located: readonly Located[]): string[] {
  const errors: string[] = [];
  const core: Located[] = [];
  for (const item of located) {
    const { apiVersion, kind, metadata } = item.resource;
    const name = `${item.file.replace(`${REPO}/`, '')}: ${kind} ${metadata?.name}`;
    if (!metadata?.name) errors.push(`${name}: no metadata.name`);
    if (CORE_GROUPS[apiVersion]) {
      core.push(item);
      continue;
    }
    const validate = crdValidator(apiVersion, kind);
    if (!validate) errors.push(`${name}: no schema for ${apiVersion} ${kind} (vendor its CRD in infra/k8s/schemas)`);
    else if (!validate(item.resource)) errors.push(`${name}: ${describe(validate.errors)}`);
  }
  if (core.length > 0) {
    const resources = core.map((c) => c.resource);
    coreModelErrors(resources).forEach((error, i) => {
      if (error)
        errors.push(`${core[i]!.file.replace(`${REPO}/`, '')}: ${core[i]!.resource.kind} ${core[i]!.resource.metadata?.name}: ${error}`);
    });
    for (const error of coreFieldErrors(resources)) {
      const match = /^#(\d+): /.exec(error);
      const c = match ? core[Number(match[1])] : undefined;
      errors.push(
        c ? `${c.file.replace(`${REPO}/`, '')}: ${c.resource.kind} ${c.resource.metadata?.name}: ${error.slice(match![0].length)}` : error,
      );
    }
  }
  return errors;
}

export const relative = (file: string): string => file.replace(`${REPO}/`, '');
