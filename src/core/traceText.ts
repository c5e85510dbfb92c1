/**
 * Path evidence in the report's language: the `path.out` and `path.back` checks (where each
 * direction stops, labelled with the tool and protocol) and the lines the ticket pack and the
 * renderers show per hop. Its own bilingual table; `Record<…, Bilingual>` makes a missing
 * language a compile error. Pure.
 */
import { format, formatMs, type Bilingual, type TemplateArgs } from './format';
import type { Check, CheckStatus, Lang } from './model';
import { pathStop, type PathTrace, type TraceHop, type TraceSkip, type TraceTool } from './trace';

const T = {
  'tool.out.mtr': { en: 'mtr --tcp', ko: 'mtr --tcp' },
  'tool.out.traceroute': { en: 'traceroute -T', ko: 'traceroute -T' },
  'tool.out.tcptraceroute': { en: 'tcptraceroute', ko: 'tcptraceroute' },
  'tool.out.net-ping': { en: 'net-ping', ko: 'net-ping' },
  'tool.out.tracepath': { en: 'tracepath', ko: 'tracepath' },
  'tool.back.mtr': { en: 'mtr', ko: 'mtr' },
  'tool.back.tracepath': { en: 'tracepath', ko: 'tracepath' },
  'proto.tcp': { en: 'TCP to port {port}', ko: 'TCP, 포트 번호 {port}' },
  'proto.icmp': { en: 'ICMP', ko: 'ICMP' },
  'proto.udp': { en: 'UDP', ko: 'UDP' },
  'out.head': { en: 'Trace from here ({tool}, {proto})', ko: '이 컴퓨터에서 보낸 경로 추적({tool}, {proto})' },
  'back.head': { en: 'Trace from the instance to your address {caller} ({tool}, {proto})', ko: '인스턴스에서 내 주소로 보낸 경로 추적({tool}, {proto}, 내 주소 {caller})' },
  'icmpFallback': {
    en: 'no TCP trace tool could run here, so this is an ICMP trace: ICMP may be filtered where TCP is not',
    ko: '이 컴퓨터에서 TCP 경로 추적 도구를 실행할 수 없어 ICMP로 추적했습니다. ICMP는 TCP와 달리 차단될 수 있습니다',
  },
  'reached': { en: 'the destination {target} answered at hop {ttl}', ko: '목적지가 홉 {ttl}에서 응답했습니다({target})' },
  'reachedPort.open': { en: 'the destination {target} answered at hop {ttl} (port open)', ko: '목적지가 홉 {ttl}에서 응답했습니다({target}, 포트 열림)' },
  'reachedPort.closed': { en: 'the destination {target} answered at hop {ttl} (port closed: reset)', ko: '목적지가 홉 {ttl}에서 응답했습니다({target}, 포트 닫힘: 재설정)' },
  'stops': {
    en: 'the path stops after hop {last} ({address}): hop {silent} and beyond did not answer, nor did the destination {target}',
    ko: '경로가 홉 {last} 다음에서 끊깁니다({address}). 홉 {silent}부터는 응답이 없고 목적지도 응답하지 않았습니다({target})',
  },
  'refused': {
    en: 'hop {ttl} ({address}) refused the probe ({flag}); the destination {target} did not answer',
    ko: '홉 {ttl}에서 프로브를 거부했습니다({address}, {flag}). 목적지는 응답하지 않았습니다({target})',
  },
  'nothing': { en: 'no hop answered, not even the first one: the probes go nowhere from {from}', ko: '첫 번째 홉부터 응답이 없습니다. {from}에서 나간 프로브가 어디에도 닿지 않습니다' },
  'from.out': { en: 'this machine', ko: '이 컴퓨터' },
  'from.back': { en: 'the instance', ko: '인스턴스' },
  'timedOut': { en: ' (stopped at the time bound of {bound})', ko: '(제한 시간 {bound}에 멈춤)' },
  'unavailable.out.no-tool': {
    en: 'No trace could run here: {why}',
    ko: '이 컴퓨터에서는 경로 추적을 실행할 수 없습니다: {why}',
  },
  'unavailable.out.through-jump': {
    en: 'Not traced: {target} is reached through bastion {via}, so a trace from this machine would show only the way to the first bastion. To see the last leg, run on {via}: mtr --tcp -P {port} -n --report {target}',
    ko: '추적하지 않았습니다. 대상({target})에는 배스천({via})을 거쳐 접속하므로 이 컴퓨터에서 추적하면 첫 배스천까지의 경로만 보입니다. 마지막 구간은 배스천({via})에서 실행하십시오: mtr --tcp -P {port} -n --report {target}',
  },
  'unavailable.back.no-tool': { en: 'The instance has neither mtr nor tracepath: no trace back to your address', ko: '인스턴스에 경로 추적 도구(mtr, tracepath)가 없어 내 주소로 되짚는 추적을 할 수 없습니다' },
  'unavailable.back.caller-unknown': {
    en: 'Your public address is not known (set cvmDoctor.callerIp or the detection URL), so the instance cannot trace back to it',
    ko: '내 공인 주소를 알 수 없어 인스턴스에서 되짚는 추적을 할 수 없습니다(cvmDoctor.callerIp 또는 감지 URL 설정 필요)',
  },
  'unavailable.back.no-guest-checks': {
    en: 'The trace from the instance needs in-guest checks (Tencent Automation Tools), which were not allowed',
    ko: '인스턴스에서 보내는 추적에는 인스턴스 내부 검사(Tencent Automation Tools) 허용이 필요한데 허용되지 않았습니다',
  },
  'unavailable.back.guest-failed': { en: 'The in-guest checks did not run, so there is no trace from the instance', ko: '인스턴스 내부 검사가 실행되지 않아 인스턴스에서 보낸 추적이 없습니다' },
  'skip.not-installed': { en: '{tool} is not installed', ko: '{tool} 없음' },
  'skip.no-privilege': { en: '{tool} needs raw-socket privilege (root or CAP_NET_RAW)', ko: '{tool}: 원시 소켓 권한 필요(root 또는 CAP_NET_RAW)' },
  'skip.unsupported': { en: '{tool} cannot trace this address family', ko: '{tool}: 이 주소 체계를 추적할 수 없음' },
  'skip.failed': { en: '{tool} failed', ko: '{tool} 실패' },
  'skip.no-output': { en: '{tool} printed no hops', ko: '{tool}: 홉 출력 없음' },
  'skipped': { en: ' (passed over: {list})', ko: '(건너뜀: {list})' },
  'hop.silent': { en: '{ttl}  * (no answer)', ko: '{ttl}  * (응답 없음)' },
  'hop.answer': { en: '{ttl}  {address}  {rtt}', ko: '{ttl}  {address}  {rtt}' },
  'ticket.noHops': { en: '(no hops)', ko: '(홉 없음)' },
} satisfies Record<string, Bilingual>;

