/**
 * --cpu-prof: the RF=3 leader and one storage node run under `node --cpu-prof`; V8 writes a
 * profile when the process exits normally (the harness closes its IPC channel, src/main.ts closes
 * the app and exits). Each summary covers only one case's window, found by the monotonic clock
 * that V8's profiler and process.hrtime share.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { summarise, type CpuProfile, type ProfileSummary } from './profile-summary.js';
import type { Windows } from './stages.js';

/** The processes profiled: the leader, and one storage node (they all do the same work). */
export const PROFILED_NODES = ['leader', 'storage-1'] as const;

export interface ProfileResult {
  /** Profile file per node. */
  readonly files: Record<string, string>;
  /** Per node, then per case id; `whole` is true when the case's window was not inside the profile (then the whole profile is summarised). */
  readonly summaries: Record<string, Record<string, ProfileSummary & { whole: boolean }>>;
}

/** This run's profile directory, and the node flags that write each profiled node's profile into it. */
export function profileFlags(stamp: string): { dir: string; argsFor: (node: string) => string[] } {
  const dir = resolve('bench/results/profiles', stamp);
  return {
    dir,
    argsFor: (node) => {
      if (!(PROFILED_NODES as readonly string[]).includes(node)) return [];
      mkdirSync(join(dir, node), { recursive: true });
      return ['--cpu-prof', `--cpu-prof-dir=${join(dir, node)}`];
    },
  };
}

export function summariseRun(dir: string, windows: Windows, caseIds: readonly string[]): ProfileResult {
  const files: ProfileResult['files'] = {};
  const summaries: ProfileResult['summaries'] = {};
  for (const node of PROFILED_NODES) {
    const found = readdirSync(join(dir, node)).filter((f) => f.endsWith('.cpuprofile'));
    if (found.length !== 1) throw new Error(`expected one .cpuprofile from ${node} in ${join(dir, node)}, found ${found.length}`);
    files[node] = join(dir, node, found[0]);
    const profile = JSON.parse(readFileSync(files[node], 'utf8')) as CpuProfile;
    summaries[node] = {};
    for (const id of caseIds) {
      const window = windows[id];
      if (!window) continue;
      const inside = window.from >= profile.startTime && window.to <= profile.endTime;
      summaries[node][id] = { ...summarise(profile, inside ? window : undefined), whole: !inside };
    }
  }
  return { files, summaries };
}
