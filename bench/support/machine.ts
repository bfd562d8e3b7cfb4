import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * How busy the machine was, to judge a number by: the 1-minute load average and, where the
 * kernel has PSI, the share of the last 10 s in which some runnable task waited for a CPU
 * (/proc/pressure/cpu "some avg10"). Other work on a shared 2-core machine shows up here.
 */
export interface MachineLoad {
  readonly loadAverage1m: number;
  readonly cpuPressurePct: number | null;
}

export function machineLoad(): MachineLoad {
  let cpuPressurePct: number | null = null;
  try {
    const some = /some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (some) cpuPressurePct = Number(some[1]);
  } catch {
    // no PSI on this kernel
  }
  return { loadAverage1m: Math.round(loadavg()[0] * 100) / 100, cpuPressurePct };
}

export const describeLoad = (m: MachineLoad): string =>
  `load average ${m.loadAverage1m}${m.cpuPressurePct === null ? '' : `, CPU pressure ${m.cpuPressurePct}%`}`;