export type TraceTextKey = keyof typeof T;
export const TRACE_TEXT_KEYS = Object.keys(T) as TraceTextKey[];

export function traceMsg(lang: Lang, key: TraceTextKey, args?: TemplateArgs): string {
  return format(T[key][lang], args);
}

function toolText(t: PathTrace, lang: Lang): string {
  const tool = t.tool as TraceTool;
  return traceMsg(lang, t.direction === 'back' && (tool === 'mtr' || tool === 'tracepath') ? `tool.back.${tool}` : `tool.out.${tool}`);
}

function protoText(t: PathTrace, lang: Lang): string {
  return traceMsg(lang, `proto.${t.protocol ?? 'icmp'}`, { port: t.port });
}

function skipText(s: TraceSkip, lang: Lang): string {
  return traceMsg(lang, `skip.${s.reason}`, { tool: s.tool });
}

/** "the path stops after hop 2 (10.213.250.6) …" / "the destination answered at hop 3". */
export function stopText(t: PathTrace, lang: Lang): string {
  const s = pathStop(t);
  const target = t.target;
  if (s.reached) {
    const hop = t.hops.find((h) => h.address !== undefined && h.address === s.lastAnswering?.address) ?? s.lastAnswering!;
    return hop.port ? traceMsg(lang, `reachedPort.${hop.port}`, { target, ttl: hop.ttl }) : traceMsg(lang, 'reached', { target, ttl: hop.ttl });
  }
  if (s.refusedAt) return traceMsg(lang, 'refused', { ttl: s.refusedAt.ttl, address: s.refusedAt.address, flag: s.refusedAt.flag, target });
  if (!s.lastAnswering) return traceMsg(lang, 'nothing', { from: traceMsg(lang, t.direction === 'out' ? 'from.out' : 'from.back') });
  return traceMsg(lang, 'stops', { last: s.lastAnswering.ttl, address: s.lastAnswering.address, silent: s.firstSilent?.ttl ?? s.lastAnswering.ttl + 1, target });
}

