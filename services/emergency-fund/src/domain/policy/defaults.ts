import { currency } from '@homeward/classifications/currencies';
import type { BenefitTerms, Money, PolicyTerms } from './policy';

/**
 * The default policies of the four funds the design models (DOMAIN.md "The emergency fund", ANCHORS.md
 * "Emergency fund"). Each figure has its public source beside it (law and section, or the page's address and
 * title). Three kinds of figure are told apart in the comments:
 *  - a figure a public source states: the source is named;
 *  - "policy choice of this default, not a published figure": the real fund publishes no such number (most
 *    often a cap where the fund pays the actual cost), so the number is this default's choice, and why;
 *  - UNVERIFIED: a published figure exists but could not be read here; an operator must confirm it.
 * Where a source is a news report rather than the fund's own page or the law, the comment says so.
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
const OWWA_BENEFITS = 'OWWA, "Death and Disability Benefit" (https://owwa.gov.ph/death-and-disability-benefit)';

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
    // PHP 1,400: policy choice of this default, not a published figure. OWWA publishes no fixed peso amount: the
    // peso contribution follows the previous month's average BSP dollar rate (OWWA Board Resolution No. 38,
    // 17 Dec 2007, as reported in "Lower OWWA Fees for OFWs", http://angtherapist.com/archives/184: PHP 1,050 in
    // Dec 2007, PHP 1,043.58 in Jan 2008). The fund keeps one currency, so it takes one peso figure, close to
    // USD 25 at recent rates.
    contribution: m('PHP', 1_400),
    citations: [`${OWWA}, sec. 36`],
  },
  benefits: [
    benefit({
      benefitType: 'death',
      incidentKinds: ['death'],
      requiresCoverage: true,
      // One year: policy choice of this default, not a published figure. OWWA's benefit page (OWWA_BENEFITS) states
      // no filing limit; the only one found is a superseded programme's (disability assistance, application within
      // 7 months of arrival: OWWA MOI No. 004 s. 1996, http://elibrary.judiciary.gov.ph/thebookshelf/showdocs/10/42269).
      claimWithinDays: 365,
      // PHP 100,000 natural death, PHP 200,000 accidental death (OWWA_BENEFITS: "Php100,000.00 for deaths due to
      // natural causes and Php200,000.00 for accidental death"; DOMAIN.md).
      amount: {
        kind: 'schedule',
        schedule: [
          { grade: 'natural', amount: m('PHP', 100_000) },
          { grade: 'accidental', amount: m('PHP', 200_000) },
        ],
        supplement: m('PHP', 20_000),
        supplementLabel: 'burial',
      }, // burial gratuity PHP 20,000 "in addition to the death benefit" (OWWA_BENEFITS).
      documentsRequired: ['death-certificate', 'passport-copy', 'proof-of-relationship'],
      beneficiaryOrder: ['spouse', 'child', 'parent', 'sibling'], // OWWA_BENEFITS: legal heirs in this order.
      secondApprovalAbove: m('PHP', 50_000),
      citations: [OWWA_BENEFITS],
    }),
    benefit({
      benefitType: 'disability_injury',
      incidentKinds: ['accident', 'abuse', 'illness'],
      requiresCoverage: true,
      claimWithinDays: 365, // policy choice of this default, not a published figure: as for death above.
      // OWWA publishes two bands for accident-related disability: "Php2,500.00 to Php25,000.00 for partial disability
      // and from Php50,000.00 to Php100,000.00 for total/permanent disability" (OWWA_BENEFITS). The four grades are
      // the bands' ends: minor = least partial, partial = most partial, dismemberment = least total/permanent,
      // total-permanent = most. Where a given injury falls inside a band is set by OWWA's impediment schedule, which
      // that page does not give: the placing of an injury on these grades is UNVERIFIED (the officer grades it).
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
      // Repatriation is paid at actual cost by OWWA (RA 10801 sec. 37; RA 8042 as amended sec. 15; "OWWA will
      // shoulder all the repatriation costs" where the employer or agency cannot be reached: "OFW Repatriation
      // Assistance OWWA – How to Apply", https://dmwguide.com/ofw-repatriation-assistance/, a guide, not OWWA's page).
      // PHP 80,000 cap: policy choice of this default, not a published figure: one economy fare plus escort from the Gulf.
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
      // PHP 150,000 cap: policy choice of this default, not a published figure: the state repatriates remains at
      // actual cost (RA 8042 as amended sec. 15); the cap bounds one cargo fare and handling from the Gulf.
      amount: { kind: 'capped_actual_cost', cap: m('PHP', 150_000) },
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
      // PHP 100,000 cap: policy choice of this default, not a published figure. The legal assistance funds pay
      // litigation costs; their per-case limits are in US dollars: OWWA's LAF (for active members) "not to exceed
      // US Dollars 3,000.00 per case" for foreign counsel and USD 500 for court fees, further items not read (OWWA
      // MOI No. 006, 2 Jul 2010, "Establishment of an OWWA Legal Assistance Fund (LAF) for Overseas Filipino
      // Workers", https://dev.lawyerly.ph/laws/view/56786). The fund keeps one currency, so one peso cap.
      amount: { kind: 'capped_actual_cost', cap: m('PHP', 100_000) },
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
      // PHP 20,000 cap: policy choice of this default, not a published figure: OWWA has no counselling benefit with
      // an amount; this benefit is the workshop's request, whose terms are "to be defined" (DOMAIN.md).
      amount: { kind: 'capped_actual_cost', cap: m('PHP', 20_000) },
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
const FER = 'Foreign Employment Rules, 2064 (2008), rule 24 as amended on 31 July 2017 (Nepal)';

/** Nepal: the Foreign Employment Welfare Fund; a contribution at the labour permit covers the contract. */
export const NP_FEWF: PolicyTerms = {
  fundId: 'NP-FEWF',
  name: 'Foreign Employment Welfare Fund',
  country: 'NP',
  currency: 'NPR',
  // 31 July 2017: the amendment of the Foreign Employment Rules that raised the contribution to NPR 1,500 (2,500
  // beyond three years) and the death and injury relief to NPR 700,000, the version modelled ("Before an
  // amendment to Foreign Employment Regulation on July 31, migrant workers were obliged to contribute Rs 1,000":
  // The Himalayan Times, "Rs 190m doled out from foreign employment welfare fund",
  // https://thehimalayantimes.com/business/rs-190m-doled-foreign-employment-welfare-fund; "from Monday" [31 July
  // 2017] "1500 and 2500": NRN news, 1 Aug 2017, "Economic burden increased for the workers seeking for Foreign
  // employment", http://en.newsnrn.com/2017/08/01/economic-burden-increased-for-foreign-employment-workers/).
  // Was 2008-01-01 (the Rules of 2008: NPR 500 then 1,000 and NPR 100,000 relief, another version).
  effectiveFrom: '2017-07-31',
  coverage: {
    bases: ['contribution'],
    // NPR 1,500 for a contract of up to three years, NPR 2,500 beyond (rule 24: "Online payment of amount from
    // Welfare Fund", https://nepalnewsgazette.com/online-payment-of-amount-from-welfare-fund/; DOMAIN.md); the
    // longer contracts are not modelled.
    coverageMonths: 36,
    contribution: m('NPR', 1_500),
    citations: [FEWF, FER],
  },
  benefits: [
    benefit({
      benefitType: 'death',
      incidentKinds: ['death'],
      requiresCoverage: true,
      // Claims "within one year of the expiry of the contract period and within one year of the incident" (the
      // Minister at the launch of the Foreign Employment Welfare Information Management System,
      // https://nepalesevoice.com/nepal/foreign-employment-welfare-information-management-system-comes-into-effect/).
      claimWithinDays: 365,
      // "Families of those died amidst the employment and within a year of returning home are eligible" (RSS via
      // "Employment Board ensures financial help to 171 migrants families",
      // https://enewspolar.com/employment-board-ensures-financial-help-to-171-migrants-families/; DOMAIN.md).
      coveredDaysAfterReturn: 365,
      // NPR 700,000 per death (The Himalayan Times, above; FEWF); since raised to 1,000,000 — a later version.
      amount: { kind: 'fixed', fixed: m('NPR', 700_000) },
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
      // Injury relief "up to Rs 700,000 each" (The Himalayan Times, above; FEWF; DOMAIN.md).
      amount: { kind: 'capped_actual_cost', cap: m('NPR', 700_000) },
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
      // The Board brings home stranded remains "free of cost" (fifth amendment of the Rules, as reported at the
      // system's launch, nepalesevoice.com above), i.e. at actual cost. NPR 300,000 cap: policy choice of this
      // default, not a published figure: one cargo fare and handling from the Gulf or Malaysia.
      amount: { kind: 'capped_actual_cost', cap: m('NPR', 300_000) },
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
      // Rescue and repatriation of stranded workers at the fund's cost (FEA sec. 33; fifth amendment, as above).
      // NPR 150,000 cap: policy choice of this default, not a published figure: one economy fare home plus a few
      // days' keep.
      amount: { kind: 'capped_actual_cost', cap: m('NPR', 150_000) },
      documentsRequired: ['labour-permit', 'mission-endorsement'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('NPR', 100_000),
      citations: [FEA],
    }),
  ],
  citations: [FEA, FEWF],
};

const SLBFE = 'Sri Lanka Bureau of Foreign Employment Act No. 21 of 1985 (as amended)';
const SLBFE_INSURANCE = 'SLBFE, "Welfare facilities": local insurance scheme (https://www.slbfe.lk/welfare-facilities)';
const SLBFE_CLAIMS = 'SLBFE, "Claim Insurance" (http://slbfe.lk/claim-insurance)';

/** Sri Lanka: registration with the SLBFE brings insurance; lapsed registrations go the humanitarian path. */
export const LK_SLBFE: PolicyTerms = {
  fundId: 'LK-SLBFE',
  name: 'SLBFE Workers Welfare Fund and registration insurance',
  country: 'LK',
  currency: 'LKR',
  // 17 May 2021: the earliest date a public source shows the modelled schedule (death Rs 600,000, total
  // disability Rs 400,000) in force: the Cabinet decision of that day describes it as the existing cover
  // ("Cabinet nod to introduce insurance scheme for Lankan migrant workers", Ada Derana, 18 May 2021,
  // http://www.adaderana.lk/news.php?nid=73956). The date the insurer's schedule took effect is in SLBFE's
  // insurance agreement, not found in the sources read: UNVERIFIED. (During the pandemic SLBFE's chairman gave
  // Rs 500,000 for a death: "40 Sri Lankans in foreign employment died due to COVID-19", praja.lk — an earlier
  // version.)
  effectiveFrom: '2021-05-17',
  // Registration "is valid for a period of two years" (SLBFE's spokesman in "Over 100k migrant workers ineligible
  // for help", The Morning, 29 Jan 2021, http://www.themorning.lk/over-100k-migrant-workers-ineligible-for-help/);
  // "valid for 2 or 3 years, the validity period of registration" (ColomboPage, 11 Feb 2022, "Relief benefits of
  // Rs. 10 million distributed by the Employees' Welfare Fund to migrant workers"). The two-year period is modelled.
  coverage: { bases: ['registration'], coverageMonths: 24, citations: [SLBFE] },
  benefits: [
    benefit({
      benefitType: 'death',
      incidentKinds: ['death'],
      requiresCoverage: true,
      claimWithinDays: 183, // "claims within 6 months" (ANCHORS.md; SLBFE_CLAIMS: "within 06 months after coming Sri Lanka").
      // Death in Sri Lanka "within 03 months of arrival due to a illness or accident met when working abroad"
      // is covered (SLBFE_INSURANCE): three months, at most 92 days.
      coveredDaysAfterReturn: 92,
      // "Death due to any cause whilst working abroad during the contract period Rs.600,000/-"; death in Sri Lanka
      // within three months of arrival, as above, "Rs.250,000/-" (SLBFE_INSURANCE). Was LKR 400,000 (unsourced).
      amount: {
        kind: 'schedule',
        schedule: [
          { grade: 'in-sri-lanka-after-return', amount: m('LKR', 250_000) },
          { grade: 'abroad', amount: m('LKR', 600_000) },
        ],
      },
      documentsRequired: ['death-certificate', 'passport-copy', 'proof-of-relationship'],
      beneficiaryOrder: ['spouse', 'child', 'parent'],
      secondApprovalAbove: m('LKR', 200_000),
      citations: [SLBFE_INSURANCE, SLBFE],
    }),
    benefit({
      benefitType: 'medical',
      incidentKinds: ['illness', 'accident', 'abuse'],
      requiresCoverage: true,
      // "It is compulsory to apply for compensation within 06 months after coming Sri Lanka" (SLBFE_CLAIMS).
      claimWithinDays: 183,
      // "Total limit under the medical cover limited up to Rs.50,000/- per migrant worker for the contract period"
      // (SLBFE_INSURANCE, item 3.3: medical expenses after the return). Was LKR 200,000 (unsourced).
      amount: { kind: 'capped_actual_cost', cap: m('LKR', 50_000) },
      documentsRequired: ['medical-certificate', 'passport-copy'],
      beneficiaryOrder: ['worker'],
      // Policy choice of this default: half the cap, so that the larger claims still need a second officer.
      secondApprovalAbove: m('LKR', 25_000),
      citations: [SLBFE_INSURANCE, SLBFE_CLAIMS, SLBFE],
    }),
    benefit({
      benefitType: 'legal_assistance',
      incidentKinds: ['abuse', 'exploitation'], // "harassment" (DOMAIN.md).
      requiresCoverage: true,
      claimWithinDays: 183,
      // The insurance "covers compensation for death and serious illness, accident and harassment" (ColomboPage,
      // above) and is claimed for "trouble/torture" (SLBFE_CLAIMS), but the part of SLBFE's schedule read here
      // (SLBFE_INSURANCE, items 1 to 3.3) gives no amount for harassment; the rest of the schedule was not read.
      // LKR 150,000 cap UNVERIFIED.
      amount: { kind: 'capped_actual_cost', cap: m('LKR', 150_000) },
      documentsRequired: ['mission-endorsement', 'case-summary'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('LKR', 100_000),
      citations: [SLBFE],
    }),
  ],
  citations: [SLBFE],
};

const BPJS = 'Minister of Manpower Regulation No. 4 of 2023 on Social Security for Indonesian Migrant Workers (BPJS Ketenagakerjaan)';
const BPJS_JKM =
  'BPJS Ketenagakerjaan, "Manfaat Program JKM untuk Ahli Waris Pekerja Migran Indonesia" ' +
  '(https://www.bpjsketenagakerjaan.go.id/artikel/18896/artikel-manfaat-program-jkm-untuk-ahli-waris-pekerja-migran-indonesia.bpjs)';
/** The Minister on the benefits of Permenaker 4/2023 (a news report of her speech, 10 Oct 2023). */
const BPJS_NEW_BENEFITS =
  'iNews Indramayu, "Menaker Beberkan Sejumlah Manfaat BPJS Ketenagakerjaan saat Kunjungi Indramayu" ' +
  '(https://indramayu.inews.id/read/355765/menaker-beberkan-sejumlah-manfaat-bpjs-ketenagakerjaan-saat-kunjungi-indramayu)';

/** Indonesia: BPJS Ketenagakerjaan, cover before, during and after placement. */
export const ID_BPJS: PolicyTerms = {
  fundId: 'ID-BPJS',
  name: 'BPJS Ketenagakerjaan — migrant workers programme',
  country: 'ID',
  currency: 'IDR',
  // Permenaker 4/2023 was enacted on 21 February 2023 and promulgated on 22 February 2023 (Kemnaker, "MPOWER"
  // vol. 1 2023, p. 27, https://online.flipbuilder.com/plcl/dncu/files/basic-html/page27.html). Its closing article
  // (entry into force, usually the day of promulgation) was not read here: UNVERIFIED. Was 2023-03-01.
  effectiveFrom: '2023-02-22',
  coverage: {
    bases: ['contribution'],
    // IDR 370,000 = Rp37,500 before work + Rp332,500 during and after a 24-month contract (Permenaker 4/2023 art. 18,
    // https://pasal.id/peraturan/permen/Permenaker-no-4-tahun-2023/koreksi/9656301). It covers 31 months: "5 bulan
    // maksimum sebelum berangkat, 25 bulan semasa bekerja di luar negeri, dan 1 bulan setelah pulang" (BPJS's
    // Singaraja branch head, "PMI Dijanjikan Pelindungan Khusus", NusaBali, 18 Mar 2022,
    // https://nusabali.com/berita/114207/pmi-dijanjikan-pelindungan-khusus — under Permenaker 18/2018, whose
    // contribution and periods 4/2023 kept: "iuran tetap"). Modelled as 31 months from the payment.
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
      // After the work, the death benefit (JKM) runs "sejak tiba di debarkasi sampai dengan 30 (tiga puluh) hari"
      // (BPJS Ketenagakerjaan, "908 - PROBIS KEPESERTAAN", p. 105,
      // http://online.flipbuilder.com/bcgyr/dubq/files/basic-html/page105.html).
      coveredDaysAfterReturn: 30,
      // During the work: santunan kematian, santunan berkala and funeral costs "dibayarkan sekaligus sebesar
      // Rp85.000.000"; before or after the work: Rp20,000,000 + Rp12,000,000 + Rp10,000,000 = Rp42,000,000 (BPJS_JKM;
      // ANCHORS.md). Was a fixed Rp85,000,000 whatever the period. The children's scholarship is not modelled.
      amount: {
        kind: 'schedule',
        schedule: [
          { grade: 'before-or-after-placement', amount: m('IDR', 42_000_000) },
          { grade: 'during-placement', amount: m('IDR', 85_000_000) },
        ],
      },
      documentsRequired: ['death-certificate', 'passport-copy', 'proof-of-relationship'],
      beneficiaryOrder: ['spouse', 'child', 'parent', 'sibling'],
      secondApprovalAbove: m('IDR', 50_000_000),
      citations: [BPJS_JKM, BPJS],
    }),
    benefit({
      benefitType: 'legal_assistance',
      incidentKinds: ['abuse', 'exploitation'], // cash for violence and placement contrary to the agreement (DOMAIN.md).
      requiresCoverage: true,
      claimWithinDays: 0,
      coversBeforeDeparture: true,
      // Permenaker 4/2023 pays fixed cash sums here: "Bantuan uang bagi PMI yang mengalami pemerkosaan sebesar Rp50
      // juta" and "Bantuan PMI yang ditempatkan tidak sesuai dengan perjanjian kerja sebesar Rp25 juta"
      // (BPJS_NEW_BENEFITS). The default folds both into one benefit capped at the larger published sum,
      // Rp50,000,000; the officer approves the sum that fits the case, within the cap.
      amount: { kind: 'capped_actual_cost', cap: m('IDR', 50_000_000) },
      documentsRequired: ['case-summary'],
      beneficiaryOrder: ['worker'],
      secondApprovalAbove: m('IDR', 25_000_000),
      citations: [BPJS_NEW_BENEFITS, BPJS],
    }),
    benefit({
      benefitType: 'repatriation',
      incidentKinds: ['stranding', 'abuse', 'exploitation'],
      requiresCoverage: true,
      claimWithinDays: 0,
      coversBeforeDeparture: true, // failed departure (DOMAIN.md).
      // The transport home is reimbursed "maksimal Rp15 juta" (for a worker placed contrary to the agreement:
      // BPJS_NEW_BENEFITS); a failed departure brings "Santunan Bantuan Gagal Berangkat sebesar Rp. 10.000.000"
      // (BPJS's Serang branch, "Gagal Berangkat, Calon PMI Dapat Santunan Rp 10 Juta dari BPJS Ketenagakerjaan
      // Serang", https://haluanbanten.co.id/2024/10/01/gagal-berangkat-calon-pmi-dapat-santunan-rp-10-juta-dari-bpjs-ketenagakerjaan-serang/).
      // Cap Rp15,000,000, the published transport maximum, for every case of this benefit. Was Rp25,000,000
      // (unsourced). The ceiling for the return of other "bermasalah" workers (art. 34(1)(c)) was not read: UNVERIFIED.
      amount: { kind: 'capped_actual_cost', cap: m('IDR', 15_000_000) },
      documentsRequired: ['passport-copy', 'mission-endorsement'],
      beneficiaryOrder: ['worker'],
      // Policy choice of this default: the failed-departure payment (Rp10 million) or less by one officer.
      secondApprovalAbove: m('IDR', 10_000_000),
      citations: [BPJS_NEW_BENEFITS, BPJS],
    }),
  ],
  citations: [BPJS],
};

export const DEFAULT_POLICIES: readonly PolicyTerms[] = [PH_OWWA, NP_FEWF, LK_SLBFE, ID_BPJS];

/** The default fund of a registry's country (the one its welfare incidents open drafts with). */
export const defaultFundOf = (country: string): string | undefined => DEFAULT_POLICIES.find((p) => p.country === country)?.fundId;
