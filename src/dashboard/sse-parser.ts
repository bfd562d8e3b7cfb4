/** One server-sent event as the page uses it: a name and its (JSON) data. */
export interface SseMessage {
  event: string;
  data: string;
}

/**
 * Incremental text/event-stream parser. The page reads the stream with fetch (not EventSource) so
 * that it can send the API token as an Authorization header: a token in a URL ends up in logs.
 */
export class SseParser {
  private buffer = '';

  /** Feeds a decoded chunk; returns the events it completed. Comment lines and `retry:` are skipped. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const messages: SseMessage[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) messages.push({ event, data: data.join('\n') });
    }
    return messages;
  }
}