/** The one-line summary of a direction, labelled with its tool and protocol. */
export function traceSummary(t: PathTrace, lang: Lang): string {
  if (t.unavailable) {
    if (t.unavailable === 'through-jump') return traceMsg(lang, 'unavailable.out.through-jump', { target: t.target, via: t.via ?? '', port: t.port ?? '' });
    if (t.direction === 'out') {
      const why = t.skipped.map((s) => skipText(s, lang)).join(lang === 'ko' ? ', ' : '; ');
      return traceMsg(lang, 'unavailable.out.no-tool', { why });
    }
    return traceMsg(lang, `unavailable.back.${t.unavailable}`);
  }
  const head = t.direction === 'out'
    ? traceMsg(lang, 'out.head', { tool: toolText(t, lang), proto: protoText(t, lang) })
    : traceMsg(lang, 'back.head', { tool: toolText(t, lang), proto: protoText(t, lang), caller: t.target });
  const fallback = t.direction === 'out' && t.tool === 'net-ping' ? `${lang === 'ko' ? '. ' : '; '}${traceMsg(lang, 'icmpFallback')}` : '';
  const passed = t.direction === 'out' && t.skipped.length && t.tool !== 'net-ping'
    ? traceMsg(lang, 'skipped', { list: t.skipped.map((s) => skipText(s, lang)).join(', ') }) : '';
  const bound = t.timedOut ? traceMsg(lang, 'timedOut', { bound: formatMs(t.durationMs) }) : '';
  return `${head}${passed}: ${stopText(t, lang)}${bound}${fallback}`;
}

function status(t: PathTrace): CheckStatus {
  if (t.unavailable) return 'skip';
  return pathStop(t).reached ? 'pass' : 'warn';
}

/** The report's check for one direction (`path.out`, `path.back`); the evidence is the trace. */
export function traceCheck(t: PathTrace, lang: Lang): Check {
  return {
    id: t.direction === 'out' ? 'path.out' : 'path.back',
    status: status(t),
    durationMs: Math.round(t.durationMs * 10) / 10,
    summary: traceSummary(t, lang),
    evidence: { ...t },
  };
}

/** The hops, one line each ("2  10.213.250.6  0.09 ms", "3  * (no answer)"), for the
 *  ticket pack and the renderers. */
export function hopLines(t: PathTrace, lang: Lang): string[] {
  return t.hops.map((h: TraceHop) => (h.address === undefined
    ? traceMsg(lang, 'hop.silent', { ttl: h.ttl })
    : `${traceMsg(lang, 'hop.answer', { ttl: h.ttl, address: h.address, rtt: h.rttMs !== undefined ? formatMs(h.rttMs) : '' }).trimEnd()}${h.flag ? ` ${h.flag}` : ''}${h.port ? ` [${h.port}]` : ''}${h.lossPct !== undefined && h.lossPct > 0 && h.lossPct < 100 ? ` (${h.lossPct}%)` : ''}`));
}

/** A trace read back from a check's evidence (a report loaded from JSON): undefined when the
 *  evidence is not one. */
export function traceOf(c: Pick<Check, 'id' | 'evidence'> | undefined): PathTrace | undefined {
  const e = c?.evidence as Partial<PathTrace> | undefined;
  if (!e || (e.direction !== 'out' && e.direction !== 'back') || !Array.isArray(e.hops) || typeof e.target !== 'string') return undefined;
  return e as PathTrace;
}
