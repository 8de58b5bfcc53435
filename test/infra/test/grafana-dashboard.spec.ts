import { join } from 'node:path';
import { K8S, kustomizationResources } from './support/kubernetes';
import { kafkaExporterMetricNames, metricNames, readDashboard, serviceMetricNames, type Dashboard } from './support/dashboard';

/*
 * The Grafana dashboard (infra/k8s/base/grafana/homeward-dashboard.json): a dashboard Grafana can load (panels on
 * the 24-column grid without overlaps, every panel and query on the Prometheus data source variable), covering
 * throughput, latency, lag and dead letters, and reading only metrics that exist: the services' own (defined in
 * their code; their e2e tests find them at /metrics) and the Kafka exporter's that the Strimzi cluster runs.
 */

const dashboard = readDashboard();
const panels = dashboard.panels.filter((p) => p.type !== 'row');

function problems(d: Dashboard): string[] {
  const out: string[] = [];
  const ids = new Set<number>();
  const datasourceVariable = d.templating.list.find((v) => v.type === 'datasource' && v.query === 'prometheus');
  if (!datasourceVariable) out.push('no Prometheus data source variable');
  if (!d.uid || !d.title || typeof d.schemaVersion !== 'number') out.push('no uid, title or schemaVersion');
  for (const p of d.panels) {
    if (ids.has(p.id)) out.push(`panel id ${p.id} twice`);
    ids.add(p.id);
    const { x, y, w, h } = p.gridPos;
    if (!(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0)) out.push(`${p.title}: off the grid`);
    if (p.type === 'row') continue;
    if (!['timeseries', 'stat', 'table', 'gauge', 'bargauge'].includes(p.type)) out.push(`${p.title}: panel type ${p.type}`);
    if (p.datasource?.type !== 'prometheus' || p.datasource.uid !== `\${${datasourceVariable?.name}}`) out.push(`${p.title}: data source`);
    if (!p.targets?.length) out.push(`${p.title}: no query`);
    const refIds = new Set<string>();
    for (const t of p.targets ?? []) {
      if (!t.expr?.trim()) out.push(`${p.title}: an empty query`);
      if (refIds.has(t.refId)) out.push(`${p.title}: refId ${t.refId} twice`);
      refIds.add(t.refId);
      if (t.datasource && t.datasource.uid !== p.datasource?.uid) out.push(`${p.title}: a query on another data source`);
      if ((t.expr.match(/\(/g) ?? []).length !== (t.expr.match(/\)/g) ?? []).length)
        out.push(`${p.title}: unbalanced parentheses in ${t.expr}`);
    }
  }
  const boxes = d.panels.map((p) => p.gridPos);
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b, j) => {
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
        out.push(`panels ${d.panels[i]!.title} and ${d.panels[i + 1 + j]!.title} overlap`);
    }),
  );
  return out;
}

describe('the Grafana dashboard', () => {
  it('is a dashboard Grafana loads: panels on the grid, each with Prometheus queries on the data source variable', () => {
    expect(problems(dashboard)).toEqual([]);
    expect(panels.length).toBeGreaterThanOrEqual(10);
  });

  it('finds what is wrong with a broken one (the checks can fail)', () => {
    const broken = structuredClone(dashboard) as Dashboard & { panels: any[] };
    const [first, second, third] = broken.panels.filter((p: { type: string }) => p.type !== 'row') as any[];
    first.datasource = { type: 'loki', uid: 'x' };
    second.gridPos = { ...first.gridPos };
    third.targets = [];
    expect(problems(broken)).toEqual(
      expect.arrayContaining([`${first.title}: data source`, `${third.title}: no query`, expect.stringMatching(/overlap/)]),
    );
  });

  it('shows throughput, latency, consumer lag and dead letters', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Throughput', 'Latency', 'Consumer lag', 'Dead letters and quarantine']);
    const exprs = panels.flatMap((p) => p.targets!.map((t) => t.expr)).join('\n');
    for (const needed of [
      'homeward_projection_events_processed_total',
      'homeward_projection_lag_messages',
      'homeward_relay_oldest_unpublished_age_seconds',
      'kafka_consumergroup_lag',
      'dlq',
    ])
      expect(exprs).toContain(needed);
  });

  it('reads only metrics the services define or the Kafka exporter of infra/k8s exposes', () => {
    const own = serviceMetricNames();
    const exporter = kafkaExporterMetricNames();
    expect(own.size).toBeGreaterThanOrEqual(10);
    const used = panels.flatMap((p) => p.targets!.flatMap((t) => metricNames(t.expr)));
    expect(used.filter((m) => !own.has(m) && !exporter.has(m))).toEqual([]);
    expect(used.filter((m) => m.startsWith('homeward_')).length).toBeGreaterThan(8);
    // The exporter's names are only there when the cluster runs it.
    const kafka = kustomizationResources(join(K8S, 'base')).find((l) => l.resource.kind === 'Kafka')!;
    if (used.some((m) => exporter.has(m))) expect(kafka.resource.spec.kafkaExporter).toBeDefined();
  });

  it('parses the metric names out of PromQL, and would catch one that does not exist', () => {
    expect(metricNames('sum by (topic) (rate(kafka_topic_partition_current_offset{topic=~"homeward\\\\..+"}[$__rate_interval]))')).toEqual([
      'kafka_topic_partition_current_offset',
    ]);
    expect(metricNames('a_metric - ignoring(x) b_metric{c="d"} offset 5m > 3')).toEqual(['a_metric', 'b_metric']);
    expect(serviceMetricNames().has('homeward_relay_published_events_total')).toBe(false);
  });
});
