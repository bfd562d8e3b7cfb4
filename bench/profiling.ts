/**
 * --cpu-prof: the RF=3 leader runs under `node --cpu-prof`; V8 writes the profile when the leader
 * exits normally (the harness closes its IPC channel, src/main.ts closes the app and exits). The
 * summary covers only the windows of the chosen cases, found by the shared monotonic clock.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { summarise, type CpuProfile, type ProfileSummary } from './profile-summary.js';
import type { Windows } from './stages.js';

export interface ProfileResult {
  readonly file: string;
  /** Per case id; `whole` is true when its window was not inside the profile (then the whole profile is summarised). */
  readonly summaries: Record<string, ProfileSummary & { whole: boolean }>;
}

/** The directory for this run's profile, and the leader flags that write it there. */
export function profileFlags(stamp: string): { dir: string; args: string[] } {
  const dir = resolve('bench/results/profiles', stamp);
  mkdirSync(dir, { recursive: true });
  return { dir, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`] };
}

export function summariseRun(dir: string, windows: Windows, caseIds: readonly string[]): ProfileResult {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`the profiled leader wrote no .cpuprofile into ${dir}`);
  const newest = files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const profile = JSON.parse(readFileSync(newest, 'utf8')) as CpuProfile;
  const summaries: ProfileResult['summaries'] = {};
  for (const id of caseIds) {
    const window = windows[id];
    if (!window) continue;
    const inside = window.from >= profile.startTime && window.to <= profile.endTime;
    summaries[id] = { ...summarise(profile, inside ? window : undefined), whole: !inside };
  }
  return { file: newest, summaries };
}
