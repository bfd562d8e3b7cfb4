import { RevisionClock } from './revision-clock.js';

describe(RevisionClock.name, () => {
  it('issues strictly growing revisions from 1', () => {
    const sut = new RevisionClock();
    expect([sut.next(), sut.next(), sut.next()]).toEqual([1, 2, 3]);
  });

  it('continues above the highest revision any storage node reports (leader restart)', () => {
    const sut = new RevisionClock();
    sut.observe(1041);
    sut.observe(17);
    expect(sut.next()).toBe(1042);
  });

  it('never goes back when it observes an older revision', () => {
    const sut = new RevisionClock();
    sut.observe(10);
    sut.next();
    sut.observe(5);
    expect(sut.current).toBe(11);
  });
});
