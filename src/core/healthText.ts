/**
 * Words for the instance's health (core/health.ts): its signals, full filesystems and the
 * process to look at, in English and Korean; the findings they make and the placeholders the
 * INSTANCE_OVERLOADED and (guest) DISK_FULL texts and steps use. Pure.
 */
import {
  bandwidthOut, cloudDiskProblems, cloudOverloadSignals, HEALTH_THRESHOLDS, topProcess,
  type DiskProblem, type HealthSignal,
} from './health';
import type { Check, CloudEvidence, Evidence, Finding, Lang, VerdictCode } from './model';
import type { TemplateArgs } from './format';
import { msg } from './messages';
import { sessionFailure } from './readiness';

type Text = Record<Lang, string>;

/** The login failed in a way load or a full disk explains: no banner in time, the connection
 *  closed (or sshd's "Exceeded MaxStartups"), a stalled key exchange or authentication. */
export function loginStalled(e: Evidence): boolean {
  const b = e.banner;
  if (b && (b.outcome === 'timeout' || b.outcome === 'closed' || b.outcome === 'error')) return true;
  if (b?.outcome === 'other' && /^Exceeded MaxStartups\b/.test(b.line?.trim() ?? '')) return true;
  const s = e.ssh;
  if (s && (s.handshake === 'closed' || s.handshake === 'timeout')) return true;
  return s?.handshake === 'ok' && s.login.outcome === 'timeout';
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);

const SIGNAL: Record<HealthSignal['kind'], (s: HealthSignal) => Text> = {
  'psi-cpu': (s) => ({ en: `tasks waited for a CPU ${fmt(s.value)}% of the last 10 s (PSI)`, ko: `최근 10초 중 ${fmt(s.value)}% 동안 작업이 CPU를 기다렸습니다(PSI)` }),
  'psi-memory': (s) => ({ en: `every task stalled on memory ${fmt(s.value)}% of the last 10 s (PSI)`, ko: `최근 10초 중 ${fmt(s.value)}% 동안 모든 작업이 메모리를 기다리며 멈췄습니다(PSI)` }),
  steal: (s) => ({ en: `the hypervisor took ${fmt(s.value)}% of the CPU time (steal)`, ko: `하이퍼바이저가 CPU 시간의 ${fmt(s.value)}%를 가져갔습니다(steal)` }),
  load: (s) => ({ en: `a load of ${fmt(s.value)} per CPU`, ko: `CPU당 부하 ${fmt(s.value)}` }),
  memory: (s) => ({ en: `only ${fmt(s.value)}% of the memory is available, with no swap to spare`, ko: `사용 가능한 메모리가 ${fmt(s.value)}%뿐이고 남은 스왑도 없습니다` }),
  oom: (s) => ({ en: `the kernel's OOM killer ended ${s.value} process(es) in the last ${HEALTH_THRESHOLDS.oomRecentSec / 60} minutes`, ko: `최근 ${HEALTH_THRESHOLDS.oomRecentSec / 60}분 동안 커널의 OOM killer가 프로세스 ${s.value}개를 종료했습니다` }),
  'base-cpu': (s) => ({ en: `Cloud Monitor measured the CPU at ${fmt(s.value)}% from the host`, ko: `Cloud Monitor가 호스트에서 측정한 CPU 사용률이 ${fmt(s.value)}%입니다` }),
  bandwidth: (s) => ({ en: `outbound traffic reached ${fmt(s.value)} Mbps of the ${fmt(s.threshold)} Mbps cap (Cloud Monitor)`, ko: `나가는 트래픽이 한도 ${fmt(s.threshold)} Mbps 중 ${fmt(s.value)} Mbps에 이르렀습니다(Cloud Monitor)` }),
};

export function signalsText(signals: HealthSignal[], lang: Lang): string {
  return signals.map((s) => SIGNAL[s.kind](s)[lang]).join(lang === 'ko' ? ', ' : '; ');
}

