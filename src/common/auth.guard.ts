import {
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { BearerCheck } from './bearer.js';

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
 * Checks a request's Authorization header against the credential a route needs. Routes without a
 * credential, and credentials the operator left unset (INSECURE=true and no secret), are open.
 */
export class Credentials {
  private readonly checks: ReadonlyMap<Credential, BearerCheck>;

  constructor(config: Pick<AppConfig, 'clusterSecret' | 'apiToken'>) {
    const checks = new Map<Credential, BearerCheck>();
    if (config.clusterSecret !== undefined) checks.set(Credential.ClusterSecret, new BearerCheck(config.clusterSecret));
    if (config.apiToken !== undefined) checks.set(Credential.ApiToken, new BearerCheck(config.apiToken));
    this.checks = checks;
  }

  /** Throws a 401 unless `authorization` carries the credential. */
  assert(credential: Credential | undefined, authorization: string | undefined): void {
    const check = credential === undefined ? undefined : this.checks.get(credential);
    if (check === undefined || check.matches(authorization)) return;
    throw new UnauthorizedException(
      credential === Credential.ClusterSecret
        ? 'missing or wrong cluster secret (Authorization: Bearer <CLUSTER_SECRET>)'
        : 'missing or wrong API token (Authorization: Bearer <API_TOKEN>)',
    );
  }
}

/** Global guard (invariant 6 of DESIGN.md): every route gets the credential its @Requires mark names. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly credentials: Credentials;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.credentials = new Credentials(config);
  }

  canActivate(context: ExecutionContext): boolean {
    const credential = this.reflector.getAllAndOverride<Credential | undefined>(REQUIRES, [
      context.getHandler(),
      context.getClass(),
    ]);
    this.credentials.assert(credential, context.switchToHttp().getRequest<Request>().headers.authorization);
    return true;
  }
}
