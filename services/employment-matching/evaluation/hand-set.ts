import type { MatchingFact } from '../src/domain/matching/matching.facts';

/**
 * The hand-written evaluation set: 14 job seekers and 5 vacancies, and 60 vacancy–seeker pairs judged by a
 * person reading DOMAIN.md's matching rules (occupation at 4/3/2-digit ISCO level, certified units, experience
 * abroad, location, language) the way an employment officer would — not by running the engine. Grades:
 * 3 would be shortlisted first, 2 a good candidate, 1 worth a look, 0 not for this job. Each judgment has its
 * one-line reason. Some judgments knowingly differ from what the engine can see (a nursing associate is
 * judged worth a look for a caregiver job although ISCO puts them in another major group): the set measures
 * the engine against people, not against itself.
 */

const ESCO = (name: string) => `http://data.europa.eu/esco/skill/hand-${name}`;

const STANDARDS: MatchingFact[] = [
  {
    type: 'StandardPublished',
    eventId: 'hs-weld',
    standardId: 'rmcs-smaw-nc2',
    version: 1,
    occupationIsco: '7212',
    units: [
      { code: 'SMAW-01', escoSkills: [ESCO('weld-plate')] },
      { code: 'SMAW-02', escoSkills: [ESCO('weld-groove')] },
      { code: 'SMAW-03', escoSkills: [ESCO('read-welding-symbols')] },
    ],
  },
  {
    type: 'StandardPublished',
    eventId: 'hs-care',
    standardId: 'rmcs-caregiving-nc2',
    version: 1,
    occupationIsco: '5322',
    units: [
      { code: 'CGV-01', escoSkills: [ESCO('personal-care')] },
      { code: 'CGV-02', escoSkills: [ESCO('mobility')] },
      { code: 'CGV-03', escoSkills: [ESCO('first-aid')] },
    ],
  },
  {
    type: 'StandardPublished',
    eventId: 'hs-house',
    standardId: 'rmcs-housekeeping-nc2',
    version: 1,
    occupationIsco: '9111',
    units: [
      { code: 'HHK-01', escoSkills: [ESCO('clean')] },
      { code: 'HHK-02', escoSkills: [ESCO('launder')] },
      { code: 'HHK-03', escoSkills: [ESCO('simple-meals')] },
      { code: 'HHK-04', escoSkills: [ESCO('hygiene')] },
    ],
  },
];

interface SeekerSpec {
  id: string;
  /** What an officer would read in the file. */
  about: string;
  area: string;
  languages: string[];
  /** [ISCO, months] per cycle abroad. */
  abroad: [string, number][];
  certified?: { standardId: string; units: string[] };
  claims?: string[];
  preferences?: { occupations: string[]; areas: string[]; willingToRelocate: boolean };
}

const SEEKERS: SeekerSpec[] = [
  {
    id: 'S1',
    about: 'welder, 36 months in Saudi Arabia, SMAW NC II certified',
    area: 'PH-CEB',
    languages: ['tl', 'en'],
    abroad: [['7212', 36]],
    certified: { standardId: 'rmcs-smaw-nc2', units: ['SMAW-01', 'SMAW-02', 'SMAW-03'] },
  },
  {
    id: 'S2',
    about: 'welder, 30 months, plate and groove welding claimed by the mission, no certificate',
    area: 'PH-CEB',
    languages: ['tl', 'en'],
    abroad: [['7212', 30]],
    claims: [ESCO('weld-plate'), ESCO('weld-groove')],
  },
  {
    id: 'S3',
    about: 'welder, 6 months, nothing certified, would move anywhere',
    area: 'PH-CEB',
    languages: ['tl', 'en'],
    abroad: [['7212', 6]],
    preferences: { occupations: ['7212'], areas: [], willingToRelocate: true },
  },
  { id: 'S4', about: 'sheet-metal worker, 40 months', area: 'PH-CEB', languages: ['tl', 'en'], abroad: [['7213', 40]] },
  { id: 'S5', about: 'bricklayer, 24 months', area: 'PH-CEB', languages: ['tl', 'en'], abroad: [['7112', 24]] },
  {
    id: 'S6',
    about: 'welder, 36 months, SMAW NC II certified, lives in Davao, will not move',
    area: 'PH-DAV',
    languages: ['tl', 'en'],
    abroad: [['7212', 36]],
    certified: { standardId: 'rmcs-smaw-nc2', units: ['SMAW-01', 'SMAW-02', 'SMAW-03'] },
  },
  {
    id: 'S7',
    about: 'welder, 36 months, lives in Davao, willing to relocate',
    area: 'PH-DAV',
    languages: ['tl', 'en'],
    abroad: [['7212', 36]],
    preferences: { occupations: ['7212'], areas: [], willingToRelocate: true },
  },
  {
    id: 'S8',
    about: 'caregiver, 24 months in Israel, Caregiving NC II certified',
    area: 'PH-CEB',
    languages: ['tl', 'en'],
    abroad: [['5322', 24]],
    certified: { standardId: 'rmcs-caregiving-nc2', units: ['CGV-01', 'CGV-02', 'CGV-03'] },
  },
  {
    id: 'S9',
    about: 'caregiver, 12 months, personal care and mobility claimed, no English',
    area: 'PH-CEB',
    languages: ['tl'],
    abroad: [['5322', 12]],
    claims: [ESCO('personal-care'), ESCO('mobility')],
  },
  {
    id: 'S10',
    about: 'domestic housekeeper, 48 months in Kuwait, Housekeeping NC II certified, speaks Arabic',
    area: 'PH-CEB',
    languages: ['tl', 'ar'],
    abroad: [['9111', 48]],
    certified: { standardId: 'rmcs-housekeeping-nc2', units: ['HHK-01', 'HHK-02', 'HHK-03', 'HHK-04'] },
  },
  { id: 'S11', about: 'nursing associate, 24 months', area: 'PH-CEB', languages: ['tl', 'en'], abroad: [['3221', 24]] },
  {
    id: 'S12',
    about: 'never worked as a caregiver abroad (cleaner 10 months), wants caregiving work',
    area: 'PH-CEB',
    languages: ['tl', 'en'],
    abroad: [['9112', 10]],
    preferences: { occupations: ['5322'], areas: [], willingToRelocate: false },
  },
  { id: 'S13', about: 'cook, 36 months in Qatar', area: 'PH-CEB', languages: ['tl', 'en'], abroad: [['5120', 36]] },
  { id: 'S14', about: 'domestic cleaner, 6 months', area: 'PH-CEB', languages: ['tl'], abroad: [['9111', 6]] },
];

