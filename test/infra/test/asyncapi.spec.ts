import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import type { DescMessage } from '@homeward/contracts';
import { RegistrationEventSchema } from '@homeward/contracts/registration/v1';
import { SkillsEventSchema } from '@homeward/contracts/skills/v1';
import { EmploymentEventSchema } from '@homeward/contracts/employment/v1';
import { FundEventSchema } from '@homeward/contracts/fund/v1';
import { K8S, REPO, kustomizationResources } from './support/kubernetes';

/*
 * The AsyncAPI documents `turbo run generate` writes from proto/ (scripts/asyncapi/generate.mjs) and the
 * services serve at /asyncapi.json: the AsyncAPI parser finds no error in them, each names every event type of
 * its envelope's oneof (read here from the protobuf-es descriptors, not from the generator's input), every
 * dead-letter topic the code names, and no topic that infra/k8s does not create. They are what the generator
 * writes now from proto/ (not stale).
 */

const SERVICES = ['registration', 'skills-certification', 'employment-matching', 'emergency-fund', 'agency-view', 'mission-view'];
const ENVELOPES: Record<string, { readonly topic: string; readonly schema: DescMessage }> = {
  registration: { topic: 'homeward.registration.events.v1', schema: RegistrationEventSchema },
  'skills-certification': { topic: 'homeward.skills.events.v1', schema: SkillsEventSchema },
  'employment-matching': { topic: 'homeward.employment.events.v1', schema: EmploymentEventSchema },
  'emergency-fund': { topic: 'homeward.fund.events.v1', schema: FundEventSchema },
};

interface Document {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { messages: Record<string, { headers: { properties: Record<string, { const?: string }> }; payload: unknown }> };
}

const read = (service: string): Document =>
  JSON.parse(readFileSync(join(REPO, 'services', service, 'asyncapi', 'asyncapi.json'), 'utf8')) as Document;
const documents = new Map(SERVICES.map((s) => [s, read(s)]));

describe('the AsyncAPI documents', () => {
  it.each(SERVICES)(
    'of %s pass the AsyncAPI parser without an error',
    async (service) => {
      const { document, diagnostics } = await new Parser().parse(
        readFileSync(join(REPO, 'services', service, 'asyncapi', 'asyncapi.json'), 'utf8'),
      );
      // Severity 0 is an error, 1 a warning (both fail here); 2 and 3 are hints such as "3.1.0 exists".
      expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
      expect(document).toBeDefined();
      expect(document!.version()).toBe('3.0.0');
      expect(document!.allMessages().length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('refuse, through the same parser, a document with a wrong field', async () => {
    const broken = structuredClone(documents.get('registration')!) as unknown as Record<string, any>;
    const first = Object.keys(broken.operations)[0]!;
    broken.operations[first].action = 'publish'; // AsyncAPI 2's word; 3 says send or receive
    const { diagnostics } = await new Parser().parse(JSON.stringify(broken));
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => d.path.join('.'))).toContain(`operations.${first}.action`);
  }, 60_000);

  it.each(Object.keys(ENVELOPES))('of %s name every event type of its envelope, each a message of its events topic', (service) => {
    const { topic, schema } = ENVELOPES[service]!;
    const document = documents.get(service)!;
    const channel = Object.values(document.channels).find((c) => c.address === topic)!;
    expect(channel).toBeDefined();
    const types = Object.values(channel.messages).map((ref) => {
      const message = document.components.messages[ref.$ref.split('/').pop()!]!;
      return message.headers.properties.ce_type?.const;
    });
    const oneof = schema.oneofs.find((o) => o.name === 'event')!;
    const expected = oneof.fields.map((f) => f.message!.typeName);
    expect(expected.length).toBeGreaterThan(5);
    expect([...types].sort()).toEqual([...expected].sort());
    expect(
      Object.values(document.operations).some(
        (o) =>
          o.action === 'send' &&
          o.channel.$ref.endsWith(`/${Object.keys(document.channels).find((k) => document.channels[k] === channel)}`),
      ),
    ).toBe(true);
  });

  it('document every dead-letter topic the code names, and only topics infra/k8s creates', () => {
    const addresses = [...documents.values()].flatMap((d) => Object.values(d.channels).map((c) => c.address));
    const k8sTopics = new Set(
      kustomizationResources(join(K8S, 'base'))
        .filter((l) => l.resource.kind === 'KafkaTopic')
        .map((l) => l.resource.spec.topicName as string),
    );
    const missions = [...k8sTopics].filter((t) => /^homeward\.mission-view-[a-z]{2}\.dlq\.v1$/.test(t));
    expect(missions.length).toBeGreaterThan(0);
    const concrete = addresses.flatMap((a) => (a.includes('{country}') ? missions : [a]));
    expect(concrete.filter((a) => !k8sTopics.has(a))).toEqual([]);

    const named = new Set<string>();
    for (const file of readdirSync(join(REPO, 'services'), { recursive: true, withFileTypes: true })) {
      if (!file.isFile() || !file.name.endsWith('.ts') || file.name.endsWith('.spec.ts') || file.parentPath.includes('node_modules'))
        continue;
      for (const m of readFileSync(join(file.parentPath, file.name), 'utf8').matchAll(/homeward\.([a-z-]+(?:\.[a-z-]+)*)\.dlq\.v1/g))
        named.add(m[0]);
    }
    expect(named.size).toBeGreaterThanOrEqual(5);
    expect([...named].filter((t) => !addresses.includes(t))).toEqual([]);
    expect(addresses).toEqual(
      expect.arrayContaining([
        'homeward.agency-view.dlq.v1',
        'homeward.mission-view-{country}.dlq.v1',
        'homeward.registration.directory.v1',
      ]),
    );
  });

  it('are what the generator writes from proto/ now', () => {
    const script = `
      import { asyncApiDocument, readDescriptors } from ${JSON.stringify(join(REPO, 'scripts', 'asyncapi', 'generate.mjs'))};
      const set = readDescriptors();
      process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(SERVICES)}.map((s) => [s, asyncApiDocument(s, set)]))));`;
    const fresh = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }).toString(),
    ) as Record<string, unknown>;
    for (const service of SERVICES) expect([service, fresh[service]]).toEqual([service, documents.get(service)]);
  }, 60_000);
});
