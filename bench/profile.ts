/**
 * `--profile`: one Outpost initial sync under Chromium's CPU profiler (CDP `Profiler`), summarised as the
 * functions with the most self time, grouped by package — the evidence for where the main thread goes.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchBrowser } from './browser';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  top: Array<{ fn: string; selfMs: number }>;
}

/** The page bundle is minified, so functions are named by the profile's own names plus their position. */
function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName || '(native)';
  return `${functionName || '(anonymous)'} ${path.basename(url)}:${lineNumber + 1}`;
}

export async function profileInitial(browser: BenchBrowser, team: string, batch: number | undefined): Promise<ProfileSummary> {
  const cdp = await browser.page.context().newCDPSession(browser.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await browser.call('initial', 'outpost', team, batch);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  await cdp.detach();
  const file = path.join(tmpdir(), `outpost-initial-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const key = label(node);
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, selfMs]) => ({ fn, selfMs: Math.round(selfMs) }));
  return { file, totalMs: Math.round((profile.endTime - profile.startTime) / 1000), top };
}
