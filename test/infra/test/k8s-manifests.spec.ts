import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  K8S,
  REPO,
  kustomizationResources,
  readResources,
  relative,
  validateResources,
  type Located,
  type Resource,
} from './support/kubernetes';

/*
 * infra/k8s against the schemas a cluster would apply it with, since no cluster runs here: the Kubernetes kinds
 * with kubernetes-models (its validators are compiled from the Kubernetes OpenAPI schemas) and the TypeScript
 * checker on its declarations (a field that does not exist), the Strimzi, CloudNativePG and KEDA resources with
 * ajv on their CRDs' openAPIV3Schema as published (infra/k8s/schemas/index.json: release and commit), strict as
 * the API server is. Then what the services need of it: probes, security, secrets, topics, autoscaling.
 */

const base = kustomizationResources(join(K8S, 'base'));
const secretTemplates = readResources(join(K8S, 'secrets.template.yaml'));
const of = (kind: string): Resource[] => base.filter((l) => l.resource.kind === kind).map((l) => l.resource);
const deployments = of('Deployment');

type Container = any;
const containers = (d: Resource): Container[] => d.spec.template.spec.containers as Container[];

/** Wrong on purpose, one way each: the validation has to say so for every one of them. */
function negatives(): { readonly item: Located; readonly expected: RegExp }[] {
  const pick = (kind: string, name: string): Located => {
    const found = base.find((l) => l.resource.kind === kind);
    const item = structuredClone(found!);
    item.resource.metadata.name = name;
    return item;
  };
  const unknownField = pick('Deployment', 'negative-unknown-container-field');
  unknownField.resource.spec.template.spec.containers[0].readinessprobe = { httpGet: { path: '/health/ready', port: 'http' } };
  const wrongType = pick('Deployment', 'negative-port-as-text');
  wrongType.resource.spec.template.spec.containers[0].ports[0].containerPort = 'http';
  const wrongEnum = pick('Service', 'negative-service-type');
  wrongEnum.resource.spec.type = 'Internal';
  const hpa = pick('HorizontalPodAutoscaler', 'negative-hpa-field');
  hpa.resource.spec.minReplica = 1;
  const topic = pick('KafkaTopic', 'negative-topic-field');
  topic.resource.spec.replicationFactor = 3;
  const pool = pick('KafkaNodePool', 'negative-node-pool-role');
  pool.resource.spec.roles = ['leader'];
  const cluster = pick('Cluster', 'negative-cluster-instances');
  cluster.resource.spec.instances = 'three';
  const scaled = pick('ScaledObject', 'negative-scaled-object-field');
  scaled.resource.spec.maxReplicas = 6;
  const kafka = pick('Kafka', 'negative-kafka-replicas');
  kafka.resource.spec.kafka.replicas = 3;
  return [
    { item: unknownField, expected: /negative-unknown-container-field: .*'"readinessprobe"' does not exist/ },
    { item: wrongType, expected: /negative-port-as-text: .*containerPort must be integer/ },
    { item: wrongEnum, expected: /negative-service-type: .*type must be equal to one of the allowed values/ },
    { item: hpa, expected: /negative-hpa-field: .*'"minReplica"' does not exist/ },
    { item: topic, expected: /negative-topic-field: \/spec must NOT have additional properties \(replicationFactor\)/ },
    { item: pool, expected: /negative-node-pool-role: \/spec\/roles\/0 must be equal to one of the allowed values/ },
    { item: cluster, expected: /negative-cluster-instances: \/spec\/instances must be integer/ },
    { item: scaled, expected: /negative-scaled-object-field: \/spec must NOT have additional properties \(maxReplicas\)/ },
    { item: kafka, expected: /negative-kafka-replicas: \/spec\/kafka must NOT have additional properties \(replicas\)/ },
  ];
}

