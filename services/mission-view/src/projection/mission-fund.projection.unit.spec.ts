import { countries } from '@homeward/classifications/countries';
import type { FundFact } from '@homeward/projections/fund';
import { fundClaimChanges, fundRelevance } from './mission-fund.projection';

// A mission holds its own country's claims and never another's: checked for every mission country ×
// every claim country of ISO 3166-1, each kind of claim event, and the events that name no country.

const envelope = (destinationCountry: string) => ({
  eventId: 'e',
  eventType: 'homeward.fund.v1.X',
  streamId: 'claim-c',
  streamVersion: 1,
  recordedAt: new Date('2026-01-01T00:00:00Z'),
  actor: { organisationId: 'ph-owwa', kind: 'agency' },
  originCountry: 'PH',
  destinationCountry,
});

const claimEvents = (country: string): FundFact[] => [
  {
    type: 'ClaimFiled',
    envelope: envelope(country),
    data: {
      claimId: 'c',
      workerId: 'w',
      fundId: 'PH-OWWA',
      filedBy: 'mission',
      draft: false,
      benefitType: 'death',
      incidentKind: 'death',
      incidentOn: '2026-01-01',
      destinationCountry: country,
      documentsRequired: [],
      filedOn: '2026-01-02',
    },
  },
  {
    type: 'ClaimApproved',
    envelope: envelope(country),
    data: { claimId: 'c', officerId: 'o', level: 1, final: true, approvedOn: '2026-01-03', decisionNumber: 1 },
  },
  {
    type: 'ClaimRejected',
    envelope: envelope(country),
    data: { claimId: 'c', officerId: 'o', reasonCodes: [], rejectedOn: '2026-01-03', decisionNumber: 1 },
  },
  { type: 'DisbursementMade', envelope: envelope(country), data: { claimId: 'c', provider: 'local', disbursedOn: '2026-01-04' } },
  { type: 'ClaimClosed', envelope: envelope(country), data: { claimId: 'c', closedOn: '2026-01-05', outcome: 'paid' } },
];

describe("a mission and the fund topic's claims", () => {
  const codes = countries().map((c) => c.alpha2);

  it(`keeps a claim's events exactly when the claim's country is the mission's, for all ${codes.length}² pairs of countries`, () => {
    let kept = 0;
    const wrong: string[] = [];
    for (const claimCountry of codes) {
      const events = claimEvents(claimCountry);
      for (const mission of codes) {
        for (const event of events) {
          const relevance = fundRelevance(event, mission);
          if (relevance === 'keep') kept++;
          if (relevance !== (mission === claimCountry ? 'keep' : 'drop'))
            wrong.push(`${event.type} in ${claimCountry} → ${mission}: ${relevance}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(kept).toBe(codes.length * 5);
  });

  it('drops a claim that names no country, and what is no claim (policies, contributions, case notes)', () => {
    for (const event of claimEvents('')) expect(fundRelevance(event, 'SA')).toBe('drop');
    const ignored: FundFact = { type: 'Ignored', envelope: envelope('SA'), data: {} };
    expect(fundRelevance(ignored, 'SA')).toBe('drop');
    expect(fundClaimChanges(ignored)).toEqual([]);
  });
});
