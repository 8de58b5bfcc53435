// Demo data for `npm start`, written through the public API (never straight into tables): synthetic
// migration histories from @homeward/demo-data — registrations, orientations, departures, what the
// missions record abroad (with their own tokens when the development issuer can make them), returns of
// every kind including undocumented returnees, and reintegration. Deterministic for a seed and a day, safe
// to re-run (every POST carries an Idempotency-Key), and skipped when the registry already holds workers.
// For more, or another country: npm run demo -- --help
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * @param {string} base the registration service's URL
 * @param {string} token an origin-country agency's bearer token
 * @param {number} [count] how many workers
 * @param {{ country?: 'PH'|'NP'|'ID'|'BD'|'LK', seed?: number, missionTokens?: Record<string, string> }} [options]
 */
export async function loadDemoData(base, token, count = 200, options = {}) {
  const existing = await (await fetch(`${base}/workers?limit=1`, { headers: { authorization: `Bearer ${token}` } })).json();
  if (existing.items?.length) return 'already present (kept as it is)';
  // The built package (npm start builds it); `npm run demo` runs the sources instead.
  const { generateHistories } = require('@homeward/demo-data/histories');
  const { writeThroughApi } = require('@homeward/demo-data/api-writer');
  const { devTokens } = require('@homeward/demo-data/dev-tokens');
  const country = options.country ?? 'PH';
  let missionTokens = options.missionTokens;
  const issuerDirectory = new URL('../.local/dev-issuer', import.meta.url).pathname;
  if (!missionTokens && existsSync(issuerDirectory)) missionTokens = (await devTokens(issuerDirectory, country)).missions;
  const today = new Date().toISOString().slice(0, 10);
  const report = await writeThroughApi(generateHistories({ country, seed: options.seed ?? 1, today }, count), {
    baseUrl: base,
    agencyToken: token,
    missionTokens: missionTokens ?? {},
    concurrency: 16,
  });
  const failures = report.results.filter((r) => r.failure);
  if (failures.length > 0) {
    const first = failures[0];
    return `${count - failures.length} of ${count} workers written; ${failures.length} failed (first: worker ${first.index} at ${first.failure.step}: ${first.failure.status} ${first.failure.detail})`;
  }
  return `${count} synthetic ${country} workers (${report.calls} API calls, missions recording for ${Object.keys(missionTokens ?? {}).length} countries)`;
}

/**
 * The skills-certification demo, through its public API: standards, centres and accredited assessors, and
 * the recognition-of-prior-learning path of up to `count` returnees the registry lists (assessments,
 * gap training, reassessments, certificates; one revoked). Safe to re-run (Idempotency-Keys).
 *
 * @param {string} skillsBase the skills-certification service's URL
 * @param {string} skillsToken an agency's token with the skills scopes
 * @param {string} registrationBase the registration service's URL
 * @param {string} agencyToken an agency's token that reads workers
 * @returns {Promise<{ summary: string, verificationLink?: string, revokedLink?: string }>}
 */
export async function loadSkillsDemo(skillsBase, skillsToken, registrationBase, agencyToken, count = 250) {
  const { writeSkillsDemo } = require('@homeward/demo-data/skills-writer');
  // The registry's list is a read model: wait until it shows the returnees just written.
  let workerIds = [];
  for (let attempt = 0; attempt < 60 && workerIds.length === 0; attempt++) {
    const listed = await (
      await fetch(`${registrationBase}/workers?status=returned&limit=500`, { headers: { authorization: `Bearer ${agencyToken}` } })
    ).json();
    workerIds = (listed.items ?? []).map((w) => w.workerId).slice(0, count);
    if (workerIds.length === 0) await new Promise((r) => setTimeout(r, 1000));
  }
  const report = await writeSkillsDemo({
    baseUrl: skillsBase,
    token: skillsToken,
    workerIds,
    today: new Date().toISOString().slice(0, 10),
  });
  const failed = report.failures.length ? `; ${report.failures.length} failed (first: ${report.failures[0]})` : '';
  return {
    summary: `${report.standards} standards, ${report.centres} centres, ${report.assessments} assessments and ${report.certificates} certificates for ${workerIds.length} returnees${failed}`,
    verificationLink: report.verificationLink,
    revokedLink: report.revokedLink,
  };
}

/**
 * The employment-matching demo, through its public API: the demo employers' vacancies (some posted by the
 * employers with their own tokens, some by the employment office), the preferences of up to `count`
 * returnees the agency view lists (with the occupations of their work abroad), and referrals with the
 * matching engine's score, interviews, hires and a few ended placements. Deterministic for a seed and a day
 * and safe to re-run (Idempotency-Keys); skipped when the service already holds vacancies, since the
 * vacancies of another day would close on other dates.
 *
 * @param {string} employmentBase the employment-matching service's URL
 * @param {string} agencyViewBase the agency view's URL (where the returnees and their occupations are read)
 * @param {string} agencyToken an agency's token that reads workers
 * @param {{ count?: number, seed?: number, country?: 'PH'|'NP'|'ID'|'BD'|'LK' }} [options]
 * @returns {Promise<{ summary: string, officeToken?: string }>}
 */
