import { HttpModule } from '@nestjs/axios';
import type { Provider } from '@nestjs/common';
import { Agent } from 'node:http';
import { MembershipService } from './membership.service.js';
import { RegistryClient } from './registry-client.js';

/**
 * Registration and heartbeats, for every role but the registry. These are listed in the role's own
 * module (not a module of their own) because the heartbeat reports the role's stats: the role
 * module provides NodeStatsSource next to them.
 */
export const membershipProviders: Provider[] = [RegistryClient, MembershipService];

/**
 * The internal HTTP client: @nestjs/axios with a keep-alive agent. Idle sockets are dropped after
 * 30 s, well before the servers' 65 s keep-alive timeout (bootstrap.ts).
 */
export const controlPlaneHttp = HttpModule.register({
  httpAgent: new Agent({ keepAlive: true, timeout: 30_000, maxSockets: 64 }),
});