export interface HandVacancy {
  vacancyId: string;
  about: string;
  fact: Extract<MatchingFact, { type: 'VacancyPosted' }>;
}

const vacancy = (
  vacancyId: string,
  about: string,
  v: Omit<HandVacancy['fact'], 'type' | 'eventId' | 'vacancyId' | 'employerId'>,
): HandVacancy => ({
  vacancyId,
  about,
  fact: { type: 'VacancyPosted', eventId: `hv-${vacancyId}`, vacancyId, employerId: 'hand-employer', ...v },
});

export const HAND_VACANCIES: HandVacancy[] = [
  vacancy('V1', 'welder in Cebu, SMAW units, 24 months, English', {
    occupationIsco: '7212',
    requiredStandards: ['rmcs-smaw-nc2'],
    requiredUnits: [],
    experienceMonths: 24,
    location: 'PH-CEB',
    languages: ['en'],
  }),
  vacancy('V2', 'caregiver in Cebu, caregiving units, 12 months, English', {
    occupationIsco: '5322',
    requiredStandards: ['rmcs-caregiving-nc2'],
    requiredUnits: [],
    experienceMonths: 12,
    location: 'PH-CEB',
    languages: ['en'],
  }),
  vacancy('V3', 'housekeeper in Cebu, housekeeping units, 12 months, Tagalog', {
    occupationIsco: '9111',
    requiredStandards: ['rmcs-housekeeping-nc2'],
    requiredUnits: [],
    experienceMonths: 12,
    location: 'PH-CEB',
    languages: ['tl'],
  }),
  vacancy('V4', 'cook in Cebu, no units, 24 months, English', {
    occupationIsco: '5120',
    requiredStandards: [],
    requiredUnits: [],
    experienceMonths: 24,
    location: 'PH-CEB',
    languages: ['en'],
  }),
  vacancy('V5', 'welder in Davao, no units, 12 months, English', {
    occupationIsco: '7212',
    requiredStandards: [],
    requiredUnits: [],
    experienceMonths: 12,
    location: 'PH-DAV',
    languages: ['en'],
  }),
];

