import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildSupervisor, type ChildExit, type SupervisedChild } from './child-supervisor.js';

/** A node script that says "ready" once its SIGTERM handler is in place. */
const polite = (name: string) =>
  `process.on('SIGTERM', () => { console.log('bye ${name}'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);`;
const stubborn = `process.on('SIGTERM', () => console.log('not stopping')); console.log('ready'); setInterval(() => {}, 1000);`;

describe(ChildSupervisor.name, () => {
  let stdout: string;
  let stderr: string;
  let unexpected: { name: string; exit: ChildExit }[];
  let sut: ChildSupervisor;

  beforeEach(() => {
    stdout = '';
    stderr = '';
    unexpected = [];
    const out = new PassThrough().setEncoding('utf8').on('data', (s: string) => (stdout += s));
    const err = new PassThrough().setEncoding('utf8').on('data', (s: string) => (stderr += s));
    sut = new ChildSupervisor({
      stdout: out,
      stderr: err,
      onUnexpectedExit: (child: SupervisedChild, exit) => unexpected.push({ name: child.name, exit }),
    });
  });

  afterEach(async () => {
    sut.killAll();
  });

  const start = (name: string, script: string) =>
    sut.start({ name, command: process.execPath, args: ['-e', script], env: {}, prefix: `[${name}] ` });

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}`);
      await sleep(20);
    }
  }

  it("prefixes the child's stdout and stderr lines, each to its own stream", async () => {
    const child = start(
      'a',
      `process.stdout.write('one\\ntw'); setTimeout(() => { console.log('o'); console.error('oops'); process.stdout.write('tail'); }, 50);`,
    );
    await child.exited;
    expect(stdout).toBe('[a] one\n[a] two\n[a] tail\n');
    expect(stderr).toBe('[a] oops\n');
  });

  it('reports a child that exits on its own, with its code', async () => {
    const child = start('crasher', 'process.exit(3)');
    expect(await child.exited).toEqual({ code: 3, signal: null });
    await until(() => unexpected.length > 0, 'the report');
    expect(unexpected).toEqual([{ name: 'crasher', exit: { code: 3, signal: null } }]);
    expect(child.running).toBe(false);
  });

  it('stops children stage by stage and reports none of them as unexpected', async () => {
    start('registry', polite('registry'));
    start('leader', polite('leader'));
    await until(() => stdout.split('ready').length === 3, 'both children');

    const killed = await sut.stopAll(5000, [['leader'], ['registry']]);

    expect(killed).toEqual([]);
    expect(stdout.indexOf('bye leader')).toBeLessThan(stdout.indexOf('bye registry'));
    expect(stdout).toContain('[registry] bye registry');
    expect(unexpected).toEqual([]);
  });

  it('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const child = start('stubborn', stubborn);
    await until(() => stdout.includes('ready'), 'the child');

    const killed = await sut.stopAll(300);

    expect(killed).toEqual(['stubborn']);
    expect(stdout).toContain('[stubborn] not stopping');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });
});
