import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { K8S, REPO } from './kubernetes';

export const DASHBOARD_PATH = join(K8S, 'base', 'grafana', 'homeward-dashboard.json');

export interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly datasource?: { type: string; uid: string };
}
export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { type: string; uid: string };
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly targets?: Target[];
}
export interface Dashboard {
  readonly title: string;
  readonly uid: string;
  readonly schemaVersion: number;
  readonly panels: Panel[];
  readonly templating: { list: { name: string; type: string; query: string }[] };
}

export const readDashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;

/** PromQL's functions, aggregations and keywords: every other identifier of an expression is a metric name. */
const PROMQL_WORDS = new Set(
  (
    'sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio by without on ignoring group_left group_right ' +
    'bool and or unless offset rate irate increase delta idelta deriv predict_linear resets changes histogram_quantile histogram_count histogram_sum ' +
    'abs absent absent_over_time ceil floor round clamp clamp_max clamp_min exp ln log2 log10 sqrt sgn sort sort_desc label_replace label_join ' +
    'time timestamp vector scalar avg_over_time min_over_time max_over_time sum_over_time count_over_time last_over_time present_over_time quantile_over_time ' +
    'stddev_over_time stdvar_over_time day_of_month day_of_week hour minute month year inf nan'
  ).split(' '),
);

/** The metric names a PromQL expression reads: strings, label matchers, ranges, grouping labels and numbers removed. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$__[a-z_]+/gi, ' ')
    .replace(/\b\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y)?\b/g, ' ');
  const words = stripped.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? [];
  return [...new Set(words.filter((w) => !PROMQL_WORDS.has(w)))];
}

/**
 * The metric names the services define: every `homeward_…` name in the source of a file that writes Prometheus
 * exposition (`# TYPE`) or registers prom-client metrics. The services' e2e tests check the same names are in
 * what a started service answers at /metrics.
 */
export function serviceMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const root of ['packages', 'services']) {
    for (const entry of readdirSync(join(REPO, root), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
      if (entry.parentPath.includes('node_modules') || !entry.parentPath.includes('/src')) continue;
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      if (!text.includes('# TYPE') && !text.includes('prom-client')) continue;
      for (const m of text.matchAll(/['"`(\s]((?:homeward)_[a-z0-9_]+)/g)) names.add(m[1]!);
    }
  }
  return names;
}

/** The Kafka exporter's metric names, as vendored from Strimzi (infra/k8s/base/grafana/kafka-exporter-metrics.json). */
export function kafkaExporterMetricNames(): Set<string> {
  const vendored = JSON.parse(readFileSync(join(K8S, 'base', 'grafana', 'kafka-exporter-metrics.json'), 'utf8')) as { metrics: string[] };
  return new Set(vendored.metrics);
}