/** [vacancy, seeker, grade, reason]: 60 pairs. */
export const HAND_JUDGMENTS: [string, string, 0 | 1 | 2 | 3, string][] = [
  ['V1', 'S1', 3, 'welder with more than the experience wanted and every unit certified, lives in Cebu'],
  ['V1', 'S2', 2, 'experienced welder, two of three units only claimed, none certified'],
  ['V1', 'S7', 2, 'experienced welder who would move to Cebu, no unit certified or claimed'],
  ['V1', 'S3', 1, 'welder but only 6 months and nothing to show for the units'],
  ['V1', 'S4', 1, 'sheet-metal worker: metal trade next to welding, no welding units'],
  ['V1', 'S5', 0, 'bricklayer: building trade, not metalwork'],
  ['V1', 'S6', 0, 'would be ideal but lives in Davao and will not move'],
  ['V1', 'S8', 0, 'caregiver'],
  ['V1', 'S10', 0, 'housekeeper'],
  ['V1', 'S11', 0, 'nursing associate'],
  ['V1', 'S13', 0, 'cook'],
  ['V1', 'S14', 0, 'cleaner'],
  ['V2', 'S8', 3, 'certified caregiver with twice the experience wanted, speaks English'],
  ['V2', 'S9', 2, 'caregiver with the experience wanted and the skills claimed, but no English'],
  ['V2', 'S11', 1, 'nursing associate: caring experience, though ISCO puts it in another major group'],
  ['V2', 'S12', 1, 'wants caregiving work, household cleaning experience only'],
  ['V2', 'S10', 1, 'long household work abroad, often includes looking after the elderly'],
  ['V2', 'S14', 0, 'six months of cleaning, no care'],
  ['V2', 'S1', 0, 'welder'],
  ['V2', 'S2', 0, 'welder'],
  ['V2', 'S3', 0, 'welder'],
  ['V2', 'S4', 0, 'sheet-metal worker'],
  ['V2', 'S7', 0, 'welder in Davao'],
  ['V2', 'S13', 0, 'cook'],
  ['V3', 'S10', 3, 'certified housekeeper with four years abroad'],
  ['V3', 'S14', 2, 'same occupation, short of the experience wanted, nothing certified'],
  ['V3', 'S12', 1, 'household cleaning abroad (related unit group), wants other work'],
  ['V3', 'S8', 1, 'caregiver in a household: much of the housework overlaps'],
  ['V3', 'S9', 1, 'caregiver in a household, experience wanted'],
  ['V3', 'S13', 1, 'cook: the simple-meals unit, nothing else'],
  ['V3', 'S1', 0, 'welder'],
  ['V3', 'S3', 0, 'welder'],
  ['V3', 'S4', 0, 'sheet-metal worker'],
  ['V3', 'S5', 0, 'bricklayer'],
  ['V3', 'S7', 0, 'welder in Davao'],
  ['V3', 'S11', 0, 'nursing associate'],
  ['V4', 'S13', 3, 'cook with more than the experience wanted'],
  ['V4', 'S10', 1, 'housekeeper who prepared meals, no kitchen work'],
  ['V4', 'S14', 0, 'cleaner, no English'],
  ['V4', 'S8', 0, 'caregiver'],
  ['V4', 'S9', 0, 'caregiver without English'],
  ['V4', 'S1', 0, 'welder'],
  ['V4', 'S2', 0, 'welder'],
  ['V4', 'S3', 0, 'welder'],
  ['V4', 'S11', 0, 'nursing associate'],
  ['V4', 'S12', 0, 'wants caregiving'],
  ['V4', 'S4', 0, 'sheet-metal worker'],
  ['V4', 'S5', 0, 'bricklayer'],
  ['V5', 'S6', 3, 'certified welder who lives in Davao'],
  ['V5', 'S7', 3, 'experienced welder who lives in Davao'],
  ['V5', 'S3', 2, 'welder willing to move to Davao, but only 6 of the 12 months wanted'],
  ['V5', 'S1', 0, 'certified welder, but in Cebu and not willing to move'],
  ['V5', 'S2', 0, 'welder in Cebu, not willing to move'],
  ['V5', 'S4', 0, 'sheet-metal worker in Cebu, not willing to move'],
  ['V5', 'S5', 0, 'bricklayer'],
  ['V5', 'S8', 0, 'caregiver'],
  ['V5', 'S10', 0, 'housekeeper'],
  ['V5', 'S11', 0, 'nursing associate'],
  ['V5', 'S13', 0, 'cook'],
  ['V5', 'S14', 0, 'cleaner'],
];

/** The facts of the hand set: standards, the seekers' histories, certificates, claims and preferences, the vacancies. */
export function handFacts(): MatchingFact[] {
  const facts: MatchingFact[] = [...STANDARDS];
  for (const s of SEEKERS) {
    let n = 0;
    const id = () => `hs-${s.id}-${++n}`;
    const workerId = s.id;
    facts.push({ type: 'WorkerRegistered', eventId: id(), workerId, originArea: s.area, languages: s.languages });
    let year = 2016;
    s.abroad.forEach(([isco, months], i) => {
      const start = `${year}-03-01`;
      const end = new Date(Date.UTC(year, 2 + months, 1)).toISOString().slice(0, 10);
      facts.push({
        type: 'DepartureRecorded',
        eventId: id(),
        workerId,
        cycleNumber: i + 1,
        occupationIsco: isco,
        contractStart: start,
        departedOn: start,
      });
      facts.push({ type: 'ReturnRecorded', eventId: id(), workerId, cycleNumber: i + 1, returnedOn: end });
      year = Number(end.slice(0, 4)) + 1;
    });
    facts.push({ type: 'JobSeekerRegistered', eventId: id(), workerId });
    if (s.claims) facts.push({ type: 'SkillsClaimed', eventId: id(), workerId, escoUris: s.claims });
    if (s.certified)
      facts.push({
        type: 'CertificateIssued',
        eventId: id(),
        workerId,
        certificateNumber: `PH-HAND-${s.id}`,
        standardId: s.certified.standardId,
        unitCodes: s.certified.units,
      });
    if (s.preferences) facts.push({ type: 'JobSeekerPreferencesSet', eventId: id(), workerId, ...s.preferences });
  }
  for (const v of HAND_VACANCIES) facts.push(v.fact);
  return facts;
}

export const HAND_SEEKERS = SEEKERS;
