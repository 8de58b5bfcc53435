import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { StoredEvent } from '@homeward/event-store';
import {
  NOW,
  hired,
  interviewed,
  placementEnded,
  posted,
  referralClosed,
  referred,
  seekerLeft,
  seekerRegistered,
  vacancyClosed,
  vacancyFilled,
  vacancyWithdrawn,
} from '../domain/testing/employment.fixture';
import type { ScoreFactor } from '../domain/referral/referral.events';
import { PROTO_EVENT_TYPES, decodeEmploymentEvent, type EmploymentDomainEvent } from './employment-event.proto-mapper';
import { EMPLOYMENT_STORED_ROW, employmentMessage } from './employment-topic.mapper';
import { STORED_RESIDUE_HEADER, storedRowFromMessage, storedRowJson } from '@homeward/contracts/stored-row';

// Every kind of event the deciders record, stored as the service stores it and mapped by the relay's own
// mapper, encodes and decodes as the event it was; a referral's explained score crosses whole.

const toMessage = employmentMessage('homeward.employment.events.v1', '/homeward/ph/employment-matching');
let version = 0;

function stored(streamId: string, event: EmploymentDomainEvent): StoredEvent {
  version++;
  return {
    globalPosition: version,
    transactionId: '1',
    streamId,
    streamVersion: version,
    eventId: randomUUID(),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      actor: { organisationId: 'ph-peso', kind: 'agency', userId: 'u' },
      originCountry: 'PH',
      destinationCountry: '',
      correlationId: randomUUID(),
      causationId: randomUUID(),
    },
    occurredAt: new Date('2025-06-01T00:00:00Z'),
    recordedAt: NOW,
  };
}

const preferencesSet: EmploymentDomainEvent = {
  type: 'JobSeekerPreferencesSet',
  data: {
    workerId: 'w',
    setOn: '2025-06-01',
    occupations: ['9112'],
    areas: ['PH-CEB'],
    willingToRelocate: true,
    availableFrom: '2025-07-01',
  },
};
const EVERY: readonly EmploymentDomainEvent[] = [
  posted,
  vacancyClosed,
  vacancyFilled,
  vacancyWithdrawn,
  seekerRegistered,
  preferencesSet,
  seekerLeft,
  referred,
  interviewed,
  referralClosed,
  hired,
  placementEnded,
];

describe('the employment events on the topic', () => {
  it('covers every event type of the domain', () => {
    expect(EVERY.map((e) => e.type).sort()).toEqual(Object.keys(PROTO_EVENT_TYPES).sort());
  });

  it.each(EVERY.map((e) => [e.type, e] as const))('%s encodes and decodes as itself, keyed by its stream', (_type, event) => {
    const message = toMessage(stored(`x-${event.type}`, event));
    const decoded = decodeEmploymentEvent(message.value!);
    expect(message.key).toBe(`x-${event.type}`);
    expect(decoded.envelope?.eventType).toBe(PROTO_EVENT_TYPES[event.type]);
    expect(`homeward.employment.v1.${decoded.event.case?.replace(/^./, (c) => c.toUpperCase())}`).toBe(PROTO_EVENT_TYPES[event.type]);
    expect(message.headers.ce_type).toBe(PROTO_EVENT_TYPES[event.type]);
  });

  it.each(EVERY.map((e) => [e.type, e] as const))('%s gives back its stored row from the message alone, without a copy', (_type, event) => {
    const row = stored(`x-${event.type}`, event);
    const message = toMessage(row);
    expect(Object.keys(message.headers)).not.toContain('homeward_stored_event');
    // Nothing the message does not say already: the residue is empty.
    expect(message.headers[STORED_RESIDUE_HEADER]).toBe('');
    expect(storedRowFromMessage(EMPLOYMENT_STORED_ROW, message.value!, '')).toEqual({
      row: JSON.parse(JSON.stringify(storedRowJson(row))),
      withheld: [],
    });
  });

  it('carries any explained score whole: each factor, its evidence and cited events, and the sum', () => {
    const factor: fc.Arbitrary<ScoreFactor> = fc.record({
      name: fc.string({ minLength: 1, maxLength: 20 }),
      weightMilli: fc.integer({ min: -1_000_000, max: 1_000_000 }),
      valueMilli: fc.integer({ min: 0, max: 1000 }),
      contributionMilli: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      evidence: fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
      citedEventIds: fc.array(fc.uuid(), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(factor, { maxLength: 6 }), (factors) => {
        const scoreMilli = factors.reduce((s, f) => s + f.contributionMilli, 0);
        if (referred.type !== 'ReferralMade') throw new Error('the fixture is a referral');
        const event: EmploymentDomainEvent = { type: 'ReferralMade', data: { ...referred.data, factors, scoreMilli } };
        const row = stored('referral-r', event);
        const message = toMessage(row);
        const decoded = decodeEmploymentEvent(message.value!);
        if (decoded.event.case !== 'referralMade') throw new Error('not a referral');
        // And the stored row comes back from the message, with the residue it carries (empty but for '' texts).
        expect(storedRowFromMessage(EMPLOYMENT_STORED_ROW, message.value!, message.headers[STORED_RESIDUE_HEADER] as string)).toEqual({
          row: JSON.parse(JSON.stringify(storedRowJson(row))),
          withheld: [],
        });
        const v = decoded.event.value;
        expect(Number(v.scoreMilli)).toBe(scoreMilli);
        expect(
          v.factors.map((f) => ({
            name: f.name,
            weightMilli: Number(f.weightMilli),
            valueMilli: Number(f.valueMilli),
            contributionMilli: Number(f.contributionMilli),
            evidence: f.evidence,
            citedEventIds: f.citedEventIds,
          })),
        ).toEqual(factors);
      }),
      { numRuns: 200 },
    );
  });
});
