/**
 * Prints a result JSON as the markdown that bench/README.md shows: the table, the idle systems'
 * CPU, the targets, the memory points and the machine's load. Results written before the rounds
 * (format distributed-db-bench/1: no `rounds`, no `idleCpuMs`) render too, without those.
 *
 *   node bench/dist/bench/render.js bench/results/<date>.json
 */
import { readFileSync } from 'node:fs';
import type { MemoryResult } from './memory-report.js';
import { formatMemory } from './memory-report.js';
import type { ReportRow } from './report.js';
import { describeLoad, type MachineLoad } from './support/machine.js';
import { describeNodes } from './support/node-runtime.js';
import { formatIdleCpu, formatMarkdown, type IdleCpu } from './table.js';
import { formatTargets, type TargetCheck } from './targets.js';

interface ResultFile {
  date: string;
  command: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    /** Absent in results written before --node: the servers ran on `node` then. */
    serversNode?: string;
    load: { atStart: MachineLoad; atEnd: MachineLoad };
  };
  etcd: string | null;
  cases: (ReportRow & IdleCpu & { machine: MachineLoad })[];
  targets: TargetCheck[];
  memory: MemoryResult | null;
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/dist/bench/render.js <result.json>');
  process.exit(2);
}
const r = JSON.parse(readFileSync(file, 'utf8')) as ResultFile;
const out = [
  `\`${r.command}\` on ${r.date.slice(0, 10)} (${r.durationSeconds} s): ${r.machine.cpus} × ${r.machine.cpuModel}, ` +
    `${describeNodes(r.machine.node, r.machine.serversNode)}, ${r.etcd ?? 'etcd not run'}; machine ${describeLoad(r.machine.load.atStart)} at the start, ` +
    `${describeLoad(r.machine.load.atEnd)} at the end.`,
];
if (r.cases.length > 0) {
  const idle = formatIdleCpu(r.cases);
  out.push('', formatMarkdown(r.cases), ...(idle ? ['', idle] : []), '', '```', formatTargets(r.targets), '```');
}
if (r.memory) out.push('', '```', formatMemory(r.memory), '```');
console.log(out.join('\n'));
