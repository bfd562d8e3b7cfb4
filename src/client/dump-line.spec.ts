import { DumpLineError, formatDumpLine, parseDumpLine } from './dump-line.js';

describe(formatDumpLine.name, () => {
  it('writes key, value and revision as one JSON line that parses back', () => {
    const line = formatDumpLine({ key: 'users/42', value: '{"name":"Ada"}\nline 2', revision: 1042 });

    expect(line).toBe('{"key":"users/42","value":"{\\"name\\":\\"Ada\\"}\\nline 2","revision":1042}\n');
    expect(parseDumpLine(line.trimEnd(), 1)).toEqual({ key: 'users/42', value: '{"name":"Ada"}\nline 2', revision: 1042 });
  });

  it('refuses a listing item without its value', () => {
    expect(() => formatDumpLine({ key: 'k', revision: 1 })).toThrow('carries no value');
  });
});

describe(parseDumpLine.name, () => {
  it('accepts an entry without a revision (a hand-written file) and ignores other fields', () => {
    expect(parseDumpLine('{"key":"k","value":"v","note":"x"}', 3)).toEqual({ key: 'k', value: 'v' });
  });

  it('gives null for a blank line', () => {
    expect(parseDumpLine('   ', 4)).toBeNull();
  });

  it.each([
    ['{"key":"k","value":"v"', /^line 7: not JSON \(/],
    ['["k","v"]', 'line 7: expected a JSON object with "key" and "value"'],
    ['null', 'line 7: expected a JSON object with "key" and "value"'],
    ['{"value":"v"}', 'line 7: "key" must be a string'],
    ['{"key":"","value":"v"}', 'line 7: key must be a non-empty string'],
    ['{"key":"..","value":"v"}', 'line 7: the key ".." cannot be addressed in a URL'],
    ['{"key":"a\\u0007b","value":"v"}', 'line 7: key must not contain control characters'],
    ['{"key":"k","value":42}', 'line 7: "value" of "k" must be a string'],
    ['{"key":"k","value":"\\ud800"}', 'line 7: "value" of "k" is not valid UTF-8'],
    ['{"key":"k","value":"v","revision":-1}', 'line 7: "revision" of "k" must be a non-negative integer'],
    ['{"key":"k","value":"v","revision":"3"}', 'line 7: "revision" of "k" must be a non-negative integer'],
  ])('%s is refused: %s', (text, message) => {
    let error: unknown;
    try {
      parseDumpLine(text, 7);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DumpLineError);
    expect((error as DumpLineError).line).toBe(7);
    expect((error as DumpLineError).message).toMatch(message);
  });
});
