import { formatTag, LinePrefixer } from './line-prefixer.js';

describe(LinePrefixer.name, () => {
  it('prefixes every complete line of a chunk', () => {
    const sut = new LinePrefixer('[a] ');
    expect(sut.push('one\ntwo\n')).toBe('[a] one\n[a] two\n');
    expect(sut.flush()).toBe('');
  });

  it('holds a partial line until a later chunk finishes it', () => {
    const sut = new LinePrefixer('[a] ');
    expect(sut.push('hel')).toBe('');
    expect(sut.push('lo wo')).toBe('');
    expect(sut.push('rld\nnext')).toBe('[a] hello world\n');
    expect(sut.push(' line\n')).toBe('[a] next line\n');
  });

  it('keeps empty lines, each with its own prefix', () => {
    const sut = new LinePrefixer('[a] ');
    expect(sut.push('x\n\n')).toBe('[a] x\n[a] \n');
    expect(sut.push('\n')).toBe('[a] \n');
  });

  it('emits the unfinished last line on flush, once', () => {
    const sut = new LinePrefixer('[a] ');
    sut.push('done\nno newline at the end');
    expect(sut.flush()).toBe('[a] no newline at the end\n');
    expect(sut.flush()).toBe('');
  });

  it('keeps the prefix out of a line that a child colours itself', () => {
    const sut = new LinePrefixer('[a] ');
    expect(sut.push('\u001b[32mLOG\u001b[39m ready\n')).toBe('[a] \u001b[32mLOG\u001b[39m ready\n');
  });
});

describe(formatTag.name, () => {
  it('pads plain tags to the same width', () => {
    expect(formatTag('leader', 11)).toBe('[leader]    ');
    expect(formatTag('storage-1', 11)).toBe('[storage-1] ');
  });

  it('colours only the tag, so the padding still lines up', () => {
    expect(formatTag('leader', 11, 36)).toBe('\u001b[36m[leader]\u001b[0m    ');
  });

  it('works with a LinePrefixer across chunks, coloured and not', () => {
    const plain = new LinePrefixer(formatTag('storage-1', 11));
    const coloured = new LinePrefixer(formatTag('storage-1', 11, 35));
    for (const sut of [plain, coloured]) sut.push('listening on ');
    expect(plain.push('4101\n')).toBe('[storage-1] listening on 4101\n');
    expect(coloured.push('4101\n')).toBe('\u001b[35m[storage-1]\u001b[0m listening on 4101\n');
  });
});
