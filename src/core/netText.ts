/**
 * What the ping and the TCP connect found, in the report's language: built from what the probes
 * record by kind (`problem`, `rawProblem`, `icmpError`, a TCP outcome, an ICMP type/code),
 * never from their English `detail`, which stays in the evidence. The system ping's own output
 * and a library's message are quoted as they came. Evidence without kinds (an older JSON
 * report) falls back to the English detail. Pure.
 */
import { icmpErrorText } from './icmp';
import { msg } from './messages';
import type { IcmpProblem, IcmpResult, Lang, TcpResult } from './model';
import { quoted } from './sshText';

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/** Why no echo could be sent (or why raw sockets were not used). */
export function icmpProblemText(p: IcmpProblem, address: string, lang: Lang): string {
  return msg(lang, `icmpProblem.${p.kind}`, { address, message: quoted(p.message ?? ''), code: p.code ?? '?' });
}

/** What the ping's outcome rests on: the ICMP error and its sender, the system ping's own line,
 *  or why it could not run; then, when the system ping stood in for raw sockets, why they
 *  could not be used. */
export function icmpDetailText(r: IcmpResult, lang: Lang): string {
  const e = r.icmpError;
  const from = e?.from ?? r.from;
  const name = e ? icmpErrorText(familyOf(r.address), e.type, e.code, lang) : undefined;
  const main = name !== undefined ? (from ? msg(lang, 'icmp.errorFrom', { name, from }) : name)
    : r.pingOutput ? msg(lang, 'icmp.pingSaid', { output: quoted(r.pingOutput) })
      : r.problem ? icmpProblemText(r.problem, r.address, lang) : undefined;
  const why = r.rawProblem ? icmpProblemText(r.rawProblem, r.address, lang) : undefined;
  if (main === undefined) return why ?? r.detail ?? '';
  if (!why) return main;
  // No ping at all: both reasons. Otherwise the system ping answered in the raw socket's place.
  return r.outcome === 'unavailable' ? main + msg(lang, 'word.listSep') + why : main + msg(lang, 'icmp.rawFallback', { why });
}

/** Which implementation sent the echo. */
export function icmpMethodText(r: IcmpResult, lang: Lang): string {
  return msg(lang, `icmpMethod.${r.method}`);
}

/** The error code, or the outcome in words where there is none ("timeout"). */
export function tcpOutcomeText(t: Pick<TcpResult, 'outcome' | 'errorCode'>, lang: Lang): string {
  return t.errorCode ?? msg(lang, `tcpOutcome.${t.outcome}`);
}

/** "; ICMP host prohibited from 203.0.113.1", or "" when no raw socket read the ICMP error. */
export function tcpIcmpText(t: TcpResult, lang: Lang): string {
  return t.icmp ? msg(lang, 'tcp.icmpFrom', { from: t.icmp.from, name: tcpIcmpName(t, lang) }) : '';
}

/** The name of the ICMP error behind a TCP outcome, when a raw socket read it. */
export function tcpIcmpName(t: TcpResult, lang: Lang): string | undefined {
  return t.icmp ? icmpErrorText(familyOf(t.address), t.icmp.type, t.icmp.code, lang) : undefined;
}
