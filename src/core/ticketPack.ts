/**
 * The ticket pack: what Tencent Cloud support asks for when a login fails — the report, an MTR
 * in both directions (here → instance and instance → here), the instance's own view (the
 * in-guest output) and when it all happened (ISO times with the time zone) — as one Markdown
 * file and one JSON file. Everything passes through redact.ts first, and the finished text
 * again: no secret, credential or VNC console URL. Pure.
 */
import type { Lang, Report } from './model';
import { plain, renderMarkdown } from './render/markdown';
import { redactor } from './redact';
import type { PathTrace } from './trace';
import { hopLines, traceOf, traceSummary } from './traceText';
import { format, type Bilingual } from './format';

const T = {
  title: { en: 'CVM Doctor — support ticket pack', ko: 'CVM Doctor — 기술 지원 요청 자료' },
  intro: {
    en: 'Evidence for a support ticket about a failed login: the diagnosis, the network path in both directions and the instance\'s own view. Secrets, credentials and console (VNC) URLs have been removed.',
    ko: '로그인 실패에 관한 기술 지원 요청용 자료입니다. 진단 결과, 양방향 네트워크 경로, 인스턴스 내부에서 본 상태가 들어 있습니다. 비밀 값, 자격 증명, 콘솔(VNC) URL은 제거했습니다.',
  },
  times: { en: 'Times', ko: '시각' },
  started: { en: 'Diagnosis started', ko: '진단 시작' },
  generated: { en: 'Pack created', ko: '자료 작성' },
  traceAt: { en: 'Trace started', ko: '경로 추적 시작' },
  target: { en: 'Target', ko: '대상' },
  instance: { en: 'Instance', ko: '인스턴스' },
  caller: { en: 'Your public address', ko: '내 공인 주소' },
  unknown: { en: 'unknown', ko: '알 수 없음' },
  verdict: { en: 'Verdict', ko: '진단 결과' },
  pathHeading: { en: 'Network path (MTR in both directions)', ko: '네트워크 경로(양방향 MTR)' },
  outHeading: { en: 'From this machine to {target}', ko: '이 컴퓨터에서 {target}까지' },
  backHeading: { en: 'From the instance back to this machine', ko: '인스턴스에서 이 컴퓨터까지' },
  notCollected: {
    en: 'Not collected. Run "Collect path evidence" (CLI: --trace) before saving the pack.',
    ko: '수집되지 않았습니다. 자료를 저장하기 전에 "경로 증거 수집"(CLI: --trace)을 실행하세요.',
  },
  hops: { en: 'Hops', ko: '홉' },
  toolOutput: { en: 'Tool output', ko: '도구 출력' },
  guestHeading: { en: 'In-guest check output (Tencent Automation Tools)', ko: '인스턴스 내부 검사 출력(Tencent Automation Tools)' },
  guestNone: { en: 'No in-guest output (in-guest checks not allowed or not run).', ko: '인스턴스 내부 검사 출력이 없습니다(허용되지 않았거나 실행되지 않음).' },
  reportHeading: { en: 'Full report', ko: '전체 보고서' },
} satisfies Record<string, Bilingual>;

type Key = keyof typeof T;
const tx = (lang: Lang, k: Key, args?: Record<string, string>) => format(T[k][lang], args);

/** An ISO 8601 time with the local offset ("2026-12-02T09:20:05+09:00"), which support can
 *  line up with their own logs whatever zone they are in. */
export function isoWithOffset(iso: string, offsetMinutes?: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const off = offsetMinutes ?? -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 19);
  const p = (n: number) => String(n).padStart(2, '0');
  const abs = Math.abs(off);
  return `${local}${off < 0 ? '-' : '+'}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

/** A fenced block that survives backticks inside the text. */
function fenced(s: string): string {
  const longest = Math.max(2, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${s.replace(/\s+$/, '')}\n${fence}`;
}

export interface TicketPackInput {
  report: Report;
  /** Secrets the caller knows (saved password, passphrase, cloud keys): removed wherever they appear. */
  secrets?: readonly (string | undefined)[];
  /** When the pack is made (ISO). */
  generatedAt: string;
  /** Minutes east of UTC for the times (default: this machine's zone). */
  offsetMinutes?: number;
}

export interface TicketPack {
  markdown: string;
  json: string;
}

