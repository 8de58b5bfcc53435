import { currency } from '@homeward/classifications/currencies';
import type { BenefitTerms, Money, PolicyTerms } from './policy';

/**
 * The default policies of the four funds the design models (DOMAIN.md "The emergency fund", ANCHORS.md
 * "Emergency fund"). Each figure has its public source beside it; where a figure could not be checked
 * against a primary source here it says UNVERIFIED, and an operator must confirm it before relying on it.
 * Amounts are written in major units and converted to minor units with the ISO 4217 minor unit from
 * @homeward/classifications. The effective dates are those of the versions modelled, not of the laws.
 *
 * What is NOT modelled from the sources: per-beneficiary splitting, education and livelihood benefits
 * (OWWA's), and benefits outside the eight benefit types of the fund.
 */

const m = (code: string, major: number): Money => {
  const c = currency(code);
  if (!c) throw new Error(`default policies: ${code} is not an ISO 4217 currency`);
  return { currency: code, amountMinor: Math.round(major * 10 ** c.minorUnits) };
};

const benefit = (b: Omit<BenefitTerms, 'coversBeforeDeparture' | 'coveredDaysAfterReturn'> & Partial<BenefitTerms>): BenefitTerms => ({
  coversBeforeDeparture: false,
  coveredDaysAfterReturn: 0,
  ...b,
});

const OWWA = 'Republic Act No. 10801 (Overseas Workers Welfare Administration Act, 2016)';
const OWWA_BENEFITS = 'OWWA, "Programs and Services: Social Benefits" (owwa.gov.ph)';

