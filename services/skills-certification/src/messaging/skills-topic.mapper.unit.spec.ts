import { randomBytes, randomUUID } from 'node:crypto';
import { toStoredSeal } from '@homeward/command-handling/streams';
import type { StoredEvent } from '@homeward/event-store';
import { assessed, counselled, evidenced, partialIssued, standardId, workerId } from '../domain/testing/skills.fixture';
import { decodeSkillsEvent } from './skills-event.proto-mapper';
import { skillsMessage } from './skills-topic.mapper';

// The skills topic carries each stored event as a SkillsEvent: keyed by its stream, with the CloudEvents
// headers, and free text about the worker only as the seals the store holds — never in the clear.

const stored = (streamId: string, type: string, data: Record<string, unknown>, streamVersion = 1): StoredEvent => ({
  globalPosition: streamVersion,
  transactionId: '1000',
  streamId,
  streamVersion,
  eventId: randomUUID(),
  type,
  data,
  metadata: {
    actor: { organisationId: 'ph-tesda', kind: 'agency', userId: 'assessor-registrar' },
    originCountry: 'PH',
    destinationCountry: '',
    correlationId: randomUUID(),
    causationId: randomUUID(),
  },
  occurredAt: new Date('2025-02-01T00:00:00Z'),
  recordedAt: new Date('2025-06-30T09:00:00Z'),
});
const toMessage = skillsMessage('homeward.skills.events.v1', '/homeward/ph/skills-certification');
const seal = () => ({ keyId: randomUUID(), nonce: randomBytes(12), ciphertext: randomBytes(48) });
/** As the store holds an event whose free text was sealed: the clear fields gone, their seals under `sealed`. */
function asStored<T extends { data: object }>(event: T, fields: readonly string[]) {
  const seals = Object.fromEntries(fields.map((f) => [f, seal()]));
  const data = Object.fromEntries(Object.entries(event.data).filter(([k]) => !fields.includes(k)));
  return { data: { ...data, sealed: Object.fromEntries(Object.entries(seals).map(([f, s]) => [f, toStoredSeal(s)])) }, seals };
}

describe('a skills event on the topic', () => {
  it('is keyed by its stream and carries the CloudEvents headers and the envelope', () => {
    const message = toMessage(stored(`candidate-${workerId}`, 'CounsellingRecorded', { ...asStored(counselled, ['notes']).data }));
    expect(message.topic).toBe('homeward.skills.events.v1');
    expect(message.key).toBe(`candidate-${workerId}`);
    expect(message.headers).toMatchObject({
      ce_type: 'homeward.skills.v1.CounsellingRecorded',
      ce_subject: `candidate-${workerId}`,
      ce_dataschema: 'homeward.skills.v1.SkillsEvent',
      'content-type': 'application/protobuf',
    });
    const decoded = decodeSkillsEvent(message.value!);
    expect(decoded.envelope).toMatchObject({ eventType: 'homeward.skills.v1.CounsellingRecorded', streamVersion: 1n });
    expect(decoded.envelope?.jurisdiction).toMatchObject({ originCountry: 'PH', destinationCountry: '' });
  });

  it('carries notes, issuers, descriptions and remarks only as the stored seals', () => {
    const cases = [
      { event: counselled, fields: ['notes'], proto: { notes: 'sealedNotes' } },
      { event: evidenced, fields: ['issuer', 'description'], proto: { issuer: 'sealedIssuer', description: 'sealedDescription' } },
      { event: assessed, fields: ['remarks'], proto: { remarks: 'sealedRemarks' } },
    ] as const;
    for (const { event, fields, proto } of cases) {
      const { data, seals } = asStored(event, fields);
      const bytes = toMessage(stored(`candidate-${workerId}`, event.type, data)).value!;
      const value = decodeSkillsEvent(bytes).event.value as unknown as Record<
        string,
        { keyId: string; nonce: Uint8Array; ciphertext: Uint8Array }
      >;
      for (const field of fields) {
        const s = seals[field]!;
        expect(value[(proto as Record<string, string>)[field]!]).toMatchObject({
          keyId: s.keyId,
          nonce: new Uint8Array(s.nonce),
          ciphertext: new Uint8Array(s.ciphertext),
        });
      }
      // No clear text of the event's free text anywhere in the bytes.
      const text = Buffer.from(bytes).toString('latin1');
      for (const field of fields) {
        const clear = (event.data as Record<string, unknown>)[field];
        for (const words of typeof clear === 'string' ? [clear] : Object.values(clear as Record<string, string>))
          expect(text).not.toContain(words);
      }
    }
  });

  it('never publishes clear text that reached the stored data by mistake, nor the verification-code hash', () => {
    const bytes = toMessage(stored(`candidate-${workerId}`, 'EvidenceAdded', { ...evidenced.data })).value!;
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).not.toContain('Al Noor household');
    expect(text).not.toContain('Three years of housekeeping');
    const certificate = toMessage(stored(`candidate-${workerId}`, 'CertificateIssued', { ...partialIssued.data }, 4)).value!;
    const decoded = decodeSkillsEvent(certificate);
    expect(decoded.event.case).toBe('certificateIssued');
    expect(decoded.event.value).toMatchObject({
      certificateNumber: 'COC-0001',
      standardId,
      unitCodes: ['HHK-01', 'HHK-02'],
      revocationStatusIndex: 7,
    });
    expect(Buffer.from(certificate).toString('latin1')).not.toContain('b'.repeat(64));
  });

  it('maps the standard’s and the centre’s streams too', () => {
    const published = toMessage(
      stored(`standard-${standardId}`, 'CompetencyStandardPublished', {
        standardId,
        version: 1,
        title: 'Housekeeping NC II',
        occupationIsco: '9111',
        level: 2,
        units: [{ code: 'HHK-01', title: 'Clean rooms', escoSkills: [], evidenceRequired: ['work_sample', 'employer_reference'] }],
        effectiveFrom: '2024-01-01',
        publishedOn: '2024-01-01',
      }),
    );
    expect(published.key).toBe(`standard-${standardId}`);
    const standard = decodeSkillsEvent(published.value!).event;
    expect(standard.case).toBe('competencyStandardPublished');
    expect(standard.value).toMatchObject({ version: 1, level: 2, units: [{ code: 'HHK-01', evidenceRequired: [3, 2] }] });
    const centre = decodeSkillsEvent(
      toMessage(
        stored('centre-c1', 'AssessmentCentreRegistered', {
          centreId: 'c1',
          name: 'Angeles',
          subdivision: 'PH-03',
          registeredOn: '2024-01-01',
        }),
      ).value!,
    ).event;
    expect(centre).toMatchObject({ case: 'assessmentCentreRegistered', value: { subdivision: 'PH-03' } });
  });
});
