import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';
import { NodeIdentity } from '../common/node-identity.js';

/**
 * This node's Prometheus metrics: one registry per app (tests run many apps in one process), the
 * process defaults (CPU, memory, event loop, GC), and the role's own, which each feature declares
 * here. Every series carries the node's role and id.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  constructor(identity: NodeIdentity) {
    this.registry.setDefaultLabels({ role: identity.role, node: identity.id });
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  /** A gauge, usually with a collect() that reads the current value when Prometheus scrapes. */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return new Gauge({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return new Histogram({ ...config, registers: [this.registry] });
  }
}
