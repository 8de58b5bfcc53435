import { fairnessAudit } from './fairness';
import { foldAll } from './matching.fold';
import type { MatchingFact } from './matching.facts';
import { scoreMatch, seekerForScoring, vacancyForScoring } from './match.score';
import { experienceAbroad, monthsBetween } from './seeker.profile';
import { currentWeights } from './weights';

const W = 'W-1';
const weights = currentWeights();

const welder: MatchingFact[] = [
  { type: 'WorkerRegistered', eventId: 'r1', workerId: W, originArea: 'PH-CEB', languages: ['tl', 'en'] },
  {
    type: 'DepartureRecorded',
    eventId: 'd1',
    workerId: W,
    cycleNumber: 1,
    occupationIsco: '7212',
    contractStart: '2021-02-01',
    departedOn: '2021-01-30',
  },
  { type: 'ArrivalRecorded', eventId: 'a1', workerId: W, cycleNumber: 1, arrivedOn: '2021-02-10' },
  { type: 'EmploymentChanged', eventId: 'c1', workerId: W, cycleNumber: 1, changedOn: '2022-02-15', occupationIsco: '5120' },
  { type: 'ReturnRecorded', eventId: 'x1', workerId: W, cycleNumber: 1, returnedOn: '2023-03-05' },
  // A second cycle still open: no end to measure, so it counts nothing.
  {
    type: 'DepartureRecorded',
    eventId: 'd2',
    workerId: W,
    cycleNumber: 2,
    occupationIsco: '7212',
    contractStart: '2024-01-01',
    departedOn: '2024-01-01',
  },
  { type: 'JobSeekerRegistered', eventId: 'j1', workerId: W },
];

describe('experience abroad', () => {
  it('counts whole calendar months', () => {
    expect(monthsBetween('2021-02-10', '2022-02-15')).toBe(12);
    expect(monthsBetween('2022-02-15', '2023-03-05')).toBe(12);
    expect(monthsBetween('2022-02-15', '2022-02-14')).toBe(0);
  });

  it('splits a closed cycle at an occupation change, from the arrival to the return, and ignores an open cycle', () => {
    expect(experienceAbroad(foldAll(welder).seekers[W]!)).toEqual([
      { isco: '5120', months: 12, eventIds: ['d1', 'a1', 'c1', 'x1'] },
      { isco: '7212', months: 12, eventIds: ['d1', 'a1', 'c1', 'x1'] },
    ]);
  });
});

describe('a welder with a certificate of two of three units and one claimed', () => {
  const facts: MatchingFact[] = [
    {
      type: 'StandardPublished',
      eventId: 's1',
      standardId: 'SMAW',
      version: 1,
      occupationIsco: '7212',
      units: [
        { code: 'U1', escoSkills: [] },
        { code: 'U2', escoSkills: ['esco:groove'] },
        { code: 'U3', escoSkills: ['esco:symbols'] },
      ],
    },
    ...welder,
    { type: 'CertificateIssued', eventId: 'cert1', workerId: W, certificateNumber: 'PH-1', standardId: 'SMAW', unitCodes: ['U1'] },
    { type: 'SkillsClaimed', eventId: 'k1', workerId: W, escoUris: ['esco:groove'] },
    {
      type: 'VacancyPosted',
      eventId: 'v1',
      vacancyId: 'V',
      employerId: 'E',
      occupationIsco: '7212',
      requiredStandards: ['SMAW'],
      requiredUnits: [],
      experienceMonths: 24,
      location: 'PH-CEB',
      languages: ['en', 'ar'],
    },
  ];
  const score = (extra: MatchingFact[] = []) => {
    const state = foldAll([...facts, ...extra]);
    return scoreMatch(vacancyForScoring(state.vacancies.V!, state.standards), seekerForScoring(state.seekers[W]!), weights);
  };

  it('scores each factor as the weights say, by hand', () => {
    const match = score();
    expect(match.factors.map((f) => [f.name, f.valueMilli, f.contributionMilli])).toEqual([
      ['occupation', 1000, 300], // 7212 abroad: 4 digits
      ['units', 467, 140], // (1000 certified + 400 claimed + 0 missing) / 3 = 466.67 → 467; 300 × 0.467 = 140.1 → 140
      ['experience', 500, 75], // 12 of 24 months
      ['location', 1000, 150], // origin area
      ['languages', 500, 50], // en of en, ar
    ]);
    expect(match.scoreMilli).toBe(715);
    expect(match.factors[1]!.evidence).toEqual([
      'certified SMAW/U1 (certificate PH-1)',
      'claimed SMAW/U2 (esco:groove)',
      'missing SMAW/U3',
    ]);
    expect(match.factors[1]!.citedEventIds).toEqual(['cert1', 'k1', 's1', 'v1']);
  });

  it('no longer counts the certificate while suspended, counts it again once reinstated, never after revocation', () => {
    const units = (extra: MatchingFact[]) => score(extra).factors[1]!.valueMilli;
    const change = (eventId: string, c: 'suspended' | 'reinstated' | 'revoked'): MatchingFact => ({
      type: 'CertificateStatusChanged',
      eventId,
      workerId: W,
      certificateNumber: 'PH-1',
      change: c,
    });
    expect(units([change('e1', 'suspended')])).toBe(133); // 400 / 3
    expect(units([change('e1', 'suspended'), change('e2', 'reinstated')])).toBe(467);
    expect(units([change('e1', 'revoked'), change('e2', 'reinstated')])).toBe(133);
  });

  it('keeps nothing of the seeker after erasure', () => {
    const match = score([{ type: 'PersonalDataErased', eventId: 'z', workerId: W }]);
    expect(match.factors.map((f) => f.valueMilli)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('the fairness audit', () => {
  it('cannot judge the four-fifths rule without women or men in the pool, or with nobody selected', () => {
    expect(fairnessAudit({ total: 3, women: 0, men: 3 }, { total: 10, women: 0, men: 10 })).toMatchObject({
      shareRatio: null,
      impactRatio: null,
      passesFourFifths: null,
    });
    expect(fairnessAudit({ total: 0, women: 0, men: 0 }, { total: 10, women: 4, men: 6 }).passesFourFifths).toBeNull();
  });

  it('passes at exactly four fifths: women 4 of 10, men 5 of 10', () => {
    // rates 0.4 and 0.5: 0.4 / 0.5 = 0.8 exactly, decided in integers (5·20 ≥ 4·25).
    expect(fairnessAudit({ total: 9, women: 4, men: 5 }, { total: 20, women: 10, men: 10 })).toMatchObject({
      impactRatio: 0.8,
      passesFourFifths: true,
    });
    expect(fairnessAudit({ total: 8, women: 3, men: 5 }, { total: 20, women: 10, men: 10 })).toMatchObject({
      impactRatio: 0.6,
      passesFourFifths: false,
    });
  });

  it('fails when men are the under-selected sex too', () => {
    expect(fairnessAudit({ total: 5, women: 5, men: 0 }, { total: 10, women: 5, men: 5 })).toMatchObject({
      shareRatio: 2,
      impactRatio: 0,
      passesFourFifths: false,
    });
  });
});
