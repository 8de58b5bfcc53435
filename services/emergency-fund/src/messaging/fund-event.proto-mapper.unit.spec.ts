import { BenefitType, IncidentKind } from '@homeward/contracts/fund/v1';
import {
  assessed,
  checkerApproved,
  disbursed,
  filed,
  makerApproved,
  policy,
  reconciled,
  rejected,
  TODAY,
  workerId,
} from '../domain/testing/fund.fixture';
import type { FundDomainEvent } from './fund-event.proto-mapper';
import { PROTO_EVENT_TYPES, decodeFundEvent, encodeFundEvent, toEnvelope, toFundEvent } from './fund-event.proto-mapper';
import { FUND_STORED_ROW, fundMessage } from './fund-topic.mapper';
import { STORED_RESIDUE_HEADER, storedRowFromMessage, storedRowJson } from '@homeward/contracts/stored-row';
import type { StoredEvent } from '@homeward/event-store';

const envelopeOf = (event: FundDomainEvent) =>
  toEnvelope(event, {
    eventId: '01890f5e-0000-7000-8000-0000000000aa',
    streamId: 'claim-1',
    streamVersion: 1,
    occurredAt: new Date('2026-12-01T00:00:00Z'),
    recordedAt: new Date('2026-12-01T08:00:00Z'),
    actor: { organisationId: 'ph-owwa', kind: 'agency', userId: 'officer-a' },
    originCountry: 'PH',
    destinationCountry: 'SA',
    correlationId: 'c',
    causationId: 'c',
  });

const seal = { keyId: 'k1', nonce: Buffer.from('nonce-123456').toString('base64'), ciphertext: Buffer.from('sealed').toString('base64') };
const EVENTS: FundDomainEvent[] = [
  { type: 'PolicyVersionPublished', data: policy },
  {
    type: 'ContributionRecorded',
    data: {
      workerId,
      fundId: 'PH-OWWA',
      contributionId: 'c1',
      amount: { currency: 'PHP', amountMinor: 140_000 },
      paidOn: TODAY,
      transferId: 't',
    },
  },
  {
    type: 'CoverageGranted',
    data: {
      workerId,
      fundId: 'PH-OWWA',
      basis: 'contribution',
      coveredFrom: TODAY,
      coveredUntil: '2028-11-30',
      sourceId: 'c1',
      policyVersion: 1,
    },
  },
  { type: 'PersonalDataErased', data: { workerId, erasedOn: TODAY, basis: 'registry_erasure' } },
  { ...filed, data: { ...(filed.data as object), caseNotes: seal } } as FundDomainEvent,
  {
    type: 'ClaimSubmitted',
    data: {
      claimId: 'claim-1',
      submittedOn: TODAY,
      submittedBy: 'x',
      benefitType: 'death',
      grade: 'natural',
      claimantRelation: 'spouse',
      documentsRequired: ['death-certificate'],
    },
  },
  {
    type: 'DocumentAttached',
    data: { claimId: 'claim-1', documentType: 'death-certificate', documentId: 'd', sha256: 'ab', attachedOn: TODAY, attachedBy: 'x' },
  },
  assessed(),
  makerApproved,
  checkerApproved,
  rejected,
  { type: 'ClaimAppealed', data: { claimId: 'claim-1', appealedOn: TODAY, appealedBy: 'x', grounds: 'g', previousOfficers: ['a'] } },
  disbursed,
  reconciled,
  {
    type: 'ReservationVoided',
    data: {
      claimId: 'claim-1',
      pendingTransferId: 'p',
      voidTransferId: 'v',
      amount: { currency: 'PHP', amountMinor: 1 },
      reason: 'cancelled',
      voidedOn: TODAY,
    },
  },
  { type: 'ClaimClosed', data: { claimId: 'claim-1', closedOn: TODAY, outcome: 'paid', closedBy: 'x' } },
  { type: 'CaseNotesAdded', data: { claimId: 'claim-1', workerId, notes: seal, addedOn: TODAY, addedBy: 'x' } },
];

describe('fund events on the topic', () => {
  it('covers every domain event type', () => {
    expect(new Set(EVENTS.map((e) => e.type))).toEqual(new Set(Object.keys(PROTO_EVENT_TYPES)));
  });

  it.each(EVENTS.map((e) => [e.type, e] as const))('%s encodes, decodes, and names its proto type in the envelope', (type, event) => {
    const decoded = decodeFundEvent(encodeFundEvent(toFundEvent(event, envelopeOf(event))));
    expect(decoded.envelope?.eventType).toBe(PROTO_EVENT_TYPES[type]);
    expect(decoded.event.case?.toLowerCase()).toBe(type.toLowerCase());
  });

  it.each(EVENTS.map((e) => [e.type, e] as const))(
    '%s gives back its stored row from the message alone, without a copy',
    (_type, event) => {
      const row: StoredEvent = {
        globalPosition: 1,
        transactionId: '1',
        streamId: 'claim-1',
        streamVersion: 3,
        eventId: '01890f5e-0000-7000-8000-0000000000aa',
        type: event.type,
        // What the relay reads back: the data through jsonb.
        data: JSON.parse(JSON.stringify(event.data)),
        metadata: {
          actor: { organisationId: 'ph-owwa', kind: 'agency', userId: 'officer-a' },
          originCountry: 'PH',
          destinationCountry: 'SA',
          correlationId: 'c',
          causationId: 'd',
        },
        occurredAt: new Date('2026-12-01T00:00:00.123Z'),
        recordedAt: new Date('2026-12-01T08:00:00.456Z'),
      };
      const message = fundMessage('homeward.fund.events.v1', '/homeward/ph/emergency-fund')(row);
      expect(Object.keys(message.headers)).not.toContain('homeward_stored_event');
      const residue = message.headers[STORED_RESIDUE_HEADER] as string;
      // An amount rule's empty schedule (stored as [], sent as nothing) and a rejection's empty note ('') are all the message lacks.
      if (!['PolicyVersionPublished', 'ClaimRejected'].includes(event.type)) expect(residue).toBe('');
      expect(storedRowFromMessage(FUND_STORED_ROW, message.value!, residue)).toEqual({ row: storedRowJson(row), withheld: [] });
    },
  );

  it('carries the claim’s codes, amounts in minor units, and case notes only sealed', () => {
    const decoded = decodeFundEvent(encodeFundEvent(toFundEvent(EVENTS[4]!, envelopeOf(EVENTS[4]!))));
    if (decoded.event.case !== 'claimFiled') throw new Error('not a ClaimFiled');
    expect(decoded.event.value.benefitType).toBe(BenefitType.DEATH);
    expect(decoded.event.value.incidentKind).toBe(IncidentKind.DEATH);
    expect(Buffer.from(decoded.event.value.caseNotes!.ciphertext).toString()).toBe('sealed');
    const approved = decodeFundEvent(encodeFundEvent(toFundEvent(checkerApproved, envelopeOf(checkerApproved))));
    if (approved.event.case !== 'claimApproved') throw new Error('not a ClaimApproved');
    expect(approved.event.value.amount).toMatchObject({ currency: 'PHP', amountMinor: 12_000_000n });
    expect(approved.event.value.pendingTransferId).toBe('claim:claim-1:reserve:1');
  });
});
