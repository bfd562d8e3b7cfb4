/**
 * The catalogue of cases and the --only / --skip selection. Pure: which cases exist follows from
 * the options alone; which systems get started follows from the cases selected.
 */
import type { BenchOptions } from './options.js';
import { UsageError } from './options.js';
import type { CaseSpec } from './report.js';
import type { Operation } from './workloads.js';

/** The part of the run a case belongs to: one system (or cluster) is up per stage. */
export type Stage = 'ceiling' | 'etcd' | 'rf1' | 'rf3' | 'memory';

export type CaseKind =
  | { readonly kind: 'load'; readonly operation: Operation; readonly valueBytes: number }
  | { readonly kind: 'size'; readonly operation: 'get' | 'put'; readonly valueBytes: number }
  | { readonly kind: 'list'; readonly count: number }
  | { readonly kind: 'memory' };

export interface PlannedCase {
  readonly spec: CaseSpec;
  readonly stage: Stage;
  readonly tags: readonly string[];
  readonly what: CaseKind;
}

/** "100B", "10KB", "1MB" (decimal units, as the sizes are chosen). */
export function sizeName(bytes: number): string {
  if (bytes >= 1_000_000 && bytes % 1_000_000 === 0) return `${bytes / 1_000_000}MB`;
  if (bytes >= 1000 && bytes % 1000 === 0) return `${bytes / 1000}KB`;
  return `${bytes}B`;
}

export function catalogue(o: BenchOptions): PlannedCase[] {
  const cases: PlannedCase[] = [];
  const add = (stage: Stage, spec: CaseSpec, tags: string[], what: CaseKind): void => {
    cases.push({ spec, stage, tags: [spec.system, ...tags, ...(spec.rf ? [`rf${spec.rf}`] : [])], what });
  };
  const loadOps: Record<Stage, Operation[]> = { ceiling: ['get', 'put', 'mix'], etcd: ['get', 'put', 'mix'], rf1: ['get', 'put'], rf3: ['get', 'put', 'mix'], memory: [] };
  for (const stage of ['ceiling', 'etcd', 'rf1', 'rf3'] as const) {
    const system = stage === 'ceiling' || stage === 'etcd' ? stage : 'ddb';
    const rf = stage === 'rf1' ? 1 : stage === 'rf3' ? 3 : undefined;
    const suffix = rf ? `-rf${rf}` : '';
    for (const operation of loadOps[stage]) {
      const note = operation === 'mix' ? '90% get, 10% put' : undefined;
      add(stage, { id: `${system}-${operation}${suffix}`, system, group: operation, rf, connections: o.connections, note }, ['main'], {
        kind: 'load',
        operation,
        valueBytes: o.valueBytes,
      });
    }
    if (stage === 'etcd' || stage === 'rf3') {
      for (const bytes of o.sizes) {
        for (const operation of ['put', 'get'] as const) {
          const group = `${operation}-${sizeName(bytes)}`;
          add(stage, { id: `${system}-${group}${suffix}`, system, group, rf, connections: o.sizeConnections }, ['sizes'], {
            kind: 'size',
            operation,
            valueBytes: bytes,
          });
        }
      }
      for (const count of o.listCounts) {
        const note = system === 'ddb' ? 'pages of 1,000 keys' : 'one range request, keys_only';
        add(stage, { id: `${system}-list-${count}${suffix}`, system, group: `list-${count}`, rf, connections: 1, note }, ['listing'], {
          kind: 'list',
          count,
        });
      }
    }
  }
  cases.push({
    spec: { id: 'memory', system: 'ddb', group: 'memory', rf: o.memoryRf, connections: o.loadConnections },
    stage: 'memory',
    tags: ['memory'],
    what: { kind: 'memory' },
  });
  return cases;
}

const isDefault = (c: PlannedCase): boolean => c.stage !== 'memory';

function matches(c: PlannedCase, token: string): boolean {
  if (token === 'default') return isDefault(c);
  // The memory stage takes hours at 1,000,000 keys: only its own name selects it.
  if (c.stage === 'memory') return token === 'memory';
  if (token === c.spec.id || c.tags.includes(token)) return true;
  if (!token.includes('*')) return false;
  const pattern = new RegExp(`^${token.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return pattern.test(c.spec.id);
}

/** The cases --only and --skip leave, in catalogue order. A name that matches nothing is a usage error. */
export function selectCases(all: readonly PlannedCase[], only: readonly string[] | null, skip: readonly string[]): PlannedCase[] {
  for (const token of [...(only ?? []), ...skip]) {
    if (!all.some((c) => matches(c, token))) {
      throw new UsageError(`no case matches ${JSON.stringify(token)}; --list shows every case id and tag`);
    }
  }
  return all.filter(
    (c) => (only === null ? isDefault(c) : only.some((t) => matches(c, t))) && !skip.some((t) => matches(c, t)),
  );
}
