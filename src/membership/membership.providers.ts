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

/** The control-plane HTTP client: @nestjs/axios with one keep-alive agent. */
export const controlPlaneHttp = HttpModule.register({ httpAgent: new Agent({ keepAlive: true }) });