describe('infra/k8s', () => {
  let errors: string[];
  const wrong = negatives();

  beforeAll(() => {
    // One validation run (the schemas are compiled once): the manifests, the secret templates and the wrong ones.
    errors = validateResources([...base, ...secretTemplates, ...wrong.map((n) => n.item)]);
  }, 110_000);

  it('every resource of the kustomization and every secret template matches its schema', () => {
    expect(errors.filter((e) => !e.includes('negative-'))).toEqual([]);
    expect(base.length).toBeGreaterThan(60);
  });

  it.each(wrong.map((n) => [n.item.resource.metadata.name, n.expected] as const))('refuses %s', (name, expected) => {
    expect(errors.filter((e) => e.includes(`${name}:`)).join('\n')).toMatch(expected);
  });

  it('has every service process as a Deployment with health probes, limits and a locked-down security context', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect([d.metadata.name, pod.securityContext.runAsNonRoot, pod.securityContext.seccompProfile.type]).toEqual([
        d.metadata.name,
        true,
        'RuntimeDefault',
      ]);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of containers(d)) {
        const port = c.env.find((e: { name: string }) => e.name === 'PORT').value;
        expect([d.metadata.name, c.ports[0].containerPort]).toEqual([d.metadata.name, Number(port)]);
        expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(c.resources.limits.memory).toBeDefined();
      }
    }
    // Each event-sourced service runs its API, relay and consumers as processes of their own.
    const names = deployments.map((d) => d.metadata.name).sort();
    for (const service of ['registration', 'skills-certification', 'employment-matching', 'emergency-fund']) {
      for (const role of ['api', 'relay', 'projection']) {
        expect(names).toContain(`${service}-${role}`);
        const d = deployments.find((x) => x.metadata.name === `${service}-${role}`)!;
        expect(containers(d)[0].env).toContainEqual({ name: 'ROLES', value: role });
      }
    }
    expect(names).toEqual(expect.arrayContaining(['agency-view', 'mission-view-sa', 'mission-view-ae', 'statistics']));
  });

  it('uses the images docker-compose.yml builds', () => {
    const compose = parse(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string }> };
    const composeImages = new Set(Object.values(compose.services).map((s) => s.image.split(':')[0]));
    for (const d of deployments) for (const c of containers(d)) expect(composeImages).toContain(c.image.split(':')[0]);
  });

  it('gives every secret a process reads from a template, or from the database cluster that CloudNativePG creates', () => {
    const templates = new Map(secretTemplates.map((l) => [l.resource.metadata.name, Object.keys(l.resource.stringData as object)]));
    const clusters = new Set(of('Cluster').map((c) => `${c.metadata.name}-app`));
    for (const d of deployments) {
      for (const c of containers(d)) {
        for (const e of c.env.filter((x: { valueFrom?: unknown }) => x.valueFrom)) {
          const ref = e.valueFrom.secretKeyRef as { name: string; key: string };
          if (clusters.has(ref.name)) expect(['uri', 'username', 'password']).toContain(ref.key);
          else expect([d.metadata.name, templates.get(ref.name)]).toEqual([d.metadata.name, expect.arrayContaining([ref.key])]);
        }
      }
    }
    // Templates only: no key material is committed.
    for (const l of secretTemplates) for (const v of Object.values(l.resource.stringData as object)) expect(v).toMatch(/^<.*>$/);
  });

  it('has a KafkaTopic with replication factor 3 and min.insync.replicas 2 for every topic the code names', () => {
    const topics = new Map(of('KafkaTopic').map((t) => [t.spec.topicName as string, t]));
    for (const t of topics.values())
      expect([t.spec.topicName, t.spec.replicas, t.spec.config['min.insync.replicas']]).toEqual([t.spec.topicName, 3, 2]);
    const kafka = of('Kafka')[0]!;
    expect(kafka.spec.kafka.config).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'auto.create.topics.enable': false,
    });
    const pools = of('KafkaNodePool');
    expect(pools.map((p) => [p.spec.roles, p.spec.replicas])).toEqual([
      [['controller'], 3],
      [['broker'], 3],
    ]);

    // The topics named in the services' code: events (one per proto package), the directory, every dead-letter topic.
    const named = new Set<string>(['homeward.registration.directory.v1']);
    for (const pkg of readdirSync(join(REPO, 'proto', 'homeward')).filter((p) => p !== 'common')) named.add(`homeward.${pkg}.events.v1`);
    for (const file of sourceFiles(join(REPO, 'services'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/homeward\.([a-z-]+(?:\.[a-z-]+)*)\.dlq\.v1/g))
        named.add(`homeward.${m[1]}.dlq.v1`);
    }
    // Read models' dead-letter topics are homeward.<projection name>.dlq.v1 (packages/projections).
    for (const name of [
      'agency-view',
      ...deployments.filter((d) => d.metadata.name.startsWith('mission-view-')).map((d) => d.metadata.name),
    ])
      named.add(`homeward.${name}.dlq.v1`);
    expect([...named].filter((t) => !topics.has(t))).toEqual([]);
    expect(named.size).toBeGreaterThanOrEqual(13);
  });

  it('scales every consumer on its lag and points every autoscaler at a Deployment that exists', () => {
    const names = new Set(deployments.map((d) => d.metadata.name));
    const topics = new Set(of('KafkaTopic').map((t) => t.spec.topicName as string));
    for (const s of [...of('ScaledObject'), ...of('HorizontalPodAutoscaler')]) expect(names).toContain(s.spec.scaleTargetRef.name);
    for (const d of deployments.filter((x) => x.metadata.name.endsWith('-projection') || /view/.test(x.metadata.name))) {
      const scaled = of('ScaledObject').find((s) => s.spec.scaleTargetRef.name === d.metadata.name);
      expect([d.metadata.name, scaled?.spec.triggers.some((t: { type: string }) => t.type === 'kafka' || t.type === 'prometheus')]).toEqual(
        [d.metadata.name, true],
      );
      // A Deployment scaled by an autoscaler leaves its replica count to it.
      expect(d.spec.replicas).toBeUndefined();
    }
    for (const s of of('ScaledObject'))
      for (const t of s.spec.triggers.filter((x: { type: string }) => x.type === 'kafka')) {
        expect(topics).toContain(t.metadata.topic);
        expect(t.metadata.consumerGroup).toMatch(/^homeward\./);
      }
  });

  it('generates the dashboard ConfigMap from a file that is there', () => {
    const kustomization = parse(readFileSync(join(K8S, 'base', 'kustomization.yaml'), 'utf8')) as {
      configMapGenerator: { files: string[] }[];
    };
    const files = kustomization.configMapGenerator.flatMap((g) => g.files);
    expect(files).toContain('grafana/homeward-dashboard.json');
    for (const f of files) expect(() => JSON.parse(readFileSync(join(K8S, 'base', f), 'utf8'))).not.toThrow();
  });

  it('lists every manifest file in the kustomization', () => {
    const listed = new Set(base.map((l) => relative(l.file)));
    const onDisk = sourceFiles(join(K8S, 'base'), /\.yaml$/).filter((f) => !f.endsWith('kustomization.yaml'));
    expect(onDisk.map(relative).filter((f) => !listed.has(f))).toEqual([]);
  });
});

function sourceFiles(dir: string, pattern = /\.ts$/): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && pattern.test(e.name) && !e.parentPath.includes('node_modules') && !e.name.endsWith('.spec.ts'))
    .map((e) => join(e.parentPath, e.name));
}
