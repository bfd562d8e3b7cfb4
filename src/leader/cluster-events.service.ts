import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { OpenStreams } from '../common/open-streams.js';
import { ClusterViewService } from './cluster-view.service.js';
import type { ClusterViewDto } from './dto/cluster.dto.js';
import { diffViews, EventLog } from './events/cluster-diff.js';
import { SseHub, sseFrame, type SseSink } from './events/sse-hub.js';

/** How often the view is compared: well under the one second a change may take to reach the page. */
const CHECK_MS = 500;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * GET /cluster/events: a `snapshot` event with the /cluster view and the recent `event`s, then a
 * new `snapshot` and the derived `event`s whenever the view changes.
 */
@Injectable()
export class ClusterEventsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly hub = new SseHub();
  private readonly log = new EventLog(200);
  private last?: ClusterViewDto;
  private lastPrint = '';
  private timers: NodeJS.Timeout[] = [];
  private readonly unregister: () => void;

  constructor(
    private readonly view: ClusterViewService,
    streams: OpenStreams,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.unregister = streams.register(() => this.hub.endAll());
  }

  onApplicationBootstrap(): void {
    this.timers = [
      setInterval(() => this.check(), Math.min(CHECK_MS, this.config.heartbeatIntervalMs)),
      setInterval(() => this.hub.broadcast(': keepalive\n\n'), KEEPALIVE_MS),
    ];
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.hub.endAll();
    this.unregister();
  }

  /** Starts a stream: the current view and recent history first. Returns the unsubscribe. */
  subscribe(sink: SseSink): () => void {
    this.check();
    sink.write('retry: 1000\n\n');
    sink.write(sseFrame('snapshot', this.last));
    for (const event of this.log.recent()) sink.write(sseFrame('event', event));
    return this.hub.add(sink);
  }

  private check(): void {
    const next = this.view.snapshot();
    // Any change counts, heartbeat times included: the page shows how long ago each node was heard from.
    const print = JSON.stringify(next);
    if (print === this.lastPrint) return;
    const events = this.last ? diffViews(this.last, next, new Date().toISOString()) : [];
    this.last = next;
    this.lastPrint = print;
    this.log.add(events);
    this.hub.broadcast(sseFrame('snapshot', next));
    for (const event of events) this.hub.broadcast(sseFrame('event', event));
  }
}