const kbText = (kb: number) => (kb >= 1024 * 1024 ? `${(kb / 1024 / 1024).toFixed(1)} GB` : kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb} KB`);

function diskText(p: DiskProblem, lang: Lang): string {
  const where = p.path === p.mount ? p.mount : `${p.path} (${p.mount})`;
  if (p.kind === 'readonly') return lang === 'ko' ? `${where}: 읽기 전용으로 마운트됨` : `${where} is mounted read-only`;
  if (p.kind === 'inodes') return lang === 'ko' ? `${where}: 남은 inode ${p.free ?? 0}개` : `${where} has ${p.free ?? 0} free inodes`;
  return lang === 'ko' ? `${where}: 여유 공간 ${kbText(p.free ?? 0)}` : `${where} has ${kbText(p.free ?? 0)} free`;
}

export function diskProblemsText(problems: DiskProblem[], lang: Lang): string {
  return problems.map((p) => diskText(p, lang)).join(lang === 'ko' ? ', ' : '; ');
}

/** The findings of the instance's health, for what the verdict does not already say. */
export function healthFindings(e: Evidence, code: VerdictCode, lang: Lang): Finding[] {
  const out: Finding[] = [];
  const c = e.cloud;
  if (!c) return out;
  const signals = cloudOverloadSignals(c);
  if (signals.length && code !== 'INSTANCE_OVERLOADED') out.push({ code: 'INSTANCE_OVERLOADED', message: msg(lang, 'finding.INSTANCE_OVERLOADED', { signals: signalsText(signals, lang) }) });
  // Beside a DISK_FULL verdict, only what the verdict does not already name (a full /var, /tmp).
  const { all, login } = cloudDiskProblems(c);
  const named = new Set(login.map((p) => `${p.mount}|${p.kind}`));
  const disk = code === 'DISK_FULL' ? all.filter((p) => !named.has(`${p.mount}|${p.kind}`)) : all;
  if (disk.length) out.push({ code: 'DISK_FULL', message: msg(lang, 'finding.DISK_FULL', { problems: diskProblemsText(disk, lang) }) });
  const up = c.guest?.agentOnline ? c.guest.health?.uptimeSec : undefined;
  if (up !== undefined && up < HEALTH_THRESHOLDS.recentBootSec) out.push({ code: 'RECENT_REBOOT', message: msg(lang, 'finding.RECENT_REBOOT', { seconds: Math.round(up) }) });
  // No host-side numbers while the login stalls: unknown, said as such (never "healthy").
  const m = c.monitor;
  if (m && loginStalled(e) && !m.metrics.some((x) => x.points > 0 && (x.metric === 'BaseCpuUsage' || x.metric === 'CpuUsage'))) {
    const minutes = Math.round((Date.parse(m.endTime) - Date.parse(m.startTime)) / 60000) || 15;
    out.push({ code: 'MONITOR_NO_DATA', message: msg(lang, 'finding.MONITOR_NO_DATA', { namespace: m.namespace, minutes }) });
  }
  return out;
}

/** What the server did to the login, as "the server …" ends (loginStalled's cases). */
function symptomText(e: Evidence, lang: Lang): string {
  const b = e.banner;
  const ko = lang === 'ko';
  const failed = e.ssh?.login.outcome === 'ok' ? sessionFailure(e.ssh.readiness) : undefined;
  if (failed) {
    return ko ? `키는 받아들이지만 세션에서 명령을 실행하지 못했습니다(종료 코드 ${failed.code}: "${failed.line}")`
      : `accepted the key, but its session ran no command (exit status ${failed.code}: "${failed.line}")`;
  }
  if (b?.outcome === 'other') return ko ? '"Exceeded MaxStartups"로 거절했습니다' : 'refused it with "Exceeded MaxStartups"';
  if (b?.outcome === 'closed' || b?.outcome === 'error') return ko ? '식별 문자열을 보내기 전에 연결을 끊었습니다' : 'closed the connection before identifying itself';
  if (b?.outcome === 'timeout') return ko ? '제한 시간 안에 SSH 식별 문자열을 보내지 않았습니다' : 'sent no SSH identification within the timeout';
  if (e.ssh?.handshake === 'closed') return ko ? '키 교환 중에 연결을 끊었습니다' : 'closed the connection during the key exchange';
  if (e.ssh?.handshake === 'timeout') return ko ? '키 교환 중에 멈췄습니다' : 'stalled during the key exchange';
  return ko ? '인증 중에 멈췄습니다' : 'stalled during authentication';
}

/** The placeholders of INSTANCE_OVERLOADED and of DISK_FULL seen by the guest check. */
export function healthArgs(code: VerdictCode, e: Evidence, lang: Lang): TemplateArgs {
  const c = e.cloud;
  const signals = cloudOverloadSignals(c);
  const h = c?.guest?.agentOnline ? c.guest.health : undefined;
  const top = topProcess(h, signals);
  const disk = cloudDiskProblems(c).login;
  // DISK_FULL from the guest check (the login failed), not from the post-login readiness checks.
  const sessionFailed = e.ssh?.login.outcome === 'ok' && !!sessionFailure(e.ssh.readiness);
  const guestDisk = code === 'DISK_FULL' && disk.length > 0 && (e.ssh?.login.outcome !== 'ok' || sessionFailed);
  const fullPath = disk.find((p) => p.kind !== 'readonly')?.path;
  return {
    loginSymptom: symptomText(e, lang),
    overloadSignals: signalsText(signals, lang),
    topProcess: top ? `${top.command} (PID ${top.pid}, ${fmt(top.cpuPct)}% CPU, ${fmt(top.memPct)}% MEM)` : '',
    topPid: top?.pid ?? '',
    cpuSignal: signals.some((s) => s.kind === 'psi-cpu' || s.kind === 'load' || s.kind === 'base-cpu') ? 'yes' : '',
    memorySignal: signals.some((s) => s.kind === 'oom' || s.kind === 'memory' || s.kind === 'psi-memory') ? 'yes' : '',
    stealSignal: signals.some((s) => s.kind === 'steal') ? 'yes' : '',
    bandwidthSignal: signals.some((s) => s.kind === 'bandwidth') ? 'yes' : '',
    bandwidthCap: c?.instance?.bandwidthOutMbps ?? '',
    bandwidthPeak: bandwidthOut(c?.monitor)?.max ?? '',
    guestDiskFull: guestDisk ? 'yes' : '',
    diskProblems: diskProblemsText(disk, lang),
    fullPath: guestDisk && fullPath ? fullPath : '',
    rootReadOnly: guestDisk && disk.some((p) => p.kind === 'readonly') ? 'yes' : '',
    inodesFull: guestDisk && disk.some((p) => p.kind === 'inodes') ? 'yes' : '',
    sessionFailed: guestDisk && sessionFailed ? 'yes' : '',
  };
}

const unknownText: Text = { en: 'unknown', ko: '알 수 없음' };

/** The report's checks for the guest's health and the monitoring: what was read, with every
 *  value that could not be read said to be unknown. */
export function healthChecks(c: CloudEvidence, lang: Lang): Check[] {
  const out: Check[] = [];
  const ko = lang === 'ko';
  const unknown = unknownText[lang];
  const h = c.guest?.agentOnline ? c.guest.health : undefined;
  const signals = cloudOverloadSignals(c);
  if (h) {
    const disk = cloudDiskProblems(c).all;
    const parts = [
      `${ko ? '부하' : 'load'} ${h.load ? `${h.load.one}/${h.load.five}/${h.load.fifteen}` : unknown}${h.cpus ? ` (${h.cpus} CPU)` : ''}`,
      `PSI cpu ${h.psi?.cpu?.some ? `${h.psi.cpu.some.avg10}%` : unknown}`,
      `steal ${h.stealPct !== undefined ? `${h.stealPct}%` : unknown}`,
      `${ko ? '사용 가능 메모리' : 'memory available'} ${h.memory ? `${Math.round(h.memory.availableKb / 1024)}/${Math.round(h.memory.totalKb / 1024)} MB` : unknown}`,
      `OOM ${h.oomKills ? String(h.oomKills.length) : unknown}`,
      `${ko ? '가동 시간' : 'uptime'} ${h.uptimeSec !== undefined ? `${Math.round(h.uptimeSec)} s` : unknown}`,
      ...(h.disks ?? []).filter((d, i, a) => a.findIndex((x) => x.mount === d.mount) === i)
        .map((d) => `${d.mount} ${ko ? '여유' : 'free'} ${kbText(d.availableKb)}${d.inodes ? `, ${d.inodes.free} inodes` : ''}${d.readOnly ? ' (ro)' : ''}`),
    ];
    const top = h.top?.byCpu[0];
    if (top) parts.push(`${ko ? 'CPU 최다 사용' : 'top CPU'} ${top.command} (PID ${top.pid}, ${top.cpuPct}%)`);
    const guestSignals = signals.filter((s) => s.source === 'guest');
    const status = disk.length || guestSignals.some((s) => s.strength === 'strong') ? 'fail' : guestSignals.length ? 'warn' : 'pass';
    out.push({ id: 'cloud.health', status, durationMs: 0, summary: parts.join(', '), evidence: { ...h, signals: guestSignals, diskProblems: disk } });
  }
  const m = c.monitor;
  if (m) {
    const cap = c.instance?.bandwidthOutMbps;
    const parts = m.metrics.map((x) => `${x.metric} ${x.points ? `${ko ? '최대' : 'max'} ${fmt(x.max ?? 0)}${x.unit === 'count' ? '' : ` ${x.unit}`}` : `${unknown} (${ko ? '데이터 없음' : 'no data'})`}`);
    if (cap) parts.push(`${ko ? '대역폭 한도' : 'bandwidth cap'} ${cap} Mbps`);
    const mSignals = signals.filter((s) => s.source === 'monitor');
    const status = mSignals.length ? 'fail' : m.metrics.every((x) => x.points === 0) ? 'skip' : 'pass';
    out.push({ id: 'cloud.monitor', status, durationMs: 0, summary: `${m.namespace}: ${parts.join(', ')}`, evidence: { ...m, signals: mSignals, ...(cap ? { bandwidthOutMbps: cap } : {}) } });
  }
  return out;
}
