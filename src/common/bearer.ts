import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented bearer token with the expected one in constant time. Both sides are hashed
 * first so that neither the length nor a common prefix leaks through timing.
 */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  const presented = match ? match[1].trim() : '';
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}

export function bearerHeader(token: string | undefined): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}
