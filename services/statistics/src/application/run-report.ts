import { buildReport } from '../domain/reports/build-report';
import type { Report } from '../domain/reports/report-table';
import { render, type RenderedReport } from '../output/render';
import type { RenderOptions } from '../output/render-options';
import {
  replay,
  type EmploymentTopicSource,
  type FundTopicSource,
  type ReplayProgress,
  type ReplayResult,
  type ReplaySource,
  type SkillsTopicSource,
} from '../sources/replay';
import { EMPLOYMENT_REPORT_KINDS, FUND_REPORT_KINDS, SKILLS_REPORT_KINDS } from '../domain/reports/report-table';
import type { ParsedSpec, SourceName } from './report-spec';

export interface RunReportDependencies {
  readonly sourceFor: (name: SourceName) => ReplaySource;
  /** The skills topic, read when a skills table is asked for (whatever the registration history's source). */
  readonly skillsSource?: () => SkillsTopicSource;
  /** The employment topic, read when a placement, vacancy or referral table is asked for. */
  readonly employmentSource?: () => EmploymentTopicSource;
  /** The fund topic, read when a fund table is asked for. */
  readonly fundSource?: () => FundTopicSource;
  readonly renderOptions: RenderOptions;
  readonly onProgress?: ReplayProgress;
  /**
   * The Kafka replay at scale (checkpoints, parallel members: sources/scaled-replay.ts), used instead of the
   * plain replay when the source is `kafka`; told which of the other topics the report needs.
   */
  readonly scaledKafka?: (
    needs: { readonly skills: boolean; readonly employment: boolean; readonly fund: boolean },
    knownAt: Date | undefined,
    onProgress: ReplayProgress,
  ) => Promise<ReplayResult>;
}

export interface ReportRun extends RenderedReport {
  readonly eventsRead: number;
  readonly undecodable: number;
  /** What the history holds that the tables could not place (also in JSON and HTML outputs). */
  readonly unplaced: Report['basis']['unplaced'];
  readonly fileName: string;
}

/** Replay, report, render: what the CLI and a report job both do. */
export async function runReport(spec: ParsedSpec, deps: RunReportDependencies): Promise<ReportRun> {
  const wantsSkills = spec.request.reports.some((kind) => SKILLS_REPORT_KINDS.includes(kind));
  if (wantsSkills && !deps.skillsSource) throw new Error('the skills tables need the skills topic, which is not configured');
  const wantsEmployment = spec.request.reports.some((kind) => EMPLOYMENT_REPORT_KINDS.includes(kind));
  if (wantsEmployment && !deps.employmentSource)
    throw new Error('the placement, vacancy and referral tables need the employment topic, which is not configured');
  const wantsFund = spec.request.reports.some((kind) => FUND_REPORT_KINDS.includes(kind));
  if (wantsFund && !deps.fundSource) throw new Error('the fund tables need the fund topic, which is not configured');
  const replayed =
    deps.scaledKafka && spec.source === 'kafka'
      ? await deps.scaledKafka(
          { skills: wantsSkills, employment: wantsEmployment, fund: wantsFund },
          spec.knownAt,
          deps.onProgress ?? (() => undefined),
        )
      : await replay(deps.sourceFor(spec.source), {
          ...(spec.knownAt ? { knownAt: spec.knownAt } : {}),
          ...(wantsSkills && deps.skillsSource ? { skills: deps.skillsSource() } : {}),
          ...(wantsEmployment && deps.employmentSource ? { employment: deps.employmentSource() } : {}),
          ...(wantsFund && deps.fundSource ? { fund: deps.fundSource() } : {}),
          ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
        });
  const report = buildReport(replayed.facts, spec.request);
  const rendered = render(report, spec.format, deps.renderOptions);
  const kinds = spec.request.reports.length === 1 ? spec.request.reports[0]! : 'all';
  return {
    ...rendered,
    eventsRead: replayed.eventsRead,
    undecodable: replayed.undecodable,
    unplaced: report.basis.unplaced,
    fileName: `migration-${kinds}-${spec.request.asOf}-${spec.request.period.code.replace(/\//g, '_')}${spec.format === 'sdmx-csv' ? '.sdmx' : ''}.${rendered.extension}`,
  };
}
