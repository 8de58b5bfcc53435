import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { toStoredSeal } from '@homeward/command-handling/streams';
import type { StoredEvent } from '@homeward/event-store';
import { sequences } from '../domain/testing/candidate.arbitraries';
import { NOW, UNITS, esco, standardId } from '../domain/testing/skills.fixture';
import { decide as decideCandidate } from '../domain/candidate/candidate.decider';
import { CANDIDATE_SEALED_FIELDS } from '../domain/candidate/candidate.events';
import { evolve as evolveCandidate, initialState as noCase } from '../domain/candidate/candidate.state';
import { decide as decideCentre, type CentreCommand } from '../domain/centre/centre.decider';
import { evolve as evolveCentre, initialState as noCentre } from '../domain/centre/centre.state';
import { SkillsRuleViolation, UnknownCodes } from '../domain/skills.errors';
import { decide as decideStandard, type StandardCommand } from '../domain/standard/standard.decider';
import { EVIDENCE_KINDS } from '../domain/standard/standard.events';
import { evolve as evolveStandard, initialState as noStandard, standardFacts } from '../domain/standard/standard.state';
import { PROTO_EVENT_TYPES, decodeSkillsEvent, type SkillsDomainEvent } from './skills-event.proto-mapper';
import { SKILLS_STORED_ROW, skillsMessage } from './skills-topic.mapper';
import { STORED_RESIDUE_HEADER, storedRowFromMessage, storedRowJson } from '@homeward/contracts/stored-row';

// Every event the deciders decide, stored as the service stores it (free text sealed) and mapped by the
// relay's own mapper, encodes, and decodes as the event it was: the relay never meets an event it cannot
// publish (registration's issue 9, defect 1).

const toMessage = skillsMessage('homeward.skills.events.v1', '/homeward/ph/skills-certification');
const sealedFields: Record<string, readonly string[]> = CANDIDATE_SEALED_FIELDS;
let version = 0;

/** As the store holds the event: sealed fields replaced by their seals. */
function stored(streamId: string, event: SkillsDomainEvent): StoredEvent {
  const fields = sealedFields[event.type] ?? [];
  const data = Object.fromEntries(Object.entries(event.data).filter(([k]) => !fields.includes(k)));
  const present = fields.filter((f) => (event.data as Record<string, unknown>)[f] !== undefined);
  const sealed = Object.fromEntries(
    present.map((f) => [f, toStoredSeal({ keyId: randomUUID(), nonce: randomBytes(12), ciphertext: randomBytes(40) })]),
  );
  version++;
  return {
    globalPosition: version,
    transactionId: '1',
    streamId,
    streamVersion: version,
    eventId: randomUUID(),
    type: event.type,
    data: present.length === 0 ? data : { ...data, sealed },
    metadata: {
      actor: { organisationId: 'ph-tesda', kind: 'agency', userId: 'u' },
      originCountry: 'PH',
      destinationCountry: '',
      correlationId: randomUUID(),
      causationId: randomUUID(),
    },
    occurredAt: new Date('2025-01-01T00:00:00Z'),
    recordedAt: NOW,
  };
}

function publishes(streamId: string, event: SkillsDomainEvent): void {
  const row = stored(streamId, event);
  const message = toMessage(row);
  const decoded = decodeSkillsEvent(message.value!);
  // The message carries its stored row, and no copy of it: catch-up reads the row off the message, but for
  // the certificate's verification-code hash, which is never published.
  expect(Object.keys(message.headers)).not.toContain('homeward_stored_event');
  const residue = message.headers[STORED_RESIDUE_HEADER] as string;
  const { verificationCodeHash, ...published } = row.data as { verificationCodeHash?: string };
  const expected = JSON.parse(JSON.stringify(storedRowJson({ ...row, data: published })));
  expect(residue).not.toContain(verificationCodeHash ?? 'no hash');
  expect(storedRowFromMessage(SKILLS_STORED_ROW, message.value!, residue)).toEqual({
    row: expected,
    withheld: verificationCodeHash === undefined ? [] : ['verificationCodeHash'],
  });
  expect(decoded.envelope?.eventType).toBe(PROTO_EVENT_TYPES[event.type]);
  expect(`homeward.skills.v1.${decoded.event.case?.replace(/^./, (c) => c.toUpperCase())}`).toBe(PROTO_EVENT_TYPES[event.type]);
  for (const field of sealedFields[event.type] ?? []) {
    const proto = `sealed${field.replace(/^./, (c) => c.toUpperCase())}`;
    expect(Boolean((decoded.event.value as unknown as Record<string, unknown>)[proto])).toBe(
      (event.data as Record<string, unknown>)[field] !== undefined,
    );
  }
}

