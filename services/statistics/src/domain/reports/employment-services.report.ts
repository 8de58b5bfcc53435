import { EMPLOYMENT_SERVICE, OCCUPATION, SEX, VACANCY_FLOW, locationCode, locationDimension, occupationCode, sexCode } from './codelists';
import { Cube } from './cube';
import { coreCodes, countObservations, inPeriod, sliceCode, type ReportContext } from './report-context';
import type { ReportTable } from './report-table';
import { coreTabulation } from './tabulation';

/*
 * The public employment service's work (issue 12), from the employment topic: vacancies, and the steps
 * of returnees through it (registered as job seekers, referred, interviewed, hired), as of any date.
 */

/**
 * Vacancies posted, filled, closed unfilled and withdrawn in the period, and open on the reference date, by
 * occupation (ISCO-08 major group) × place of work (ISO 3166-2 subdivision). A vacancy carries no person:
 * it has no sex, education or recruitment channel, and is the one table without them.
 */
export function vacanciesTable(context: ReportContext): ReportTable {
  const { asOf } = context;
  const locations = new Set<string>();
  context.history.forEachVacancy((v) => {
    if (v.postedOn !== undefined && v.postedOn <= asOf && v.location !== undefined) locations.add(v.location);
  });
  const cube = new Cube([OCCUPATION, locationDimension(locations), VACANCY_FLOW, context.periodTime]);
  const period = context.request.period.code;
  context.history.forEachVacancy((v) => {
    // A vacancy whose posting is not known (recorded after the cut-off) is not one yet.
    if (v.postedOn === undefined || v.postedOn > asOf) return;
    const key = (flow: string) => [occupationCode(v.occupation), locationCode(v.location), flow, period];
    if (inPeriod(context, v.postedOn)) cube.add(key('POSTED'));
    const ended = v.ended !== undefined && v.ended.on <= asOf ? v.ended : undefined;
    if (!ended) cube.add(key('OPEN'));
    else if (inPeriod(context, ended.on))
      cube.add(key(ended.end === 'filled' ? 'FILLED' : ended.end === 'closed' ? 'CLOSED' : 'WITHDRAWN'));
  });
  return {
    id: 'vacancies',
    title: 'Vacancies notified to the public employment service',
    definition:
      'Vacancies posted by employers or the employment office, dated in the reference period and on or before the reference date; those filled, closed unfilled (closing date passed or closed by the employer) and withdrawn in the period; and those open on the reference date (posted by then and not yet filled, closed or withdrawn). By occupation (ISCO-08 major group) and place of work (ISO 3166-2 subdivision). Each vacancy counts once, whatever its number of openings. A vacancy has no person behind it: no sex, education or recruitment channel.',
    flow: { id: 'DF_PES_VACANCIES', version: '1.0' },
    unit: 'NUM',
    unitName: 'Vacancies',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}

/**
 * Returnees registered as job seekers, referrals, interviews and hires dated in the period, by sex of the
 * seeker × level of education × recruitment channel of their last cycle by that day × time period.
 */
export function referralsTable(context: ReportContext): ReportTable {
  const cube = coreTabulation([SEX, EMPLOYMENT_SERVICE, context.flowTime]);
  const add = (who: Parameters<typeof coreCodes>[0] & { sex: Parameters<typeof sexCode>[0] }, step: string, day: number | undefined) => {
    if (!inPeriod(context, day)) return;
    cube.add([sexCode(who.sex), step, ...coreCodes(who), sliceCode(context, day)]);
  };
  context.history.forEachJobSeeker((s) => add(s, 'JOB_SEEKERS', s.registeredOn));
  context.history.forEachReferral((r) => {
    add(r, 'REFERRALS', r.referredOn);
    for (const day of r.interviews) add(r, 'INTERVIEWS', day);
  });
  context.history.forEachHire((h) => add(h, 'HIRES', h.hiredOn));
  return {
    id: 'referrals',
    title: 'Returnees through the public employment service: job seekers, referrals, interviews, hires',
    definition:
      'Returnees registered as job seekers, referrals of a job seeker to a vacancy, interviews and hires, each dated in the reference period and on or before the reference date, by sex of the job seeker, level of education (ISCED 2011), recruitment channel of their last migration cycle by that day, and time period. Each event counts once: a person referred twice counts twice. An interview whose referral is not in the history is left out.',
    flow: { id: 'DF_PES_REFERRALS', version: '1.0' },
    unit: 'NUM',
    unitName: 'Events',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}
