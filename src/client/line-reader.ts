import { StringDecoder } from 'node:string_decoder';

/** One line of a text stream, without its line ending. */
export interface Line {
  /** From 1. */
  number: number;
  text: string;
  /** false for a last line with no newline after it: the sign of a file cut short. */
  terminated: boolean;
}

/**
 * The lines of a stream, one at a time, holding only the current line in memory. Unlike
 * readline, it says whether the last line ended with a newline. "\r\n" counts as one line end.
 */
export async function* readLines(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<Line, void, undefined> {
  // A UTF-8 character split across two chunks is joined before it is decoded.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let number = 0;
  for await (const chunk of input) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield { number: ++number, text: stripCr(text.slice(start, end)), terminated: true };
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest !== '') yield { number: ++number, text: stripCr(rest), terminated: false };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
