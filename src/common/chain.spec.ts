import { jest } from '@jest/globals';
import type { NextFunction, Request, Response } from 'express';
import { chain } from './chain.js';

const req = {} as Request;
const res = {} as Response;

describe(chain.name, () => {
  it('runs the middlewares in order, then calls next once with nothing', () => {
    const seen: string[] = [];
    const done = jest.fn();
    const sut = chain(
      (_q, _s, next) => (seen.push('a'), next()),
      (_q, _s, next) => (seen.push('b'), next()),
    );

    sut(req, res, done as NextFunction);

    expect(seen).toEqual(['a', 'b']);
    expect(done).toHaveBeenCalledTimes(1);
    expect(done).toHaveBeenCalledWith();
  });

  it('stops at an error passed to next or thrown, and hands it on', () => {
    const passed = new Error('passed');
    const thrown = new Error('thrown');
    const later = jest.fn();
    const done1 = jest.fn();
    const done2 = jest.fn();

    chain((_q, _s, next) => next(passed), later)(req, res, done1 as NextFunction);
    chain(() => {
      throw thrown;
    }, later)(req, res, done2 as NextFunction);

    expect(done1).toHaveBeenCalledWith(passed);
    expect(done2).toHaveBeenCalledWith(thrown);
    expect(later).not.toHaveBeenCalled();
  });

  it('waits for a middleware that calls next later (a body parser)', async () => {
    const done = jest.fn();
    const sut = chain((_q, _s, next) => void setImmediate(() => next()));

    sut(req, res, done as NextFunction);
    expect(done).not.toHaveBeenCalled();
    await new Promise((resolve) => setImmediate(resolve));

    expect(done).toHaveBeenCalledWith();
  });
});
