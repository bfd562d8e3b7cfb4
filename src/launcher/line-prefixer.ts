/**
 * Turns a child's output stream into whole lines that each start with the child's tag, so that the
 * output of several processes can share one terminal without lines breaking into each other.
 */
export class LinePrefixer {
  /** The text after the last newline seen so far: a line the child has not finished writing yet. */
  private pending = '';

  constructor(private readonly prefix: string) {}

  /** The complete lines that `chunk` finishes, each prefixed and ending in "\n"; '' when none. */
  push(chunk: string): string {
    const text = this.pending + chunk;
    const end = text.lastIndexOf('\n');
    if (end === -1) {
      this.pending = text;
      return '';
    }
    this.pending = text.slice(end + 1);
    return text
      .slice(0, end)
      .split('\n')
      .map((line) => `${this.prefix}${line}\n`)
      .join('');
  }

  /** The unfinished last line, prefixed and ended with "\n" (call when the stream ends); '' when none. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? '' : `${this.prefix}${rest}\n`;
  }
}

/** ANSI foreground colours that read well on dark and light terminals. */
export const TAG_COLOURS = [36, 35, 33, 32, 34, 96, 95, 93] as const;

/**
 * "[name]" padded to `width` visible characters plus a space, optionally coloured. The padding
 * goes outside the colour codes so that tags of different lengths line up.
 */
export function formatTag(name: string, width: number, colour?: number): string {
  const tag = `[${name}]`;
  const padding = ' '.repeat(Math.max(0, width - tag.length) + 1);
  return colour === undefined ? `${tag}${padding}` : `\u001b[${colour}m${tag}\u001b[0m${padding}`;
}
