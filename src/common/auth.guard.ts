import { Inject, Injectable, SetMetadata, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { bearerMatches } from './bearer.js';

/** Which credential a route requires. Internal routes need the cluster secret; the leader's public API the API token. */
export enum Credential {
  ClusterSecret = 'cluster-secret',
  ApiToken = 'api-token',
  None = 'none',
}

export const REQUIRES = 'ddb:requires';
/** Marks a controller or route with the credential it needs (see AuthGuard). */
export const Requires = (credential: Credential) => SetMetadata(REQUIRES, credential);

/**
 * Global guard (invariant 6 of DESIGN.md). Routes without a @Requires mark are open (health, docs).
 * With INSECURE=true and no secret, internal routes are open: the operator asked for that explicitly.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const credential = this.reflector.getAllAndOverride<Credential | undefined>(REQUIRES, [
      context.getHandler(),
      context.getClass(),
    ]);
    const expected =
      credential === Credential.ClusterSecret
        ? this.config.clusterSecret
        : credential === Credential.ApiToken
          ? this.config.apiToken
          : undefined;
    if (expected === undefined) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (bearerMatches(req.headers.authorization, expected)) return true;
    throw new UnauthorizedException(
      credential === Credential.ClusterSecret
        ? 'missing or wrong cluster secret (Authorization: Bearer <CLUSTER_SECRET>)'
        : 'missing or wrong API token (Authorization: Bearer <API_TOKEN>)',
    );
  }
}
