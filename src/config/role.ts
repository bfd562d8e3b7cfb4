/** The three things one process of distributed-db can be, picked by the ROLE variable. */
export enum Role {
  Registry = 'registry',
  Storage = 'storage',
  Leader = 'leader',
}
