import { SseHub, sseFrame, type SseSink } from './sse-hub.js';

class Sink implements SseSink {
  written: string[] = [];
  ended = false;
  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

describe('SseHub', () => {
  it('broadcasts to open streams only, and ends them all on shutdown', () => {
    const hub = new SseHub();
    const [a, b] = [new Sink(), new Sink()];
    hub.add(a);
    const unsubscribeB = hub.add(b);
    unsubscribeB();
    hub.broadcast(sseFrame('snapshot', { n: 1 }));
    expect(a.written).toEqual(['event: snapshot\ndata: {"n":1}\n\n']);
    expect(b.written).toEqual([]);
    hub.endAll();
    expect(a.ended).toBe(true);
    expect(hub.size).toBe(0);
  });

  it('ends a stream opened after shutdown began at once (a browser reconnecting must not hold shutdown up)', () => {
    const hub = new SseHub();
    hub.endAll();
    const late = new Sink();
    hub.add(late);
    expect(late.ended).toBe(true);
    expect(hub.size).toBe(0);
  });
});
