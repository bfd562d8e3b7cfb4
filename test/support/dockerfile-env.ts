/**
 * The ENV of a Dockerfile's final stage: the environment every container of the image starts with,
 * before Kubernetes adds its own. Handles `ENV A=1 B="two words"`, the legacy `ENV A 1`, and
 * backslash continuations.
 */
export function dockerfileEnv(dockerfile: string): Record<string, string> {
  const instructions = dockerfile
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim());
  let env: Record<string, string> = {};
  for (const line of instructions) {
    if (/^FROM\s/i.test(line)) env = {}; // a new stage starts from its base image's environment
    const match = /^ENV\s+(.*)$/i.exec(line);
    if (!match) continue;
    const body = match[1]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(body)) {
      const [key, ...rest] = body.split(/\s+/);
      env[key!] = rest.join(' ');
      continue;
    }
    for (const pair of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
      const raw = pair[2]!;
      env[pair[1]!] = /^["']/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    }
  }
  return env;
}
