import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer (.+)$/i;

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Compares a presented bearer token with the expected one in constant time. Both sides are hashed
 * first so that neither the length nor a common prefix leaks through timing; the expected side is
 * hashed once, as this runs on every request.
 */
export class BearerCheck {
  private readonly expected: Buffer;

  constructor(expected: string) {
    this.expected = digest(expected);
  }

  matches(authorization: string | undefined): boolean {
    const match = BEARER.exec(authorization ?? '');
    const presented = match ? match[1].trim() : '';
    return timingSafeEqual(digest(presented), this.expected) && presented.length > 0;
  }
}

export function bearerHeader(token: string | undefined): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}
