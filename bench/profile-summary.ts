/**
 * Where a process spent its CPU: self time per function and per origin (a package, node core,
 * our app, V8/GC) from a V8 .cpuprofile (`node --cpu-prof`), optionally only inside one or more
 * windows of the profile's clock (the harness records each measured run's window with the same
 * monotonic clock; a case run in rounds has one window per round).
 *
 *   node bench/dist/bench/profile-summary.js <file.cpuprofile> [--from <µs> --to <µs>] [--top <n>]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Window {
  /** Microseconds, on the profile's clock (process.hrtime in the same machine). */
  readonly from: number;
  readonly to: number;
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly ms: number;
  /** Share of the busy (non-idle) time in the window. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly windowMs: number;
  readonly busyMs: number;
  readonly idleMs: number;
  readonly functions: SelfTime[];
  readonly origins: SelfTime[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** "express", "@nestjs/core", "node core", "app: dist/leader", "V8 builtins", "(garbage collector)". */
export function originOf(functionName: string, url: string): string {
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return 'V8 builtins / native';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const dist = /\/dist\/(.*)\/[^/]+$/.exec(url);
  return dist ? `app: dist/${dist[1]}` : url;
}

/** A url as short as still says where: node_modules/… or dist/… or node:… */
function shortUrl(url: string, line: number): string {
  if (url === '') return '';
  const modules = url.lastIndexOf('/node_modules/');
  const cut = modules >= 0 ? modules + 1 : Math.max(url.lastIndexOf('/dist/') + 1, 0);
  const short = url.startsWith('node:') ? url : url.slice(cut);
  return `${short}:${line + 1}`;
}

/** Self time in the whole profile, or only in the samples inside any of the windows. */
export function summarise(profile: CpuProfile, windows?: Window | readonly Window[], top = 25): ProfileSummary {
  const within = windows === undefined ? undefined : 'from' in windows ? [windows] : windows;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const origin = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const us = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    if (within && !within.some((w) => at >= w.from && at <= w.to)) continue;
    const frame = byId.get(profile.samples[i]);
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const where = shortUrl(frame.url, frame.lineNumber);
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const o = originOf(frame.functionName, frame.url);
    origin.set(o, (origin.get(o) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rank = (entries: { name: string; where: string; us: number }[]): SelfTime[] =>
    entries
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: busyUs > 0 ? e.us / busyUs : 0 }));
  return {
    windowMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    functions: rank([...fn.values()]),
    origins: rank([...origin].map(([name, us]) => ({ name, where: '', us }))),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const pct = (share: number): string => `${(share * 100).toFixed(1)}%`.padStart(6);
  const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`.padStart(10);
  return [
    `window ${Math.round(s.windowMs).toLocaleString('en-US')} ms: busy ${Math.round(s.busyMs).toLocaleString('en-US')} ms, idle ${Math.round(s.idleMs).toLocaleString('en-US')} ms`,
    'self time by origin (share of busy time):',
    ...s.origins.map((o) => `  ${pct(o.share)} ${ms(o.ms)}  ${o.name}`),
    'top functions by self time:',
    ...s.functions.map((f) => `  ${pct(f.share)} ${ms(f.ms)}  ${f.name}  ${f.where}`),
  ].join('\n');
}

function cli(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error(
      'usage: node bench/dist/bench/profile-summary.js <file.cpuprofile> [--from <µs> --to <µs>] [--top <n>]',
    );
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
  const window = values.from && values.to ? { from: Number(values.from), to: Number(values.to) } : undefined;
  console.log(formatSummary(summarise(profile, window, values.top ? Number(values.top) : 25)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) cli();
