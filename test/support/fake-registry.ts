import type { NodeStats, NodeStatus, RegisteredNode, RegistrationReply } from '../../src/common/cluster-types.js';
import type { RegistryClient } from '../../src/membership/registry-client.js';

/** The RegistryClient methods the leader uses; FakeRegistry stands in for all of them. */
type RegistryApi = Pick<RegistryClient, 'register' | 'heartbeat' | 'deregister' | 'list'>;

/**
 * A registry the test controls: it lists exactly the nodes the test added, with the status the
 * test sets (UP, SUSPECT, DOWN), so a leader can be shown a node going down without waiting for
 * a lease to expire. Inject with `overrideProvider(RegistryClient).useValue(registry)`.
 */
export class FakeRegistry implements RegistryApi {
  private readonly nodes = new Map<string, RegisteredNode>();
  /** How many times the leader asked for the list (its refresh job runs). */
  listCalls = 0;

  add(node: { id: string; url: string; role?: string; status?: NodeStatus; stats?: NodeStats }): void {
    const now = new Date().toISOString();
    this.nodes.set(node.id, {
      id: node.id,
      role: node.role ?? 'storage',
      url: node.url,
      status: node.status ?? 'UP',
      stats: node.stats ?? {},
      registeredAt: now,
      lastHeartbeatAt: now,
    });
  }

  setStatus(id: string, status: NodeStatus): void {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`fake registry: no node ${id}`);
    node.status = status;
  }

  remove(id: string): void {
    this.nodes.delete(id);
  }

  async register(id: string, role: string, url: string): Promise<RegistrationReply> {
    this.add({ id, role, url });
    return { id, heartbeatIntervalMs: 1000, leaseTtlMs: 5000 };
  }

  async heartbeat(id: string, stats: NodeStats): Promise<void> {
    const node = this.nodes.get(id);
    if (node) {
      node.stats = stats;
      node.lastHeartbeatAt = new Date().toISOString();
    }
  }

  async deregister(id: string): Promise<void> {
    this.nodes.delete(id);
  }

  async list(role?: string): Promise<RegisteredNode[]> {
    this.listCalls += 1;
    return [...this.nodes.values()]
      .filter((n) => role === undefined || n.role === role)
      .map((n) => ({ ...n, stats: { ...n.stats } }));
  }
}