/** Philippines: OWWA. Membership makes a worker covered for two years (or the contract's length). */
export const PH_OWWA: PolicyTerms = {
  fundId: 'PH-OWWA',
  name: 'Overseas Workers Welfare Administration fund',
  country: 'PH',
  currency: 'PHP',
  effectiveFrom: '2016-05-10', // RA 10801 approved 10 May 2016.
  coverage: {
    bases: ['contribution'],
    coverageMonths: 24, // "membership valid for two years": OWWA membership page; RA 10801 sec. 36.
    // USD 25 per membership (RA 10801 sec. 36; OWWA Board Resolution No. 038, s. 2003), collected in pesos.
    // The fund keeps one currency, so it is modelled at PHP 1,400 — an APPROXIMATE peso equivalent, UNVERIFIED.
    contribution: m('PHP', 1_400),
    citations: [`${OWWA}, sec. 36`],
  },
  benefits: [
    benefit({
      benefitType: 'death',
      incidentKinds: ['death'],
      requiresCoverage: true,
      claimWithinDays: 365, // UNVERIFIED: OWWA publishes no filing limit on its page; one year modelled (DOMAIN.md's example).
      // PHP 100,000 natural death, PHP 200,000 accidental death (OWWA_BENEFITS; DOMAIN.md).
      amount: {
        kind: 'schedule',
        schedule: [
          { grade: 'natural', amount: m('PHP', 100_000) },
          { grade: 'accidental', amount: m('PHP', 200_000) },
        ],
        supplement: m('PHP', 20_000),
        supplementLabel: 'burial',
      }, // burial PHP 20,000 (OWWA_BENEFITS).
      documentsRequired: ['death-certificate', 'passport-copy', 'proof-of-relationship'],
      beneficiaryOrder: ['spouse', 'child', 'parent', 'sibling'], // OWWA_BENEFITS: legal heirs in this order.
      secondApprovalAbove: m('PHP', 50_000),
      citations: [OWWA_BENEFITS],
    }),
    benefit({
      benefitType: 'disability_injury',
      incidentKinds: ['accident', 'abuse', 'illness'],
      requiresCoverage: true,
      claimWithinDays: 365, // UNVERIFIED, as above.
      // "Disability and dismemberment: PHP 2,500 to PHP 50,000; total permanent disability PHP 100,000" (OWWA_BENEFITS).
      // The intermediate grades are placeholders spread over that range — UNVERIFIED against OWWA's schedule.
      amount: {
        kind: 'schedule',
        schedule: [
          { grade: 'minor', amount: m('PHP', 2_500) },
          { grade: 'partial', amount: m('PHP', 25_000) },
          { grade: 'dismemberment', amount: m('PHP', 50_000) },
          { grade: 'total-permanent', amount: m('PHP', 100_000) },
        ],
      },
      documentsRequired: ['medical-certificate', 'passport-copy'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('PHP', 50_000),
      citations: [OWWA_BENEFITS],
    }),
    benefit({
      benefitType: 'repatriation',
      incidentKinds: ['abuse', 'exploitation', 'stranding', 'detention', 'illness', 'accident'],
      requiresCoverage: true,
      claimWithinDays: 365,
      // Repatriation is paid at actual cost by OWWA (RA 10801 sec. 37; RA 8042 as amended sec. 15); the cap is a
      // modelling choice (UNVERIFIED): one economy fare plus escort from the Gulf.
      amount: { kind: 'capped_actual_cost', cap: m('PHP', 80_000) },
      documentsRequired: ['passport-copy', 'mission-endorsement'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('PHP', 40_000),
      citations: [`${OWWA}, sec. 37`],
    }),
    benefit({
      benefitType: 'repatriation_of_remains',
      incidentKinds: ['death'],
      requiresCoverage: false, // RA 8042 as amended sec. 15: the state repatriates remains whatever the membership.
      claimWithinDays: 365,
      amount: { kind: 'capped_actual_cost', cap: m('PHP', 150_000) }, // cap UNVERIFIED (modelling choice).
      documentsRequired: ['death-certificate', 'passport-copy'],
      beneficiaryOrder: ['spouse', 'child', 'parent', 'sibling'],
      secondApprovalAbove: m('PHP', 50_000),
      citations: ['Republic Act No. 8042 as amended by RA 10022, sec. 15'],
    }),
    benefit({
      benefitType: 'legal_assistance',
      incidentKinds: ['abuse', 'exploitation', 'detention'],
      requiresCoverage: false, // Legal Assistance Fund: RA 8042 sec. 25, for OFWs in distress, not tied to membership.
      claimWithinDays: 0,
      amount: { kind: 'capped_actual_cost', cap: m('PHP', 100_000) }, // cap UNVERIFIED (modelling choice).
      documentsRequired: ['mission-endorsement', 'case-summary'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('PHP', 25_000),
      citations: ['Republic Act No. 8042, sec. 25 (Legal Assistance Fund)'],
    }),
    benefit({
      benefitType: 'counselling',
      incidentKinds: ['abuse', 'exploitation', 'detention', 'stranding'],
      requiresCoverage: false,
      claimWithinDays: 0,
      amount: { kind: 'capped_actual_cost', cap: m('PHP', 20_000) }, // UNVERIFIED: the workshop's "terms to be defined".
      documentsRequired: ['case-summary'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('PHP', 20_000),
      citations: ['Workshop request: counselling for abuse survivors (terms to be defined)'],
    }),
  ],
  citations: [OWWA, OWWA_BENEFITS],
};

const FEA = 'Foreign Employment Act, 2064 (2007), secs. 32-33 (Nepal)';
const FEWF = 'Foreign Employment Board, Foreign Employment Welfare Fund benefits (feb.gov.np)';

/** Nepal: the Foreign Employment Welfare Fund; a contribution at the labour permit covers the contract. */
export const NP_FEWF: PolicyTerms = {
  fundId: 'NP-FEWF',
  name: 'Foreign Employment Welfare Fund',
  country: 'NP',
  currency: 'NPR',
  effectiveFrom: '2008-01-01', // Foreign Employment Rules, 2064 (2008); date of the version modelled UNVERIFIED.
  coverage: {
    bases: ['contribution'],
    coverageMonths: 36, // NPR 1,500 for a contract of up to three years (FEWF; DOMAIN.md); NPR 2,500 for longer, not modelled.
    contribution: m('NPR', 1_500),
    citations: [FEWF],
  },
  benefits: [
    benefit({
      benefitType: 'death',
      incidentKinds: ['death'],
      requiresCoverage: true,
      claimWithinDays: 365, // claims within one year of the incident (DOMAIN.md; FEWF).
      coveredDaysAfterReturn: 365, // death within a year of return still covered (DOMAIN.md; FEWF).
      amount: { kind: 'fixed', fixed: m('NPR', 700_000) }, // NPR 700,000 (FEWF); since raised to 1,000,000 — a later version.
      documentsRequired: ['death-certificate', 'labour-permit', 'proof-of-relationship'],
      beneficiaryOrder: ['spouse', 'child', 'parent'],
      secondApprovalAbove: m('NPR', 300_000),
      citations: [FEWF, FEA],
    }),
    benefit({
      benefitType: 'disability_injury',
      incidentKinds: ['accident', 'abuse', 'illness'],
      requiresCoverage: true,
      claimWithinDays: 365,
      amount: { kind: 'capped_actual_cost', cap: m('NPR', 700_000) }, // injury "up to NPR 700,000" (FEWF; DOMAIN.md).
      documentsRequired: ['medical-certificate', 'labour-permit'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('NPR', 300_000),
      citations: [FEWF],
    }),
    benefit({
      benefitType: 'repatriation_of_remains',
      incidentKinds: ['death'],
      requiresCoverage: true,
      claimWithinDays: 365,
      amount: { kind: 'capped_actual_cost', cap: m('NPR', 300_000) }, // repatriation of remains (FEWF); cap UNVERIFIED.
      documentsRequired: ['death-certificate', 'labour-permit'],
      beneficiaryOrder: ['spouse', 'child', 'parent'],
      secondApprovalAbove: m('NPR', 300_000),
      citations: [FEWF],
    }),
    benefit({
      benefitType: 'repatriation',
      incidentKinds: ['abuse', 'exploitation', 'stranding', 'detention'],
      requiresCoverage: true,
      claimWithinDays: 365,
      amount: { kind: 'capped_actual_cost', cap: m('NPR', 150_000) }, // rescue and repatriation (FEA sec. 33); cap UNVERIFIED.
      documentsRequired: ['labour-permit', 'mission-endorsement'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('NPR', 100_000),
      citations: [FEA],
    }),
  ],
  citations: [FEA, FEWF],
};

const SLBFE = 'Sri Lanka Bureau of Foreign Employment Act No. 21 of 1985 (as amended)';

/** Sri Lanka: registration with the SLBFE brings insurance; lapsed registrations go the humanitarian path. */
export const LK_SLBFE: PolicyTerms = {
  fundId: 'LK-SLBFE',
  name: 'SLBFE Workers Welfare Fund and registration insurance',
  country: 'LK',
  currency: 'LKR',
  effectiveFrom: '2010-01-01', // date of the version modelled UNVERIFIED.
  coverage: { bases: ['registration'], coverageMonths: 24, citations: [SLBFE] }, // two-year registration period UNVERIFIED.
  benefits: [
    benefit({
      benefitType: 'death',
      incidentKinds: ['death'],
      requiresCoverage: true,
      claimWithinDays: 183, // "claims within 6 months" (ANCHORS.md).
      amount: { kind: 'fixed', fixed: m('LKR', 400_000) }, // amount UNVERIFIED: no primary source checked here.
      documentsRequired: ['death-certificate', 'passport-copy', 'proof-of-relationship'],
      beneficiaryOrder: ['spouse', 'child', 'parent'],
      secondApprovalAbove: m('LKR', 200_000),
      citations: [SLBFE],
    }),
    benefit({
      benefitType: 'medical',
      incidentKinds: ['illness', 'accident', 'abuse'],
      requiresCoverage: true,
      claimWithinDays: 183,
      amount: { kind: 'capped_actual_cost', cap: m('LKR', 200_000) }, // cap UNVERIFIED.
      documentsRequired: ['medical-certificate', 'passport-copy'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('LKR', 100_000),
      citations: [SLBFE],
    }),
    benefit({
      benefitType: 'legal_assistance',
      incidentKinds: ['abuse', 'exploitation'], // "harassment" (DOMAIN.md).
      requiresCoverage: true,
      claimWithinDays: 183,
      amount: { kind: 'capped_actual_cost', cap: m('LKR', 150_000) }, // cap UNVERIFIED.
      documentsRequired: ['mission-endorsement', 'case-summary'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('LKR', 100_000),
      citations: [SLBFE],
    }),
  ],
  citations: [SLBFE],
};

const BPJS = 'Minister of Manpower Regulation No. 4 of 2023 on Social Security for Indonesian Migrant Workers (BPJS Ketenagakerjaan)';

/** Indonesia: BPJS Ketenagakerjaan, cover before, during and after placement. */
export const ID_BPJS: PolicyTerms = {
  fundId: 'ID-BPJS',
  name: 'BPJS Ketenagakerjaan — migrant workers programme',
  country: 'ID',
  currency: 'IDR',
  effectiveFrom: '2023-03-01', // Permenaker 4/2023 (entry into force UNVERIFIED).
  coverage: {
    bases: ['contribution'],
    // IDR 370,000 for the pre-placement, a 24-month placement and post-placement periods (Permenaker 18/2018,
    // continued by 4/2023) — modelled as 31 months from payment; UNVERIFIED.
    coverageMonths: 31,
    contribution: m('IDR', 370_000),
    citations: [BPJS],
  },
  benefits: [
    benefit({
      benefitType: 'death',
      incidentKinds: ['death'],
      requiresCoverage: true,
      claimWithinDays: 0,
      coversBeforeDeparture: true, // cover before, during and after work (DOMAIN.md).
      coveredDaysAfterReturn: 30, // post-placement cover; length UNVERIFIED.
      amount: { kind: 'fixed', fixed: m('IDR', 85_000_000) }, // Rp85 million (ANCHORS.md; Permenaker 4/2023).
      documentsRequired: ['death-certificate', 'passport-copy', 'proof-of-relationship'],
      beneficiaryOrder: ['spouse', 'child', 'parent', 'sibling'],
      secondApprovalAbove: m('IDR', 50_000_000),
      citations: [BPJS],
    }),
    benefit({
      benefitType: 'legal_assistance',
      incidentKinds: ['abuse', 'exploitation'], // cash for violence and placement contrary to the agreement (DOMAIN.md).
      requiresCoverage: true,
      claimWithinDays: 0,
      coversBeforeDeparture: true,
      amount: { kind: 'capped_actual_cost', cap: m('IDR', 50_000_000) }, // cap UNVERIFIED.
      documentsRequired: ['case-summary'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('IDR', 25_000_000),
      citations: [BPJS],
    }),
    benefit({
      benefitType: 'repatriation',
      incidentKinds: ['stranding', 'abuse', 'exploitation'],
      requiresCoverage: true,
      claimWithinDays: 0,
      coversBeforeDeparture: true, // failed departure (DOMAIN.md).
      amount: { kind: 'capped_actual_cost', cap: m('IDR', 25_000_000) }, // cap UNVERIFIED.
      documentsRequired: ['passport-copy', 'mission-endorsement'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('IDR', 15_000_000),
      citations: [BPJS],
    }),
  ],
  citations: [BPJS],
};

export const DEFAULT_POLICIES: readonly PolicyTerms[] = [PH_OWWA, NP_FEWF, LK_SLBFE, ID_BPJS];

/** The default fund of a registry's country (the one its welfare incidents open drafts with). */
export const defaultFundOf = (country: string): string | undefined => DEFAULT_POLICIES.find((p) => p.country === country)?.fundId;