const refused = (error: unknown) => error instanceof SkillsRuleViolation || error instanceof UnknownCodes;
const text = fc.string({ maxLength: 300 });
const unit = fc.record({
  code: fc.constantFrom(...UNITS, 'X-01', 'Ü-ñ'),
  title: text,
  escoSkills: fc.uniqueArray(fc.integer({ min: 1, max: 9 }).map(esco), { maxLength: 3 }),
  evidenceRequired: fc.subarray([...EVIDENCE_KINDS], { minLength: 1 }),
});
const content = fc.record({
  title: text,
  occupationIsco: fc.constantFrom('9111', '5152', '7212'),
  level: fc.integer({ min: 0, max: 9 }),
  units: fc.array(unit, { minLength: 1, maxLength: 5 }),
  effectiveFrom: fc.constantFrom('2024-01-01', '2025-01-01', '2026-01-01'),
});
const standardCommand: fc.Arbitrary<StandardCommand> = fc.oneof(
  content.map((c) => ({ type: 'PublishCompetencyStandard' as const, data: { standardId, ...c } })),
  content.map((c) => ({ type: 'ReviseCompetencyStandard' as const, data: c })),
  fc.constant({ type: 'WithdrawCompetencyStandard' as const, data: {} }),
);

describe('every decided skills event', () => {
  it('of a candidate encodes, free text sealed', () => {
    let published = 0;
    fc.assert(
      fc.property(sequences, (commands) => {
        let state = noCase();
        for (const command of commands) {
          try {
            const events = decideCandidate({ ...command, metadata: { now: NOW } }, state);
            for (const event of events) {
              publishes(`candidate-${command.data.workerId}`, event);
              published++;
              state = evolveCandidate(state, event);
            }
          } catch (error) {
            if (!refused(error)) throw error;
          }
        }
      }),
      { numRuns: 100 },
    );
    expect(published).toBeGreaterThan(500);
  });

  it('of a standard and of a centre encodes', () => {
    const published = { standard: 0, centre: 0 };
    fc.assert(
      fc.property(fc.array(standardCommand, { minLength: 1, maxLength: 6 }), text, (commands, name) => {
        let standard = noStandard();
        for (const command of commands) {
          try {
            for (const event of decideStandard({ ...command, metadata: { now: NOW } }, standard)) {
              publishes(`standard-${standardId}`, event);
              published.standard++;
              standard = evolveStandard(standard, event);
            }
          } catch (error) {
            if (!refused(error) && !(error instanceof Error && /Standard(NotFound|AlreadyPublished)/.test(error.name))) throw error;
          }
        }
        const centreCommands: CentreCommand[] = [
          { type: 'RegisterAssessmentCentre', data: { centreId: 'c1', name, subdivision: 'PH-03' } },
          {
            type: 'AccreditAssessor',
            data: {
              accreditationId: 'a1',
              assessorId: 'x',
              assessorName: name,
              standardId,
              validFrom: '2024-01-01',
              validUntil: '2026-12-31',
              standard: standardFacts(standard),
            },
          },
          { type: 'WithdrawAccreditation', data: { accreditationId: 'a1' } },
        ];
        let centre = noCentre();
        for (const command of centreCommands) {
          try {
            for (const event of decideCentre({ ...command, metadata: { now: NOW } }, centre)) {
              publishes('centre-c1', event);
              published.centre++;
              centre = evolveCentre(centre, event);
            }
          } catch (error) {
            if (!refused(error)) throw error;
          }
        }
      }),
      { numRuns: 200 },
    );
    expect(published.standard).toBeGreaterThan(30);
    expect(published.centre).toBeGreaterThan(220); // 200 registrations, and the accreditations of the standards that were published
  });
});
