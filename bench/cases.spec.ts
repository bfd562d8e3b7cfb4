import { catalogue, selectCases, sizeName } from './cases.js';
import { parseOptions, UsageError } from './options.js';

const all = catalogue(parseOptions([]));
const ids = (only: string[] | null, skip: string[] = []) => selectCases(all, only, skip).map((c) => c.spec.id);

describe('selectCases', () => {
  it('runs every case but the memory stage by default', () => {
    const chosen = ids(null);
    expect(chosen).toContain('ceiling-get');
    expect(chosen).toContain('etcd-put');
    expect(chosen).toContain('ddb-mix-rf3');
    expect(chosen).toContain('ddb-get-1MB-rf3');
    expect(chosen).toContain('ddb-list-10000-rf3');
    expect(chosen).not.toContain('memory');
  });

  it('takes ids, tags and globs', () => {
    expect(ids(['ceiling-get', 'rf1'])).toEqual(['ceiling-get', 'ddb-get-rf1', 'ddb-put-rf1']);
    expect(ids(['ddb-*-rf3'])).toContain('ddb-put-10KB-rf3');
    expect(ids(['ddb-*-rf3'])).not.toContain('ddb-get-rf1');
    expect(ids(['listing'])).toEqual(['etcd-list-100', 'etcd-list-1000', 'etcd-list-10000', 'ddb-list-100-rf3', 'ddb-list-1000-rf3', 'ddb-list-10000-rf3']);
  });

  it('selects the memory stage only by its name', () => {
    expect(ids(['memory'])).toEqual(['memory']);
    expect(ids(['ddb'])).not.toContain('memory');
    expect(ids(['*'])).not.toContain('memory');
    expect(ids(['default', 'memory'])).toEqual([...ids(null), 'memory']);
  });

  it('skips what --skip names', () => {
    expect(ids(null, ['etcd', 'sizes', 'listing'])).toEqual([
      'ceiling-get', 'ceiling-put', 'ceiling-mix', 'ddb-get-rf1', 'ddb-put-rf1', 'ddb-get-rf3', 'ddb-put-rf3', 'ddb-mix-rf3',
    ]);
  });

  it('refuses a name that matches no case', () => {
    expect(() => ids(['ddb-get-rf2'])).toThrow(UsageError);
    expect(() => ids(null, ['nope'])).toThrow('no case matches "nope"');
  });
});

describe('catalogue', () => {
  it('compares each of our cases with the same group on etcd', () => {
    const groups = (system: string) => all.filter((c) => c.spec.system === system).map((c) => c.spec.group);
    for (const group of groups('ddb').filter((g) => g !== 'memory')) expect(groups('etcd')).toContain(group);
  });

  it('names value sizes in decimal units', () => {
    expect([100, 10_000, 1_000_000, 1536].map(sizeName)).toEqual(['100B', '10KB', '1MB', '1536B']);
  });
});
