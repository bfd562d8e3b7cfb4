import { Injectable } from '@nestjs/common';
import { PartitionUnavailableError } from '../../common/errors.js';
import { ClusterStateService } from '../cluster-state.service.js';
import type { ListResultDto } from '../dto/kv.dto.js';
import { encodeCursor } from '../list-cursor.js';
import { StorageClient } from '../storage-client.js';
import { mergePages, type MergedItem } from './merge-pages.js';
import { majority } from './quorum.js';

export interface ListingRequest {
  prefix: string;
  limit: number;
  values: boolean;
  /** Only keys strictly after this one (the decoded cursor). */
  after?: string;
}

/** Pages of tombstones are skipped in rounds; past this many the page is returned short, with a cursor. */
const MAX_ROUNDS = 8;

/**
 * A prefix listing across all partitions, read like a key: from a majority of each partition's
 * replicas, merged so that the newest revision of each key wins (merge-pages.ts). Each node scans
 * all the partitions it was picked for in one request.
 */
@Injectable()
export class ListingService {
  constructor(
    private readonly state: ClusterStateService,
    private readonly storage: StorageClient,
  ) {}

  async list(request: ListingRequest, requestId?: string): Promise<ListResultDto> {
    const plan = this.plan();
    const items: MergedItem[] = [];
    let after = request.after;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const pages = await Promise.all(
        [...plan].map(async ([url, partitions]) => {
          try {
            return await this.storage.scan(
              url,
              { partitions, prefix: request.prefix, after, limit: request.limit, tombstones: true },
              requestId,
            );
          } catch (error) {
            throw new PartitionUnavailableError(
              `listing needs partitions ${partitions.join(',')} from ${url}, which did not answer (${(error as Error).message})`,
              partitions[0],
            );
          }
        }),
      );
      const merged = mergePages(pages);
      for (const item of merged.items) {
        items.push(item);
        if (items.length === request.limit) {
          const isLast = merged.boundary === undefined && item === merged.items[merged.items.length - 1];
          return this.answer(items, request.values, isLast ? null : item.key);
        }
      }
      if (merged.boundary === undefined) return this.answer(items, request.values, null);
      after = merged.boundary;
    }
    return this.answer(items, request.values, after ?? null);
  }

  /** For every placed partition, a majority of its live replicas; grouped by node URL. */
  private plan(): Map<string, number[]> {
    const byUrl = new Map<string, number[]>();
    for (const [partition, placement] of this.state.table.placed()) {
      const live = placement.replicas
        .map((id) => this.state.node(id))
        .filter((n) => n !== undefined && n.status !== 'DOWN')
        .sort((a, b) => statusRank(a!.status) - statusRank(b!.status));
      const needed = majority(placement.replicas.length);
      if (live.length < needed) {
        throw new PartitionUnavailableError(
          `listing needs partition ${partition}, and fewer than ${needed} of its replicas (${placement.replicas.join(', ')}) are up`,
          partition,
        );
      }
      for (const node of live.slice(0, needed)) byUrl.set(node!.url, [...(byUrl.get(node!.url) ?? []), partition]);
    }
    return byUrl;
  }

  private answer(items: MergedItem[], values: boolean, lastKey: string | null): ListResultDto {
    return {
      items: items.map(({ key, revision, value }) =>
        values ? { key, revision, value: value ?? '' } : { key, revision },
      ),
      nextCursor: lastKey === null ? null : encodeCursor(lastKey),
    };
  }
}

function statusRank(status: string): number {
  return status === 'UP' ? 0 : 1;
}
