/**
 * The Prometheus alert rules as files (no Prometheus runs here): every rule is complete, Prometheus loads the
 * file that compose mounts, and every `outpost_*` metric a rule uses is one that `couch status --prometheus`
 * really writes, so no alert waits on a metric that never exists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusText, type Status } from './cli/status';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}
const rules = (parse(read('couch-config/prometheus-alerts.yml')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

const SAMPLE: Status = {
  at: '2026-06-01T00:00:00.000Z',
  server: 'http://127.0.0.1:5984',
  databases: [{ db: 'outpost-hub', docs: 1, deleted: 0, fileBytes: 1, conflicted: 0 }],
  replications: [{ id: 'outpost-team-a-to-hub', state: 'running', error: null, docsWritten: 0, docWriteFailures: 0, lastUpdated: null }],
  lag: [{ team: 'a', teamBehindHub: 0, hubBehindTeam: 0 }],
};

describe('Prometheus alert rules', () => {
  it('alerts on a node down, a crashing replication, rising conflicts, teams behind the hub and a blind exporter', () => {
    expect(rules.map((r) => r.alert)).toEqual(['CouchDBNodeDown', 'CouchDBReplicationCrashing', 'OutpostReplicationNotRunning', 'OutpostConflictsRising', 'OutpostTeamBehindHub', 'OutpostExporterDown']);
    for (const rule of rules) {
      expect(rule.expr, rule.alert).toMatch(/\S/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toMatch(/\S/);
    }
  });

  it('uses only outpost_* metrics that couch status --prometheus writes', () => {
    const written = new Set([...prometheusText(SAMPLE).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const used = rules.flatMap((r) => [...(r.expr ?? '').matchAll(/\b(outpost_[a-z_]+)/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(0);
    for (const metric of used) expect(written, metric).toContain(metric);
  });

  it('is loaded by prometheus.yml from the path docker-compose.yml mounts it at, and the exporter is scraped', () => {
    const config = parse(read('couch-config/prometheus.yml')) as { rule_files?: string[]; scrape_configs?: Array<{ job_name?: string; static_configs?: Array<{ targets?: string[] }> }> };
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    expect(read('docker-compose.yml')).toContain('./couch-config/prometheus-alerts.yml:/etc/prometheus/alerts.yml:ro');
    const outpost = config.scrape_configs?.find((job) => job.job_name === 'outpost');
    expect(outpost?.static_configs?.[0]?.targets).toEqual(['couchdb-1:9985']);
    expect(read('docker-compose.yml')).toContain('"--listen", "0.0.0.0:9985"');
  });
});
