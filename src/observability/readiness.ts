/**
 * Whether this node can do its job yet. Each role provides one: the registry is ready at once,
 * storage once its engine is open and the registry knows it, the leader once it has rebuilt its
 * partition table and sees a storage node. `checks` says which condition holds, by name.
 */
export abstract class Readiness {
  abstract checks(): Record<string, boolean>;
}

export class AlwaysReady extends Readiness {
  checks(): Record<string, boolean> {
    return {};
  }
}
