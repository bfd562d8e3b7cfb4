import type { OpDto, OpResultDto } from '../storage/dto/ops.dto.js';
import { OpBatcher } from './op-batcher.js';

const put = (key: string, revision: number, value = `v${revision}`): OpDto => ({
  type: 'put',
  partition: 1,
  key,
  revision,
  value,
});
const get = (key: string): OpDto => ({ type: 'get', partition: 1, key });

/** A node that applies each batch in order to a map, like /internal/ops does, and records the batches. */
function fakeNode() {
  const store = new Map<string, { revision: number; value: string }>();
  const batches: { url: string; ops: OpDto[]; requestIds: string[] }[] = [];
  const apply = (op: OpDto): OpResultDto => {
    if (op.key === 'refused') return { error: 'not-owner', message: 'partition 1 is not assigned here' };
    const current = store.get(op.key) ?? null;
    if (op.type === 'get') return { record: current };
    const applied = !current || current.revision < op.revision!;
    if (applied) store.set(op.key, { revision: op.revision!, value: op.value! });
    return { applied, previous: current && { revision: current.revision, tombstone: false } };
  };
  const send = async (url: string, ops: OpDto[], requestIds: string[]) => {
    batches.push({ url, ops, requestIds });
    return ops.map(apply);
  };
  return { store, batches, send };
}

/** setImmediate, but run by the test: flushes happen when it says so. */
function manualSchedule() {
  const waiting: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => void waiting.push(flush),
    runAll: () => waiting.splice(0).forEach((flush) => flush()),
  };
}

