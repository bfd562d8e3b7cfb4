import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { bearerHeader } from '../common/bearer.js';
import type { NodeStats, RegisteredNode, RegistrationReply } from '../common/cluster-types.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** The registry answered 404 for this node: it must register again (Eureka's rule). */
export class UnknownToRegistryError extends Error {}

/**
 * The control-plane HTTP client for the registry (@nestjs/axios, keep-alive, timeout). A provider
 * of its own so tests can replace the registry with a fake.
 */
@Injectable()
export class RegistryClient {
  constructor(
    private readonly http: HttpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(id: string, role: string, url: string): Promise<RegistrationReply> {
    return this.call<RegistrationReply>('POST', '/registry/nodes', { id, role, url });
  }

  async heartbeat(id: string, stats: NodeStats): Promise<void> {
    try {
      await this.call('PUT', `/registry/nodes/${encodeURIComponent(id)}/heartbeat`, stats);
    } catch (error) {
      if (isAxiosError(error) && error.response?.status === 404) throw new UnknownToRegistryError(id);
      throw error;
    }
  }

  async deregister(id: string): Promise<void> {
    try {
      await this.call('DELETE', `/registry/nodes/${encodeURIComponent(id)}`, undefined, 1000);
    } catch (error) {
      if (isAxiosError(error) && error.response?.status === 404) return;
      throw error;
    }
  }

  async list(role?: string): Promise<RegisteredNode[]> {
    const query = role ? `?role=${encodeURIComponent(role)}` : '';
    const reply = await this.call<{ nodes: RegisteredNode[] }>('GET', `/registry/nodes${query}`);
    return reply.nodes;
  }

  private async call<T>(method: string, path: string, data?: unknown, timeout?: number): Promise<T> {
    // The module's axios instance directly: HttpService's observable cancels the request on
    // unsubscribe, which builds a CanceledError (and its stack) for every call that succeeded.
    const response = await this.http.axiosRef.request<T>({
      method,
      url: `${this.config.registryUrl}${path}`,
      data,
      timeout: timeout ?? this.config.requestTimeoutMs,
      headers: bearerHeader(this.config.clusterSecret),
    });
    return response.data;
  }
}
