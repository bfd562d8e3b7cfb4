import { Injectable } from '@nestjs/common';
import { MembershipService } from '../membership/membership.service.js';
import { Readiness } from '../observability/readiness.js';
import { StorageService } from './storage.service.js';

/** Storage is ready while its engine is open and the registry knows it (so the leader can find it). */
@Injectable()
export class StorageReadiness extends Readiness {
  constructor(
    private readonly storage: StorageService,
    private readonly membership: MembershipService,
  ) {
    super();
  }

  checks(): Record<string, boolean> {
    return { engine: this.storage.isOpen, registered: this.membership.isRegistered };
  }
}