export async function loadEmploymentDemo(employmentBase, agencyViewBase, agencyToken, options = {}) {
  const { writeEmploymentDemo, demoEmployers } = require('@homeward/demo-data/employment-writer');
  const { devEmploymentTokens } = require('@homeward/demo-data/dev-tokens');
  const country = options.country ?? 'PH';
  const issuerDirectory = new URL('../.local/dev-issuer', import.meta.url).pathname;
  if (!existsSync(issuerDirectory)) return { summary: 'skipped (no development issuer to make the employers’ tokens)' };
  const employerIds = demoEmployers(country)
    .filter((e) => e.selfService)
    .map((e) => e.employerId);
  const tokens = await devEmploymentTokens(issuerDirectory, country, employerIds);
  const existing = await (
    await fetch(`${employmentBase}/vacancies?limit=1`, { headers: { authorization: `Bearer ${tokens.office}` } })
  ).json();
  if (existing.items?.length) return { summary: 'already present (kept as it is)', officeToken: tokens.office };
  // The agency view is a read model: wait until it lists the returnees the registry holds.
  let seekers = [];
  for (let attempt = 0; attempt < 60 && seekers.length === 0; attempt++) {
    const listed = await (
      await fetch(`${agencyViewBase}/workers?status=returned&limit=1000`, { headers: { authorization: `Bearer ${agencyToken}` } })
    ).json();
    seekers = (listed.items ?? [])
      .filter((w) => !w.personalDataErased && !w.mergedInto)
      .slice(0, options.count ?? 150)
      .map((w) => ({ workerId: w.workerId, originArea: w.originArea, occupations: w.occupations ?? [] }));
    if (seekers.length === 0) await new Promise((r) => setTimeout(r, 1000));
  }
  const report = await writeEmploymentDemo({
    baseUrl: employmentBase,
    officeToken: tokens.office,
    employerTokens: tokens.employers,
    seekers,
    country,
    seed: options.seed ?? 1,
    today: new Date().toISOString().slice(0, 10),
  });
  const skipped = report.skipped.length ? `; ${report.skipped.length} skipped (first: ${report.skipped[0]})` : '';
  const failed = report.failures.length ? `; ${report.failures.length} failed (first: ${report.failures[0]})` : '';
  return {
    summary: `${report.vacancies} vacancies of ${report.employers} employers, ${report.seekers} job seekers (${report.preferences} with preferences), ${report.referrals} referrals, ${report.interviews} interviews, ${report.hires} hires, ${report.placementsEnded} placements ended${skipped}${failed}`,
    officeToken: tokens.office,
  };
}

/**
 * The emergency fund demo, through the registration and emergency-fund APIs (after the employment demo):
 * a budget allocation into the Philippine fund's pool (the default policies the service publishes at its
 * start), six members deployed to Saudi Arabia or the Emirates, welfare incidents recorded by the missions —
 * drafts the fund opens by itself, and claims its officer files — decided by two officers above the
 * threshold, paid, and reconciled with the local provider's statement. Skipped when the fund's ledger already
 * holds postings (a second `npm start` keeps it as it is).
 *
 * @param {string} registrationBase the registration service's URL
 * @param {string} fundBase the emergency-fund service's URL
 * @param {{ seed?: number }} [options]
 * @returns {Promise<{ summary: string, officerToken?: string }>}
 */
export async function loadFundDemo(registrationBase, fundBase, options = {}) {
  const { writeFundDemo } = require('@homeward/demo-data/fund-writer');
  const { devFundTokens } = require('@homeward/demo-data/dev-tokens');
  const issuerDirectory = new URL('../.local/dev-issuer', import.meta.url).pathname;
  if (!existsSync(issuerDirectory)) return { summary: 'skipped (no development issuer to make the officers’ tokens)' };
  const tokens = await devFundTokens(issuerDirectory);
  const report = await writeFundDemo({
    registrationUrl: registrationBase,
    fundUrl: fundBase,
    registryToken: tokens.registry,
    missionTokens: tokens.missions,
    officerTokens: tokens.officers,
    seed: options.seed ?? 1,
    today: new Date().toISOString().slice(0, 10),
  });
  if (report.skipped) return { summary: report.skipped, officerToken: tokens.officers[0] };
  const failed = report.failures.length ? `; ${report.failures.length} failed (first: ${report.failures[0]})` : '';
  return {
    summary: `${report.claims} claims of ${report.workers} members: ${report.approved} approved, ${report.paid} paid, ${report.reconciled} reconciled${failed}`,
    officerToken: tokens.officers[0],
  };
}
