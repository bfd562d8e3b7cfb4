import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('completes events split across chunks and skips comments and retry lines', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 1000\n\n: keepalive\n\nevent: snap')).toEqual([]);
    expect(parser.push('shot\ndata: {"a":1}\n\nevent: event\r\ndata: {"b"')).toEqual([{ event: 'snapshot', data: '{"a":1}' }]);
    expect(parser.push(':2}\r\n\r\n')).toEqual([{ event: 'event', data: '{"b":2}' }]);
  });

  it('joins multi-line data and names unnamed events "message"', () => {
    expect(new SseParser().push('data: one\ndata: two\n\n')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
