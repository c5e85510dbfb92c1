/**
 * How long to wait for a SYN-ACK once the round trip to the host is known.
 *
 * A live host answers a SYN within about one round trip. Waiting the full probe timeout for
 * a filtered port wastes seconds, so once ICMP (or another port) has measured the RTT the
 * engine ends the wait at a deadline derived from it: four RTTs plus a margin for jitter and
 * a busy accept queue, and never below a floor that covers scheduling noise on the client.
 * It never exceeds the configured timeout.
 */
export const FILTERED_FLOOR_MS = 300;
export const RTT_MULTIPLIER = 4;
export const RTT_MARGIN_MS = 200;

export function adaptiveDeadlineMs(rttMs: number, timeoutMs: number): number {
  const d = Math.max(FILTERED_FLOOR_MS, Math.ceil(RTT_MULTIPLIER * rttMs + RTT_MARGIN_MS));
  return Math.min(d, timeoutMs);
}
