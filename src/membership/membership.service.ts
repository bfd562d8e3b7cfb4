import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock.js';
import { NodeIdentity } from '../common/node-identity.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Metrics } from '../observability/metrics.service.js';
import { NodeStatsSource } from './node-stats.js';
import { RegistryClient, UnknownToRegistryError } from './registry-client.js';

const JOB = 'membership-heartbeat';
const MAX_BACKOFF_MS = 10_000;

/**
 * Heartbeat, the client side: register once the node listens, then heartbeat on a schedule with
 * this node's stats. A 404 on a heartbeat means the registry forgot us (it restarted): register
 * again. While the registry is unreachable, retry with exponential backoff and never crash.
 * On shutdown, leave gracefully (DELETE) so the registry does not wait a lease to notice.
 */
@Injectable()
export class MembershipService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Membership');
  /** Whether the registry currently knows us; false after a 404 or before the first success. */
  private registered = false;
  /** Registration retries back off while the registry is unreachable. */
  private backoffMs: number;
  private nextAttemptAt = 0;
  /** A tick in flight; ticks never overlap, so a slow registry cannot pile up requests. */
  private running = false;
  private stopped = false;
  private readonly heartbeatsSent;

  constructor(
    private readonly registry: RegistryClient,
    private readonly identity: NodeIdentity,
    private readonly statsSource: NodeStatsSource,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.backoffMs = config.heartbeatIntervalMs;
    this.heartbeatsSent = metrics.counter({
      name: 'ddb_heartbeats_sent_total',
      help: 'Heartbeats sent to the registry, by result (ok, unknown: the registry forgot us, failed: no answer)',
      labelNames: ['result'],
    });
    const registered = () => this.registered;
    metrics.gauge({
      name: 'ddb_registered',
      help: '1 while the registry knows this node',
      collect() {
        this.set(registered() ? 1 : 0);
      },
    });
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  onApplicationBootstrap(): void {
    this.identity.onAnnounce(() => void this.tick());
    this.scheduler.addInterval(JOB, setInterval(() => void this.tick(), this.config.heartbeatIntervalMs));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
    if (!this.registered) return;
    try {
      await this.registry.deregister(this.identity.id);
      this.logger.log(`left the registry as ${this.identity.id}`);
    } catch (error) {
      this.logger.warn(`could not deregister: ${describe(error)}`);
    }
  }

  /** One heartbeat-job run. Public so tests can drive it without timers. */
  async tick(): Promise<void> {
    const url = this.identity.url;
    if (this.running || this.stopped || url === undefined) return;
    this.running = true;
    try {
      if (!this.registered) await this.register(url);
      else await this.heartbeat(url);
    } finally {
      this.running = false;
    }
  }

  private async register(url: string): Promise<void> {
    const now = this.clock.now();
    if (now < this.nextAttemptAt) return;
    try {
      await this.registry.register(this.identity.id, this.identity.role, url);
      this.registered = true;
      this.backoffMs = this.config.heartbeatIntervalMs;
      this.logger.log(`registered as ${this.identity.id} (${url})`);
      await this.heartbeat(url);
    } catch (error) {
      this.nextAttemptAt = now + this.backoffMs;
      this.logger.warn(`registry unreachable (${describe(error)}); retrying in ${this.backoffMs} ms`);
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    }
  }

  private async heartbeat(url: string): Promise<void> {
    try {
      await this.registry.heartbeat(this.identity.id, this.statsSource.stats());
      this.heartbeatsSent.inc({ result: 'ok' });
    } catch (error) {
      this.heartbeatsSent.inc({ result: error instanceof UnknownToRegistryError ? 'unknown' : 'failed' });
      if (error instanceof UnknownToRegistryError) {
        this.logger.log('the registry does not know us (it restarted?): registering again');
        this.registered = false;
        await this.register(url);
      } else {
        this.logger.warn(`heartbeat failed: ${describe(error)}`);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
