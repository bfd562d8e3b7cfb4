/** Time as a provider, so that tests can drive it. Domain code takes `now` as an argument instead. */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}
