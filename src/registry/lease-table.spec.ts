import { Role } from '../config/role.js';
import { LeaseTable, type NodeAddress } from './lease-table.js';

// interval 1000 → SUSPECT after 2000 ms of silence; lease 5000 → DOWN; retention 60000 → evicted.
const TIMINGS = { heartbeatIntervalMs: 1000, leaseTtlMs: 5000, downRetentionMs: 60_000 };
const T0 = 1_700_000_000_000;
const SUSPECT_AFTER = 2 * TIMINGS.heartbeatIntervalMs;
const DOWN_AFTER = TIMINGS.leaseTtlMs;
const EVICTED_AFTER = TIMINGS.leaseTtlMs + TIMINGS.downRetentionMs;

const storage1: NodeAddress = { id: 'storage-1', role: Role.Storage, url: 'http://10.0.0.1:4001' };
const storage2: NodeAddress = { id: 'storage-2', role: Role.Storage, url: 'http://10.0.0.2:4001' };
const leader: NodeAddress = { id: 'leader', role: Role.Leader, url: 'http://10.0.0.9:3000' };

describe(LeaseTable.name, () => {
  let sut: LeaseTable;

  beforeEach(() => {
    sut = new LeaseTable(TIMINGS);
  });

  describe('register', () => {
    it('holds a new node as UP with empty stats, registered and heartbeating now', () => {
      const { node, previous } = sut.register(storage1, T0);

      expect(previous).toBeUndefined();
      expect(node).toEqual({ ...storage1, status: 'UP', stats: {}, registeredAt: T0, lastHeartbeatAt: T0 });
      expect(sut.get('storage-1', T0)).toEqual(node);
    });

    it('is idempotent: registering again at the same url renews the lease and keeps registeredAt and stats', () => {
      sut.register(storage1, T0);
      sut.heartbeat('storage-1', { usedBytes: 10 }, T0 + 500);

      const { node, previous } = sut.register(storage1, T0 + 1500);

      expect(previous).toMatchObject({ id: 'storage-1', status: 'UP', registeredAt: T0 });
      expect(node).toEqual({ ...storage1, status: 'UP', stats: { usedBytes: 10 }, registeredAt: T0, lastHeartbeatAt: T0 + 1500 });
      expect(sut.list(T0 + 1500)).toHaveLength(1);
    });

    it('starts a new incarnation when the node comes back at another url', () => {
      sut.register(storage1, T0);
      sut.heartbeat('storage-1', { usedBytes: 10 }, T0 + 500);
      const moved = { ...storage1, url: 'http://10.0.0.1:4002' };

      const { node, previous } = sut.register(moved, T0 + 1000);

      expect(previous?.url).toBe(storage1.url);
      expect(node).toEqual({ ...moved, status: 'UP', stats: {}, registeredAt: T0 + 1000, lastHeartbeatAt: T0 + 1000 });
    });

    it('starts a new incarnation when the node comes back with another role', () => {
      sut.register(storage1, T0);

      const { node } = sut.register({ ...storage1, role: Role.Leader }, T0 + 1000);

      expect(node).toMatchObject({ role: Role.Leader, registeredAt: T0 + 1000 });
    });

    it('resurrects a DOWN node: registering again makes it UP', () => {
      sut.register(storage1, T0);
      expect(sut.statusOf('storage-1', T0 + DOWN_AFTER + 1)).toBe('DOWN');

      const { node, previous } = sut.register(storage1, T0 + DOWN_AFTER + 1);

      expect(previous?.status).toBe('DOWN');
      expect(node.status).toBe('UP');
      expect(node.registeredAt).toBe(T0);
    });

    it('registers an evicted node afresh, with a new registeredAt', () => {
      sut.register(storage1, T0);
      const later = T0 + EVICTED_AFTER + 1;
      expect(sut.evictExpired(later)).toEqual(['storage-1']);

      const { node, previous } = sut.register(storage1, later);

      expect(previous).toBeUndefined();
      expect(node).toMatchObject({ status: 'UP', registeredAt: later, lastHeartbeatAt: later });
    });

    it('treats a node past its retention as gone even before the sweep ran', () => {
      sut.register(storage1, T0);
      const later = T0 + EVICTED_AFTER + 1;

      const { previous, node } = sut.register(storage1, later);

      expect(previous).toBeUndefined();
      expect(node.registeredAt).toBe(later);
      expect(sut.evictExpired(later)).toEqual([]);
    });
  });

  describe('status at the exact boundaries', () => {
    beforeEach(() => {
      sut.register(storage1, T0);
    });

    it.each([
      ['just registered', 0, 'UP'],
      ['one interval of silence', TIMINGS.heartbeatIntervalMs, 'UP'],
      ['exactly 2 intervals of silence', SUSPECT_AFTER, 'UP'],
      ['1 ms past 2 intervals', SUSPECT_AFTER + 1, 'SUSPECT'],
      ['exactly the lease TTL', DOWN_AFTER, 'SUSPECT'],
      ['1 ms past the lease TTL', DOWN_AFTER + 1, 'DOWN'],
      ['exactly the lease TTL plus the retention', EVICTED_AFTER, 'DOWN'],
      ['1 ms past the lease TTL plus the retention (evicted)', EVICTED_AFTER + 1, undefined],
    ])('%s (+%d ms) → %s', (_scenario, silence, status) => {
      expect(sut.statusOf('storage-1', T0 + silence)).toBe(status);
      expect(sut.get('storage-1', T0 + silence)?.status).toBe(status);
      expect(sut.list(T0 + silence).map((n) => n.status)).toEqual(status === undefined ? [] : [status]);
    });

    it('is undefined for an id that never registered', () => {
      expect(sut.statusOf('nobody', T0)).toBeUndefined();
      expect(sut.get('nobody', T0)).toBeUndefined();
    });
  });

  describe('heartbeat', () => {
    it('renews the lease: the silence is counted from the last heartbeat', () => {
      sut.register(storage1, T0);
      sut.heartbeat('storage-1', {}, T0 + 1500);

      expect(sut.statusOf('storage-1', T0 + 1500 + SUSPECT_AFTER)).toBe('UP');
      expect(sut.statusOf('storage-1', T0 + 1500 + SUSPECT_AFTER + 1)).toBe('SUSPECT');
      expect(sut.statusOf('storage-1', T0 + 1500 + DOWN_AFTER + 1)).toBe('DOWN');
    });

    it('returns the renewed view with the reported stats', () => {
      sut.register(storage1, T0);

      const view = sut.heartbeat('storage-1', { usedBytes: 100, capacityBytes: 1000, keyCount: 3 }, T0 + 900);

      expect(view).toEqual({
        ...storage1,
        status: 'UP',
        stats: { usedBytes: 100, capacityBytes: 1000, keyCount: 3 },
        registeredAt: T0,
        lastHeartbeatAt: T0 + 900,
      });
    });

    it('replaces the stats with the last report, dropping fields not reported and undefined ones', () => {
      sut.register(storage1, T0);
      sut.heartbeat('storage-1', { usedBytes: 100, capacityBytes: 1000, keyCount: 3 }, T0 + 100);

      const view = sut.heartbeat('storage-1', { usedBytes: 200, keyCount: undefined }, T0 + 200);

      expect(view?.stats).toStrictEqual({ usedBytes: 200 });
    });

    it('brings a SUSPECT node back to UP', () => {
      sut.register(storage1, T0);
      const t = T0 + SUSPECT_AFTER + 1;
      expect(sut.statusOf('storage-1', t)).toBe('SUSPECT');

      expect(sut.heartbeat('storage-1', {}, t)?.status).toBe('UP');
    });

    it('brings a DOWN node (not yet evicted) back to UP, keeping its registration', () => {
      sut.register(storage1, T0);
      const t = T0 + DOWN_AFTER + 1;

      expect(sut.heartbeat('storage-1', {}, t)).toMatchObject({ status: 'UP', registeredAt: T0 });
    });

    it('returns undefined for an id that never registered, and creates nothing', () => {
      expect(sut.heartbeat('nobody', { usedBytes: 1 }, T0)).toBeUndefined();
      expect(sut.list(T0)).toEqual([]);
    });

    it('returns undefined for an evicted node, even before the sweep ran: it must register again', () => {
      sut.register(storage1, T0);

      expect(sut.heartbeat('storage-1', {}, T0 + EVICTED_AFTER + 1)).toBeUndefined();
    });

    it('returns undefined for a node that left', () => {
      sut.register(storage1, T0);
      sut.remove('storage-1', T0 + 1);

      expect(sut.heartbeat('storage-1', {}, T0 + 2)).toBeUndefined();
    });

    it('never moves the last heartbeat backwards (a late, out-of-order call)', () => {
      sut.register(storage1, T0);
      sut.heartbeat('storage-1', {}, T0 + 1000);

      expect(sut.heartbeat('storage-1', {}, T0 + 500)?.lastHeartbeatAt).toBe(T0 + 1000);
    });

    it('gives callers copies: mutating a returned view does not change the table', () => {
      sut.register(storage1, T0);
      const view = sut.heartbeat('storage-1', { usedBytes: 1 }, T0);
      (view?.stats as { usedBytes?: number }).usedBytes = 999;

      expect(sut.get('storage-1', T0)?.stats).toEqual({ usedBytes: 1 });
    });
  });

  describe('remove', () => {
    it('forgets a node that leaves gracefully', () => {
      sut.register(storage1, T0);
      sut.register(storage2, T0);

      expect(sut.remove('storage-1', T0 + 1)).toBe(true);
      expect(sut.get('storage-1', T0 + 1)).toBeUndefined();
      expect(sut.list(T0 + 1).map((n) => n.id)).toEqual(['storage-2']);
    });

    it('answers false for an unknown id, twice removed, or an already expired one', () => {
      sut.register(storage1, T0);
      sut.register(storage2, T0);
      sut.remove('storage-1', T0);

      expect(sut.remove('nobody', T0)).toBe(false);
      expect(sut.remove('storage-1', T0)).toBe(false);
      expect(sut.remove('storage-2', T0 + EVICTED_AFTER + 1)).toBe(false);
    });

    it('does not report a removed node as evicted later', () => {
      sut.register(storage1, T0);
      sut.remove('storage-1', T0);

      expect(sut.evictExpired(T0 + EVICTED_AFTER + 1)).toEqual([]);
    });
  });

  describe('list', () => {
    beforeEach(() => {
      sut.register(storage2, T0);
      sut.register(leader, T0);
      sut.register(storage1, T0 + 3000);
    });
    // At T0 + 5001: storage-2 and leader are DOWN (silent 5001 ms), storage-1 is SUSPECT (silent 2001 ms).
    const at = T0 + 5001;

    it('lists every node sorted by id', () => {
      expect(sut.list(at).map((n) => n.id)).toEqual(['leader', 'storage-1', 'storage-2']);
    });

    it('sorts by code unit, not by locale', () => {
      sut.register({ ...storage1, id: 'Zeta' }, at);
      sut.register({ ...storage1, id: 'alpha' }, at);

      expect(sut.list(at).map((n) => n.id)).toEqual(['Zeta', 'alpha', 'leader', 'storage-1', 'storage-2']);
    });

    it('filters by role', () => {
      expect(sut.list(at, { role: Role.Storage }).map((n) => n.id)).toEqual(['storage-1', 'storage-2']);
      expect(sut.list(at, { role: Role.Leader }).map((n) => n.id)).toEqual(['leader']);
      expect(sut.list(at, { role: Role.Registry })).toEqual([]);
    });

    it('filters by status, computed for now', () => {
      expect(sut.list(at, { status: 'SUSPECT' }).map((n) => n.id)).toEqual(['storage-1']);
      expect(sut.list(at, { status: 'DOWN' }).map((n) => n.id)).toEqual(['leader', 'storage-2']);
      expect(sut.list(at, { status: 'UP' })).toEqual([]);
      expect(sut.list(T0 + 3000, { status: 'UP' }).map((n) => n.id)).toEqual(['storage-1']);
    });

    it('combines role and status filters with AND', () => {
      expect(sut.list(at, { role: Role.Storage, status: 'DOWN' }).map((n) => n.id)).toEqual(['storage-2']);
      expect(sut.list(at, { role: Role.Leader, status: 'UP' })).toEqual([]);
    });

    it('is empty for an empty table', () => {
      expect(new LeaseTable(TIMINGS).list(T0)).toEqual([]);
    });
  });

  describe('evictExpired', () => {
    it('evicts nothing while nodes are UP, SUSPECT, or DOWN within the retention', () => {
      sut.register(storage1, T0);

      for (const silence of [0, SUSPECT_AFTER + 1, DOWN_AFTER + 1, EVICTED_AFTER]) {
        expect(sut.evictExpired(T0 + silence)).toEqual([]);
      }
      expect(sut.statusOf('storage-1', T0 + EVICTED_AFTER)).toBe('DOWN');
    });

    it('evicts a node DOWN for longer than the retention, once, and returns its id', () => {
      sut.register(storage1, T0);
      sut.register(storage2, T0 + 10_000);
      const t = T0 + EVICTED_AFTER + 1;

      expect(sut.evictExpired(t)).toEqual(['storage-1']);
      expect(sut.evictExpired(t)).toEqual([]);
      expect(sut.list(t).map((n) => n.id)).toEqual(['storage-2']);
    });

    it('returns every evicted id, sorted', () => {
      sut.register(storage2, T0);
      sut.register(leader, T0);
      sut.register(storage1, T0);

      expect(sut.evictExpired(T0 + EVICTED_AFTER + 1)).toEqual(['leader', 'storage-1', 'storage-2']);
    });

    it('evicts as soon as a node is DOWN when the retention is 0', () => {
      const table = new LeaseTable({ ...TIMINGS, downRetentionMs: 0 });
      table.register(storage1, T0);

      expect(table.evictExpired(T0 + DOWN_AFTER)).toEqual([]);
      expect(table.evictExpired(T0 + DOWN_AFTER + 1)).toEqual(['storage-1']);
    });
  });

  describe('statusChanges', () => {
    it('reports each transition once, in order UP → SUSPECT → DOWN', () => {
      sut.register(storage1, T0);

      expect(sut.statusChanges(T0 + SUSPECT_AFTER)).toEqual([]);
      expect(sut.statusChanges(T0 + SUSPECT_AFTER + 1)).toEqual([{ id: 'storage-1', from: 'UP', to: 'SUSPECT' }]);
      expect(sut.statusChanges(T0 + SUSPECT_AFTER + 2)).toEqual([]);
      expect(sut.statusChanges(T0 + DOWN_AFTER + 1)).toEqual([{ id: 'storage-1', from: 'SUSPECT', to: 'DOWN' }]);
      expect(sut.statusChanges(T0 + DOWN_AFTER + 2)).toEqual([]);
    });

    it('reports a jump straight from UP to DOWN when no sweep saw SUSPECT', () => {
      sut.register(storage1, T0);

      expect(sut.statusChanges(T0 + DOWN_AFTER + 1)).toEqual([{ id: 'storage-1', from: 'UP', to: 'DOWN' }]);
    });

    it('reports the way back to UP after a heartbeat', () => {
      sut.register(storage1, T0);
      sut.statusChanges(T0 + SUSPECT_AFTER + 1);
      sut.heartbeat('storage-1', {}, T0 + SUSPECT_AFTER + 1);

      expect(sut.statusChanges(T0 + SUSPECT_AFTER + 2)).toEqual([{ id: 'storage-1', from: 'SUSPECT', to: 'UP' }]);
    });

    it('does not report a re-registration as a status change (the caller logs it as a registration)', () => {
      sut.register(storage1, T0);
      sut.statusChanges(T0 + DOWN_AFTER + 1);
      sut.register(storage1, T0 + DOWN_AFTER + 1);

      expect(sut.statusChanges(T0 + DOWN_AFTER + 2)).toEqual([]);
    });

    it('ignores expired nodes', () => {
      sut.register(storage1, T0);

      expect(sut.statusChanges(T0 + EVICTED_AFTER + 1)).toEqual([]);
    });
  });
});
