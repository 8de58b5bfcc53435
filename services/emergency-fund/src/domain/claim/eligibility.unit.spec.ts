import { ID_BPJS, LK_SLBFE, NP_FEWF, PH_OWWA } from '../policy/defaults';
import type { PolicyVersion } from '../policy/policy';
import { assess, computeAmount, type ClaimFacts } from './eligibility';

const owwa: PolicyVersion = { ...PH_OWWA, version: 1, publishedOn: '2016-05-10', publishedBy: 'system' };
const fewf: PolicyVersion = { ...NP_FEWF, version: 1, publishedOn: '2008-01-01', publishedBy: 'system' };
const slbfe: PolicyVersion = { ...LK_SLBFE, version: 1, publishedOn: '2021-05-17', publishedBy: 'system' };
const termsOf = (p: PolicyVersion, b: string) => p.benefits.find((t) => t.benefitType === b)!;

const facts = (f: Partial<ClaimFacts> = {}): ClaimFacts => ({
  incidentKind: 'death',
  incidentOn: '2026-11-20',
  filedOn: '2026-12-01',
  coveredOnIncidentDate: true,
  departedOn: '2025-03-01',
  documentsAttached: ['death-certificate', 'passport-copy', 'proof-of-relationship'],
  ...f,
});

describe('eligibility on json-rules-engine', () => {
  it('explains each rule with its fact, operator, expected and actual values, and the amount step by step', async () => {
    const a = (await assess(owwa, termsOf(owwa, 'death'), facts(), { grade: 'accidental' }))!;
    expect(a.eligible).toBe(true);
    expect(a.policyVersion).toBe(1);
    expect(a.rules.map((r) => r.ruleId)).toEqual([
      'incident-kind-covered',
      'covered-on-incident-date',
      'claim-within-time-limit',
      'incident-within-covered-period',
      'incident-not-before-departure',
      'documents-complete',
    ]);
    const limit = a.rules.find((r) => r.ruleId === 'claim-within-time-limit')!;
    expect(limit).toMatchObject({
      fact: 'daysFromIncidentToFiling',
      operator: 'lessThanInclusive',
      expected: 365,
      actual: 11,
      passed: true,
    });
    expect(limit.citation).toContain('OWWA');
    expect(a.amount.payable).toEqual({ currency: 'PHP', amountMinor: 22_000_000 });
    expect(a.amount.steps).toEqual(['schedule grade "accidental" = PHP 20000000', '+ burial PHP 2000000 = PHP 22000000']);
  });

  it('fails the coverage rule when coverage lapsed, and sets it aside on the humanitarian path, saying so', async () => {
    const lapsed = (await assess(owwa, termsOf(owwa, 'death'), facts({ coveredOnIncidentDate: false }), { grade: 'natural' }))!;
    expect(lapsed.eligible).toBe(false);
    expect(lapsed.reasonCodes).toEqual(['fund.reason.not-covered']);
    const humane = (await assess(
      owwa,
      termsOf(owwa, 'death'),
      facts({ coveredOnIncidentDate: false }),
      { grade: 'natural' },
      { reason: 'lapsed a week before' },
    ))!;
    expect(humane.eligible).toBe(true);
    expect(humane.humanitarian).toBe(true);
    expect(humane.humanitarianReason).toBe('lapsed a week before');
    expect(humane.rules.map((r) => r.ruleId)).not.toContain('covered-on-incident-date');
  });

  it('covers a death within a year of the return under Nepal’s fund, and not after it', async () => {
    const terms = termsOf(fewf, 'death');
    const docs = terms.documentsRequired;
    const within = (await assess(fewf, terms, facts({ returnedOn: '2026-06-01', documentsAttached: docs }), {}))!;
    expect(within.rules.find((r) => r.ruleId === 'incident-within-covered-period')).toMatchObject({ actual: 172, passed: true });
    const after = (await assess(fewf, terms, facts({ returnedOn: '2025-06-01', incidentOn: '2026-11-20', documentsAttached: docs }), {}))!;
    expect(after.eligible).toBe(false);
    expect(after.reasonCodes).toEqual(['fund.reason.incident-after-covered-period']);
  });

  it('lists missing documents and fails on them; refuses an incident before the departure where not covered', async () => {
    const a = (await assess(
      owwa,
      termsOf(owwa, 'death'),
      facts({ documentsAttached: ['passport-copy'], incidentOn: '2025-01-01', filedOn: '2025-01-05' }),
      { grade: 'natural' },
    ))!;
    expect(a.rules.find((r) => r.ruleId === 'documents-complete')!.actual).toEqual(['death-certificate', 'proof-of-relationship']);
    expect(a.reasonCodes).toEqual(['fund.reason.incident-before-departure', 'fund.reason.documents-missing']);
  });

  it('pays Sri Lanka’s lower death sum for a death at home within three months of the return, and covers none later', async () => {
    const terms = termsOf(slbfe, 'death');
    const docs = terms.documentsRequired;
    const home = (await assess(slbfe, terms, facts({ returnedOn: '2026-09-01', documentsAttached: docs }), {
      grade: 'in-sri-lanka-after-return',
    }))!;
    expect(home.eligible).toBe(true);
    expect(home.amount.payable).toEqual({ currency: 'LKR', amountMinor: 25_000_000 });
    const later = (await assess(slbfe, terms, facts({ returnedOn: '2026-08-01', documentsAttached: docs }), {
      grade: 'in-sri-lanka-after-return',
    }))!;
    expect(later.reasonCodes).toEqual(['fund.reason.incident-after-covered-period']);
    expect(computeAmount(terms, { grade: 'abroad' })!.payable).toEqual({ currency: 'LKR', amountMinor: 60_000_000 });
  });

  it('pays Indonesia’s Rp85 million only for a death during the placement, Rp42 million before or after it', () => {
    const terms = ID_BPJS.benefits.find((b) => b.benefitType === 'death')!;
    expect(computeAmount(terms, { grade: 'during-placement' })!.payable).toEqual({ currency: 'IDR', amountMinor: 8_500_000_000 });
    expect(computeAmount(terms, { grade: 'before-or-after-placement' })!.payable).toEqual({ currency: 'IDR', amountMinor: 4_200_000_000 });
  });

  it('caps an actual cost at the policy’s cap', () => {
    const c = computeAmount(termsOf(owwa, 'repatriation'), { amountClaimed: { currency: 'PHP', amountMinor: 9_000_000 } })!;
    expect(c.payable.amountMinor).toBe(8_000_000);
    expect(c.steps).toEqual(['min(claimed PHP 9000000, cap PHP 8000000) = PHP 8000000']);
  });
});
