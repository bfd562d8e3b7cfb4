import type { NextFunction, Request, Response } from 'express';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Several express middlewares as one: the router matches and parses the URL once per mounted
 * middleware, so the per-request ones are mounted together. An error (thrown or passed to next)
 * stops the chain and goes to express, as it would between separately mounted ones.
 */
export function chain(...middlewares: Middleware[]): Middleware {
  return (req, res, done) => {
    let index = 0;
    const next: NextFunction = (error?: unknown) => {
      if (error !== undefined && error !== null) return done(error);
      const middleware = middlewares[index++];
      if (!middleware) return done();
      try {
        middleware(req, res, next);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}
