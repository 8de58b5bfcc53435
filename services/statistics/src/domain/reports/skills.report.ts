import type { AssessmentRecord, CertificateRecord } from '../history/migration-history';
import {
  CERTIFICATE_STATUS,
  CERTIFICATE_TYPE,
  type CertificateStatus,
  OCCUPATION,
  SEX,
  TOTAL,
  certificateTypeCode,
  competencyUnitCode,
  competencyUnitDimension,
  countryCode,
  occupationCode,
  sexCode,
  standardDimension,
} from './codelists';
import { coreCodes, countObservations, inPeriod, sliceCode, type ReportContext } from './report-context';
import { coreTabulation, type Tabulation } from './tabulation';
import type { Observation, ReportTable } from './report-table';

/*
 * The skills tables (issue 11): recognition of prior learning as the skills topic records it, joined with
 * registration's facts by worker id for the person's sex and the destination of their last cycle by the
 * date of the assessment or certificate. Every table counts what is dated in the reference period and on
 * or before the reference date.
 */

/** Assessments dated in the period: the assessment flow, by sex × destination of the last cycle × occupation × time period. */
export function assessmentsTable(context: ReportContext): ReportTable {
  const cube = coreTabulation([SEX, context.countries, OCCUPATION, context.flowTime]);
  context.history.forEachAssessment((a) => {
    if (!inPeriod(context, a.assessedOn)) return;
    cube.add([sexCode(a.sex), countryCode(a.country), occupationCode(a.occupation), ...coreCodes(a), sliceCode(context, a.assessedOn)]);
  });
  return {
    id: 'assessments',
    title: 'Skills assessments of return migrants',
    definition:
      'Assessments of skills against a competency standard (recognition of prior learning), reassessments of the units not yet competent included, dated in the reference period and on or before the reference date, by sex, country of destination of the last migration cycle by the date of the assessment, occupation of the standard (ISCO-08 major group) and time period, and by level of education (ISCED 2011) and recruitment channel of the last cycle crossed with sex and country. Each assessment counts once.',
    flow: { id: 'DF_SKILLS_ASSESSMENTS', version: '1.0' },
    unit: 'NUM',
    unitName: 'Assessments',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}

/**
 * A certificate's status on `day`: its changes dated by then, in date order (the order recorded within a
 * day). A revocation is final; a reinstatement ends a suspension; a certificate still valid past its expiry
 * date has expired.
 */
export function certificateStatusOn(certificate: CertificateRecord, day: number): CertificateStatus {
  let status: CertificateStatus = 'ACTIVE';
  const changes = certificate.changes.map((c, n) => ({ ...c, n })).sort((a, b) => a.on - b.on || a.n - b.n);
  for (const { on, change } of changes) {
    if (on > day || status === 'REVOKED') continue;
    if (change === 'revoked') status = 'REVOKED';
    else if (change === 'superseded') status = 'SUPERSEDED';
    else if (change === 'suspended') status = 'SUSPENDED';
    else if (status === 'SUSPENDED') status = 'ACTIVE';
  }
  if (status === 'ACTIVE' && certificate.expiresOn !== undefined && certificate.expiresOn < day) return 'EXPIRED';
  return status;
}

/**
 * Certificates issued in the period, by sex × destination of the last cycle × occupation × certificate type
 * × status on the reference date × time period.
 */
export function certificatesTable(context: ReportContext): ReportTable {
  const cube = coreTabulation([SEX, context.countries, OCCUPATION, CERTIFICATE_TYPE, CERTIFICATE_STATUS, context.flowTime]);
  context.history.forEachCertificate((c) => {
    if (!inPeriod(context, c.issuedOn)) return;
    cube.add([
      sexCode(c.sex),
      countryCode(c.country),
      occupationCode(c.occupation),
      certificateTypeCode(c.kind),
      certificateStatusOn(c, context.asOf),
      ...coreCodes(c),
      sliceCode(context, c.issuedOn),
    ]);
  });
  return {
    id: 'certificates',
    title: 'Skills certificates issued to return migrants',
    definition:
      'Certificates issued on the recognition of prior learning, dated in the reference period and on or before the reference date: full qualifications (every unit of the standard) and certificates of competency (some units), each counted whatever became of it, by sex, country of destination of the last migration cycle by the date of issue, occupation of the standard (ISCO-08 major group), certificate type, status on the reference date (valid, superseded by the full qualification, suspended, revoked, expired) and time period, and by level of education (ISCED 2011) and recruitment channel of the last cycle crossed with sex and country.',
    flow: { id: 'DF_SKILLS_CERTIFICATES', version: '1.0' },
    unit: 'NUM',
    unitName: 'Certificates',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}

/** The pass rates: per standard and per unit of competency. */
export function passRateTables(context: ReportContext): ReportTable[] {
  const assessed: AssessmentRecord[] = [];
  const standards = new Map<string, string>();
  const units = new Map<string, string>();
  // The code lists hold what was assessed by the reference date, so that they do not depend on the period.
  context.history.forEachAssessment((a) => {
    if (a.assessedOn > context.asOf) return;
    const title = context.history.standardTitle(a.standardId) ?? a.standardId;
    standards.set(a.standardId, title);
    for (const unit of a.units) units.set(competencyUnitCode(a.standardId, unit.code), `${title}: ${unit.code}`);
    if (inPeriod(context, a.assessedOn)) assessed.push(a);
  });
  return [standardPassRate(context, assessed, standards), unitPassRate(context, assessed, units)];
}

/** Rates are kept to 4 decimals; the sums behind them are whole numbers, so the result does not depend on the order of the sum. */
const rate = (competent: number, assessed: number): number => Math.round((competent / assessed) * 10_000) / 10_000;

/**
 * Rates with their counts: `value` is competent ÷ assessed; a cell whose number of assessments is from 1 to
 * the threshold − 1 is suppressed, its count of units hidden with it (it would tell what the suppression hides).
 */
function rateObservations(
  competent: Tabulation,
  assessed: Tabulation,
  assessmentsBehind: (codes: readonly string[], cell: number) => number,
  suppressBelow: number | undefined,
): Observation[] {
  competent.withTotals();
  assessed.withTotals();
  const observations: Observation[] = [];
  for (const { codes, cell } of assessed.cells()) {
    const n = assessed.valueAt(cell);
    const people = assessmentsBehind(codes, cell);
    const suppressed = suppressBelow !== undefined && people > 0 && people < suppressBelow;
    observations.push({
      key: codes,
      value: n === 0 || suppressed ? undefined : rate(competent.valueAt(cell), n),
      status: n === 0 ? 'M' : 'A',
      confidentiality: suppressed ? 'C' : 'F',
      ...(suppressed ? {} : { count: n }),
    });
  }
  return observations;
}

/**
 * Pass rate per standard: units found competent ÷ units assessed, over the assessments in the period, by
 * sex × destination of the last cycle × occupation × standard. OBS_COUNT: units assessed. Suppression goes
 * by the number of assessments behind a cell (a person with several units is still one person).
 */
function standardPassRate(
  context: ReportContext,
  assessed: readonly AssessmentRecord[],
  standards: ReadonlyMap<string, string>,
): ReportTable {
  const own = [SEX, context.countries, OCCUPATION, standardDimension(standards), context.periodTime];
  const competent = coreTabulation(own);
  const units = coreTabulation(own);
  const assessments = coreTabulation(own);
  const { dimensions } = units;
  const period = context.request.period.code;
  for (const a of assessed) {
    const key = [sexCode(a.sex), countryCode(a.country), occupationCode(a.occupation), a.standardId, ...coreCodes(a), period];
    competent.add(key, a.units.filter((u) => u.competent).length);
    units.add(key, a.units.length);
    assessments.add(key);
  }
  return {
    id: 'pass-rate-standard',
    title: 'Pass rate of skills assessments, per competency standard',
    definition:
      'Units of competency found competent divided by units assessed, over the assessments (reassessments included) dated in the reference period and on or before the reference date, by sex, country of destination of the last migration cycle by the date of the assessment, occupation of the standard (ISCO-08 major group) and standard, and by level of education and recruitment channel of the last cycle crossed with sex and country. OBS_COUNT is the number of units assessed; a cell over fewer assessments than the threshold is suppressed.',
    flow: { id: 'DF_SKILLS_PASS_STANDARD', version: '1.0' },
    unit: 'RATIO',
    unitName: 'Units competent per unit assessed',
    decimals: 4,
    dimensions,
    observations: rateObservations(competent, units, (_, cell) => assessments.withTotals().valueAt(cell), context.request.suppressBelow),
  };
}

/**
 * Pass rate per unit of competency: assessments of the unit that found it competent ÷ assessments of the
 * unit, by sex × destination of the last cycle × unit (under its standard). OBS_COUNT: the unit's assessments.
 */
function unitPassRate(context: ReportContext, assessed: readonly AssessmentRecord[], unitNames: ReadonlyMap<string, string>): ReportTable {
  const own = [SEX, context.countries, competencyUnitDimension(unitNames), context.periodTime];
  const competent = coreTabulation(own);
  const units = coreTabulation(own);
  const { dimensions } = units;
  // The total over units is over assessments, not over their units: one person assessed on three units is one.
  const assessments = coreTabulation([SEX, context.countries, context.periodTime]);
  const period = context.request.period.code;
  for (const a of assessed) {
    const core = coreCodes(a);
    assessments.add([sexCode(a.sex), countryCode(a.country), ...core, period]);
    for (const unit of a.units) {
      const key = [sexCode(a.sex), countryCode(a.country), competencyUnitCode(a.standardId, unit.code), ...core, period];
      if (unit.competent) competent.add(key);
      units.add(key);
    }
  }
  return {
    id: 'pass-rate-unit',
    title: 'Pass rate of skills assessments, per unit of competency',
    definition:
      'Assessments of a unit of competency that found the person competent, divided by the assessments of that unit (reassessments included), dated in the reference period and on or before the reference date, by sex, country of destination of the last migration cycle by the date of the assessment and unit (coded <standard>:<unit>), and by level of education and recruitment channel of the last cycle crossed with sex and country. OBS_COUNT is the number of assessments of the unit; a cell over fewer than the threshold is suppressed.',
    flow: { id: 'DF_SKILLS_PASS_UNIT', version: '1.0' },
    unit: 'RATIO',
    unitName: 'Assessments competent per assessment',
    decimals: 4,
    dimensions,
    // Each assessment of a unit is one person's: behind a unit's cell are its assessments; behind the total
    // over units, the assessments themselves.
    observations: rateObservations(
      competent,
      units,
      (codes, cell) =>
        codes[2] === TOTAL
          ? assessments.withTotals().valueAt(assessments.cellOf([codes[0]!, codes[1]!, codes[3]!, codes[4]!, codes[5]!]))
          : units.valueAt(cell),
      context.request.suppressBelow,
    ),
  };
}
