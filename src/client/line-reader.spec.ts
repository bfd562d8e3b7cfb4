import { readLines, type Line } from './line-reader.js';

async function linesOf(chunks: (string | Buffer)[]): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of readLines(chunks)) lines.push(line);
  return lines;
}

describe(readLines.name, () => {
  it('numbers lines from 1 and joins lines split across chunks', async () => {
    expect(await linesOf(['{"a"', ':1}\n{"b":2}\n', '{"c"', ':3}\n'])).toEqual([
      { number: 1, text: '{"a":1}', terminated: true },
      { number: 2, text: '{"b":2}', terminated: true },
      { number: 3, text: '{"c":3}', terminated: true },
    ]);
  });

  it('keeps a UTF-8 character whose bytes arrive in two chunks', async () => {
    const bytes = Buffer.from('ü✓\n', 'utf8');

    expect(await linesOf([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual([
      { number: 1, text: 'ü✓', terminated: true },
    ]);
  });

  it('treats \\r\\n as one line end and keeps blank lines', async () => {
    expect((await linesOf(['a\r\n\r\nb\n'])).map((l) => l.text)).toEqual(['a', '', 'b']);
  });

  it('says when the last line has no newline', async () => {
    expect(await linesOf(['one\ntw', 'o'])).toEqual([
      { number: 1, text: 'one', terminated: true },
      { number: 2, text: 'two', terminated: false },
    ]);
  });

  it('gives nothing for empty input', async () => {
    expect(await linesOf([])).toEqual([]);
    expect(await linesOf([''])).toEqual([]);
  });
});