describe(OpBatcher.name, () => {
  it('sends the ops submitted in one turn to one node as one batch, in submission order', async () => {
    const node = fakeNode();
    const turn = manualSchedule();
    const sut = new OpBatcher(node.send, { maxOps: 100 }, turn.schedule);

    const results = [
      sut.submit('http://a', put('k', 1), 'req-1'),
      sut.submit('http://a', put('k', 2), 'req-2'),
      sut.submit('http://a', get('k'), 'req-2'),
      sut.submit('http://b', get('other')),
    ];
    expect(node.batches).toEqual([]);
    turn.runAll();

    expect(node.batches.map((b) => [b.url, b.ops.length])).toEqual([
      ['http://a', 3],
      ['http://b', 1],
    ]);
    expect(node.batches[0].ops).toEqual([put('k', 1), put('k', 2), get('k')]);
    expect(node.batches[0].requestIds).toEqual(['req-1', 'req-2']);
    expect(await Promise.all(results)).toEqual([
      { applied: true, previous: null },
      { applied: true, previous: { revision: 1, tombstone: false } },
      { record: { revision: 2, value: 'v2' } },
      { record: null },
    ]);
    expect(node.store.get('k')).toEqual({ revision: 2, value: 'v2' });
  });

  it('keeps per-key order across batches: a later batch sees what an earlier one wrote', async () => {
    const node = fakeNode();
    const turn = manualSchedule();
    const sut = new OpBatcher(node.send, { maxOps: 100 }, turn.schedule);

    const first = sut.submit('http://a', put('k', 5));
    turn.runAll();
    await first;
    const read = sut.submit('http://a', get('k'));
    turn.runAll();

    expect(await read).toEqual({ record: { revision: 5, value: 'v5' } });
    expect(node.batches).toHaveLength(2);
  });

  it('fails only the op the node refuses; the others in its batch succeed', async () => {
    const node = fakeNode();
    const turn = manualSchedule();
    const sut = new OpBatcher(node.send, { maxOps: 100 }, turn.schedule);

    const results = [put('a', 1), put('refused', 1), put('b', 1)].map((op) => sut.submit('http://a', op));
    turn.runAll();

    expect(await Promise.all(results)).toEqual([
      { applied: true, previous: null },
      { error: 'not-owner', message: 'partition 1 is not assigned here' },
      { applied: true, previous: null },
    ]);
    expect(node.batches).toHaveLength(1);
  });

  it('fails every op of a batch the node never answers, and only those', async () => {
    const node = fakeNode();
    const turn = manualSchedule();
    const sut = new OpBatcher(
      (url, ops, ids) => (url === 'http://down' ? Promise.reject(new Error('ECONNREFUSED')) : node.send(url, ops, ids)),
      { maxOps: 100 },
      turn.schedule,
    );

    const lost = [sut.submit('http://down', put('a', 1)), sut.submit('http://down', put('b', 1))];
    const fine = sut.submit('http://a', put('c', 1));
    turn.runAll();

    await expect(lost[0]).rejects.toThrow('ECONNREFUSED');
    await expect(lost[1]).rejects.toThrow('ECONNREFUSED');
    expect(await fine).toEqual({ applied: true, previous: null });
  });

  it('sends a batch as soon as it holds maxBatch ops, and starts a new one for the rest', async () => {
    const node = fakeNode();
    const turn = manualSchedule();
    const sut = new OpBatcher(node.send, { maxOps: 2 }, turn.schedule);

    const results = ['a', 'b', 'c'].map((key) => sut.submit('http://a', put(key, 1)));
    expect(node.batches.map((b) => b.ops.map((op) => op.key))).toEqual([['a', 'b']]);
    turn.runAll();

    expect(node.batches.map((b) => b.ops.map((op) => op.key))).toEqual([['a', 'b'], ['c']]);
    expect(await Promise.all(results)).toHaveLength(3);
  });

  it('rejects the ops a node answered no result for', async () => {
    const turn = manualSchedule();
    const sut = new OpBatcher(async () => [{ record: null }], { maxOps: 100 }, turn.schedule);

    const results = [sut.submit('http://a', get('x')), sut.submit('http://a', get('y'))];
    turn.runAll();

    expect(await results[0]).toEqual({ record: null });
    await expect(results[1]).rejects.toThrow('answered 1 results for a batch of 2');
  });

  describe('with a cap on batches in flight per node', () => {
    /** A node whose answers the test releases one batch at a time. */
    function slowNode() {
      const node = fakeNode();
      const answers: (() => void)[] = [];
      const send = (url: string, ops: OpDto[], ids: string[]) =>
        new Promise<OpResultDto[]>((resolve, reject) => {
          answers.push(() => node.send(url, ops, ids).then(resolve, reject));
        });
      return { ...node, send, answerNext: () => answers.shift()!() };
    }
    const keysOf = (batches: { ops: OpDto[] }[]) => batches.map((b) => b.ops.map((op) => op.key));

    it('keeps filling the next batch while the cap is reached, and sends it when one is answered', async () => {
      const node = slowNode();
      const turn = manualSchedule();
      const sut = new OpBatcher(node.send, { maxOps: 100, maxInFlight: 1 }, turn.schedule);

      const first = sut.submit('http://a', put('a', 1));
      turn.runAll();
      const waiting = [sut.submit('http://a', put('b', 1))];
      turn.runAll();
      waiting.push(sut.submit('http://a', get('a')), sut.submit('http://other', get('x')));
      turn.runAll();
      // a's second batch waits for the first; the other node is not held up by it.
      expect(keysOf(node.batches)).toEqual([]);
      node.answerNext();
      expect(await first).toEqual({ applied: true, previous: null });
      expect(keysOf(node.batches)).toEqual([['a']]);
      node.answerNext(); // the other node's batch, sent at once
      node.answerNext(); // a's second batch, sent when the first was answered: one request for both ops
      const [b, readA, other] = await Promise.all(waiting);
      expect(keysOf(node.batches)).toEqual([['a'], ['x'], ['b', 'a']]);
      expect(b).toEqual({ applied: true, previous: null });
      expect(readA).toEqual({ record: { revision: 1, value: 'v1' } });
      expect(other).toEqual({ record: null });
    });

    it('sends a full batch even at the cap, so no batch grows past maxBatch', async () => {
      const node = slowNode();
      const turn = manualSchedule();
      const sut = new OpBatcher(node.send, { maxOps: 2, maxInFlight: 1 }, turn.schedule);

      const results = ['a', 'b', 'c', 'd'].map((key) => sut.submit('http://a', put(key, 1)));
      turn.runAll();
      node.answerNext();
      node.answerNext();

      expect(await Promise.all(results)).toHaveLength(4);
      expect(keysOf(node.batches)).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
    });

    it('sends the waiting batch when the one in flight fails, and fails only the failed one', async () => {
      let calls = 0;
      const node = fakeNode();
      const failing = manualSchedule();
      const sut = new OpBatcher(
        (url, ops, ids) => (++calls === 1 ? Promise.reject(new Error('timeout')) : node.send(url, ops, ids)),
        { maxOps: 100, maxInFlight: 1 },
        failing.schedule,
      );

      const lost = sut.submit('http://a', put('a', 1));
      failing.runAll();
      const later = sut.submit('http://a', put('b', 1));
      failing.runAll();

      await expect(lost).rejects.toThrow('timeout');
      expect(await later).toEqual({ applied: true, previous: null });
    });
  });

  describe('with a cap on the bytes of a batch', () => {
    const big = (key: string, bytes: number) => put(key, 1, 'x'.repeat(bytes));

    it('starts a new batch when the next op would take it past maxBytes; an op bigger than that goes alone', async () => {
      const node = fakeNode();
      const turn = manualSchedule();
      const sut = new OpBatcher(node.send, { maxOps: 100, maxBytes: 1000 }, turn.schedule);

      const results = [big('a', 400), big('b', 400), big('c', 400), big('d', 5000), big('e', 10)].map((op) =>
        sut.submit('http://a', op),
      );
      turn.runAll();

      expect(await Promise.all(results)).toHaveLength(5);
      expect(node.batches.map((b) => b.ops.map((op) => op.key))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
    });

    it('counts UTF-8 bytes of keys and values', async () => {
      const node = fakeNode();
      const turn = manualSchedule();
      const sut = new OpBatcher(node.send, { maxOps: 100, maxBytes: 10 }, turn.schedule);

      // 'é' is two bytes: 1 + 2*2 = 5 bytes per op, two fit in 10.
      const results = ['a', 'b', 'c'].map((key) => sut.submit('http://a', put(key, 1, 'éé')));
      turn.runAll();

      await Promise.all(results);
      expect(node.batches.map((b) => b.ops.map((op) => op.key))).toEqual([['a', 'b'], ['c']]);
    });

    it('sends a batch full by bytes even while the in-flight cap holds the next one back', async () => {
      const sent: string[][] = [];
      const answers: (() => void)[] = [];
      const sut = new OpBatcher(
        (_url, ops) =>
          new Promise<OpResultDto[]>((resolve) => {
            sent.push(ops.map((op) => op.key));
            answers.push(() => resolve(ops.map(() => ({ applied: true, previous: null }))));
          }),
        { maxOps: 100, maxBytes: 1000, maxInFlight: 1 },
        manualSchedule().schedule,
      );

      const results = [big('a', 600), big('b', 600), big('c', 600)].map((op) => sut.submit('http://a', op));
      expect(sent).toEqual([['a'], ['b']]);
      answers.splice(0).forEach((answer) => answer());
      await Promise.all(results.slice(0, 2));
      expect(sent).toEqual([['a'], ['b'], ['c']]);
      answers.splice(0).forEach((answer) => answer());
      await results[2];
    });
  });
});
