/**
 * What a single diagnosis through a jump chain reports after a bastion dropped its session
 * while the hops behind it were probed (sessionLoss.ts decides when; jumpDiagnose.ts walks):
 * - looked again and the new connection held: the fresh walk's verdict, with a finding that
 *   the first connection was lost;
 * - the new connection failed: the bastion's own verdict from the fresh walk, its summary
 *   saying the connection was lost during the diagnosis;
 * - lost again: a verdict about the bastion (it keeps dropping the connection), never about
 *   the hops behind it, whose checks ran over the dead session and are left out.
 * Pure.
 */
import type { ClassifyInput } from './classify';
import { formatJumpHop } from './jump';
import { msg } from './messages';
import type { Check, Finding, Lang, Target, Verdict } from './model';
import { buildVerdict } from './verdict';

/** A diagnosis that looked again after a drop: the hop whose session was dropped, and
 *  whether it was dropped again after the reconnect. */
export interface DropNote {
  hop: number;
  again: boolean;
}

interface Trimmable {
  runs: Array<{ n: number }>;
  checks: Check[];
  tellers: Array<(l: Lang) => Check>;
}

/** The walk up to hop `hop`: the checks behind it ran over the dropped session. Checks of no
 *  hop (the Local layer before the chain) stay. */
export function trimToHop<W extends Trimmable>(w: W, hop: number): W {
  const keep = w.checks.map((c) => c.hop === undefined || c.hop <= hop);
  return { ...w, runs: w.runs.filter((r) => r.n <= hop), checks: w.checks.filter((_, i) => keep[i]), tellers: w.tellers.filter((_, i) => keep[i]) };
}

function args(drop: DropNote, hops: readonly Target[]) {
  const b = hops[drop.hop - 1]!;
  return { n: drop.hop, total: hops.length, next: drop.hop + 1, via: formatJumpHop(b), host: `${b.host}:${b.port}` };
}

/** The finding every report after a drop carries. */
export function dropFindings(drop: DropNote, hops: readonly Target[], lang: Lang): Finding[] {
  return [{ code: 'JUMP_CONNECTION_LOST', message: msg(lang, drop.again ? 'jump.lost.again' : 'finding.JUMP_CONNECTION_LOST', args(drop, hops)) }];
}

/** The verdict of the fresh walk, told with the drop: when it stopped at the bastion or
 *  before it (the reconnect failed), its summary says the connection was lost meanwhile. */
export function lostSummary(v: Verdict, decidedBy: number, drop: DropNote, hops: readonly Target[], lang: Lang): Verdict {
  if (decidedBy > drop.hop) return v;
  return { ...v, summary: `${v.summary} ${msg(lang, 'jump.lost.reconnectFailed', args(drop, hops))}` };
}

/** Dropped again after the reconnect: CONNECTION_CLOSED about the bastion hop, its
 *  remediation for the bastion's own system (`bastion`: its evidence from the fresh walk). */
export function dropVerdict(bastion: ClassifyInput, drop: DropNote, hops: readonly Target[], lang: Lang): Verdict {
  const v = buildVerdict('CONNECTION_CLOSED', bastion, lang);
  const a = args(drop, hops);
  return {
    ...v,
    title: msg(lang, 'jump.keepsDropping.title', a),
    summary: msg(lang, 'jump.keepsDropping.summary', a),
    hop: drop.hop,
  };
}
