/**
 * --cpu-prof: the RF=3 leader and one storage node run under `node --cpu-prof`; V8 writes a
 * profile when the process exits normally (the harness closes its IPC channel, src/main.ts closes
 * the app and exits). Each summary covers only one case's measured runs (all its rounds' windows,
 * warm-ups left out), found by the monotonic clock that V8's profiler and process.hrtime share.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { summarise, type CpuProfile, type ProfileSummary, type Window } from './profile-summary.js';

/** The processes profiled: the leader, and one storage node (they all do the same work). */
export const PROFILED_NODES = ['leader', 'storage-1'] as const;

export interface ProfileResult {
  /** Profile file per node. */
  readonly files: Record<string, string>;
  /**
   * Per node, then per case id, over the case's `windows` measured runs; `whole` is true when one
   * of them was not inside the profile (then the whole profile is summarised).
   */
  readonly summaries: Record<string, Record<string, ProfileSummary & { windows: number; whole: boolean }>>;
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

/** `windows`: each case's measured runs, by case id. */
export function summariseRun(
  dir: string,
  windows: Readonly<Record<string, readonly Window[]>>,
  caseIds: readonly string[],
): ProfileResult {
  const files: ProfileResult['files'] = {};
  const summaries: ProfileResult['summaries'] = {};
  for (const node of PROFILED_NODES) {
    const found = readdirSync(join(dir, node)).filter((f) => f.endsWith('.cpuprofile'));
    if (found.length !== 1) {
      throw new Error(`expected one .cpuprofile from ${node} in ${join(dir, node)}, found ${found.length}`);
    }
    files[node] = join(dir, node, found[0]);
    const profile = JSON.parse(readFileSync(files[node], 'utf8')) as CpuProfile;
    summaries[node] = {};
    for (const id of caseIds) {
      const measured = windows[id] ?? [];
      if (measured.length === 0) continue;
      const inside = measured.every((w) => w.from >= profile.startTime && w.to <= profile.endTime);
      summaries[node][id] = {
        ...summarise(profile, inside ? measured : undefined),
        windows: measured.length,
        whole: !inside,
      };
    }
  }
  return { files, summaries };
}
