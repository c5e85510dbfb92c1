/**
 * Progress of a run, as the engine announces it: a check starting, with what it waits for and
 * the longest it will wait, so a user interface can show "waiting up to 5 s for an answer on
 * port 22" instead of the last finished check. Pure; the texts live in messages.ts.
 */
import { formatWait } from './format';
import { msg } from './messages';
import type { CheckId, Lang } from './model';

export type WaitFor = 'resolve' | 'echo' | 'connect' | 'banner' | 'ssh' | 'rdp' | 'altports' | 'trace';

export interface CheckStart {
  /** The check this step will report as (a later start with the same id replaces it). */
  id: CheckId;
  waitFor: WaitFor;
  /** The longest this step waits (ms): its own timeout, never a guess. */
  boundMs: number;
  host?: string;
  address?: string;
  port?: number;
  ports?: number[];
}

/** One line for the step under way, e.g. "waiting up to 5 s for an answer on port 22 (10.0.0.5)". */
export function checkStartText(s: CheckStart, lang: Lang): string {
  const bound = formatWait(s.boundMs, lang);
  switch (s.waitFor) {
    case 'resolve': return msg(lang, 'wait.resolve', { bound, host: s.host });
    case 'echo': return msg(lang, 'wait.echo', { bound, address: s.address });
    case 'connect': return msg(lang, 'wait.connect', { bound, port: s.port, address: s.address });
    case 'banner': return msg(lang, 'wait.banner', { bound });
    case 'ssh': return msg(lang, 'wait.ssh', { bound });
    case 'rdp': return msg(lang, 'wait.rdp', { bound });
    case 'altports': return msg(lang, 'wait.altports', { bound, ports: (s.ports ?? []).join(', ') });
    case 'trace': return msg(lang, 'wait.trace', { bound, port: s.port, address: s.address });
  }
}