export interface TicketPackData {
  kind: 'cvm-doctor-ticket-pack';
  version: 1;
  generatedAt: string;
  startedAt: string;
  target: Report['target'];
  verdict: { code: string; title: string; summary: string };
  callerIp?: string;
  pathEvidence: { out?: PathTrace; back?: PathTrace };
  guestOutput?: string;
  report: Report;
}

function guestOutputOf(r: Report): string | undefined {
  const g = r.checks.find((c) => c.id === 'cloud.guest')?.evidence as { output?: unknown } | undefined;
  return typeof g?.output === 'string' ? g.output : undefined;
}

export function buildTicketPack(input: TicketPackInput): TicketPack {
  const red = redactor(input.secrets ?? []);
  const report = red.value(input.report);
  const lang = report.lang;
  const off = input.offsetMinutes;
  const out = traceOf(report.checks.find((c) => c.id === 'path.out'));
  const back = traceOf(report.checks.find((c) => c.id === 'path.back'));
  const guestOutput = guestOutputOf(report);
  const callerIp = back && !back.unavailable ? back.target : undefined;
  const t = report.target;
  const v = report.verdict;
  const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

  const md: string[] = [];
  md.push(`# ${tx(lang, 'title')}`, '', tx(lang, 'intro'), '');
  md.push(`## ${tx(lang, 'times')}`, '');
  md.push(`- ${tx(lang, 'started')}: ${code(isoWithOffset(report.startedAt, off))}`);
  md.push(`- ${tx(lang, 'generated')}: ${code(isoWithOffset(input.generatedAt, off))}`);
  for (const tr of [out, back]) if (tr && !tr.unavailable) md.push(`- ${tx(lang, 'traceAt')} (${tr.direction === 'out' ? '→' : '←'}): ${code(isoWithOffset(tr.startedAt, off))}`);
  md.push('', `## ${tx(lang, 'target')}`, '');
  md.push(`- ${tx(lang, 'target')}: ${code(`${t.host}:${t.port}`)} (${t.protocol.toUpperCase()})${t.addresses.length ? ` → ${t.addresses.map(code).join(', ')}` : ''}`);
  if (t.cloud) md.push(`- ${tx(lang, 'instance')}: ${code(t.cloud.instanceId)} (${code(t.cloud.region)})`);
  md.push(`- ${tx(lang, 'caller')}: ${callerIp ? code(callerIp) : tx(lang, 'unknown')}`);
  md.push(`- ${tx(lang, 'verdict')}: ${code(v.code)} ${plain(v.title)}`, '', plain(v.summary), '');

  md.push(`## ${tx(lang, 'pathHeading')}`, '');
  const section = (heading: string, tr: PathTrace | undefined) => {
    md.push(`### ${heading}`, '');
    if (!tr) { md.push(tx(lang, 'notCollected'), ''); return; }
    md.push(plain(traceSummary(tr, lang)), '');
    if (tr.hops.length) md.push(`${tx(lang, 'hops')}:`, '', fenced(hopLines(tr, lang).join('\n')), '');
    if (tr.output?.trim()) md.push(`${tx(lang, 'toolOutput')}:`, '', fenced(tr.output), '');
  };
  section(tx(lang, 'outHeading', { target: `${t.addresses[0] ?? t.host}:${t.port}` }), out);
  section(tx(lang, 'backHeading'), back);

  md.push(`## ${tx(lang, 'guestHeading')}`, '');
  md.push(guestOutput ? fenced(guestOutput) : tx(lang, 'guestNone'), '');
  md.push(`## ${tx(lang, 'reportHeading')}`, '');
  // The report's own Markdown, its headings one level down inside the pack.
  md.push(renderMarkdown(report).replace(/^(#+) /gm, '#$1 '));

  const data: TicketPackData = {
    kind: 'cvm-doctor-ticket-pack', version: 1,
    generatedAt: isoWithOffset(input.generatedAt, off), startedAt: isoWithOffset(report.startedAt, off),
    target: report.target, verdict: { code: v.code, title: v.title, summary: v.summary },
    ...(callerIp ? { callerIp } : {}),
    pathEvidence: { ...(out ? { out } : {}), ...(back ? { back } : {}) },
    ...(guestOutput ? { guestOutput } : {}),
    report,
  };
  // Once more over the finished files: what the renderers put together is checked as a whole
  // (the JSON value by value, so its syntax stays intact).
  return { markdown: red.text(md.join('\n') + '\n'), json: JSON.stringify(red.value(data), null, 2) + '\n' };
}
