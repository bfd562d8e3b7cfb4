/**
 * Calls `send` `rate` times a second for `seconds`, paced from the start (at most `maxInFlight`
 * unanswered at once), and answers how many it sent once all are answered. For the probes, which
 * want a fixed request rate rather than as many as the system takes.
 */
export async function sendPaced(
  rate: number,
  seconds: number,
  send: () => Promise<unknown>,
  maxInFlight = 8,
): Promise<number> {
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  for (;;) {
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed >= seconds) break;
    while (sent < elapsed * rate && inFlight.size < maxInFlight) {
      const request = send().finally(() => inFlight.delete(request));
      inFlight.add(request);
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  return sent;
}
