/**
 * INSTANCE_OVERLOADED and the guest's DISK_FULL: each signal with the symptom it explains, and
 * each signal alone where it must not decide (no slow banner, or one weak signal).
 */
import { strict as assert } from 'assert';
import { classifyCode, findings } from '../../../src/core/classify';
import { buildVerdict } from '../../../src/core/verdict';
import { HEALTH_THRESHOLDS, overloadSignals, signalsExplain } from '../../../src/core/health';
import type { CloudEvidence, GuestHealth, MonitorEvidence, VerdictCode } from '../../../src/core/model';
import type { ClassifyInput } from '../../../src/core/classify';
import { banner, cloud, healthy, loggedInWithReadiness, ssh } from './evidence';
import { evaluateReadiness } from '../../../src/core/readiness';

const calm: GuestHealth = {
  load: { one: 0.2, five: 0.3, fifteen: 0.3 }, cpus: 2,
  psi: { cpu: { some: { avg10: 1, avg60: 1, avg300: 1 } }, memory: { full: { avg10: 0, avg60: 0, avg300: 0 } } },
  stealPct: 0, uptimeSec: 86400,
  memory: { totalKb: 2_000_000, availableKb: 1_200_000, swapTotalKb: 0, swapFreeKb: 0 },
  oomKills: [],
  disks: [
    { path: '/', mount: '/', filesystem: '/dev/vda1', sizeKb: 41152812, usedKb: 3032928, availableKb: 36006500, inodes: { total: 2621440, free: 2504347 } },
    { path: '/home', mount: '/', filesystem: '/dev/vda1', sizeKb: 41152812, usedKb: 3032928, availableKb: 36006500, inodes: { total: 2621440, free: 2504347 } },
    { path: '/tmp', mount: '/', filesystem: '/dev/vda1', sizeKb: 41152812, usedKb: 3032928, availableKb: 36006500, inodes: { total: 2621440, free: 2504347 } },
  ],
  top: { byCpu: [{ pid: 4242, cpuPct: 180, memPct: 3, rssKb: 60000, command: 'miner' }], byMemory: [{ pid: 77, cpuPct: 1, memPct: 60, rssKb: 1200000, command: 'java' }] },
};
const withHealth = (h: Partial<GuestHealth>): CloudEvidence => cloud({ guest: { agentOnline: true, serviceActive: true, listeningPorts: [22], health: { ...calm, ...h } } });
const monitor = (metrics: MonitorEvidence['metrics']): MonitorEvidence => ({ namespace: 'QCE/CVM', startTime: '2026-01-01T00:00:00+00:00', endTime: '2026-01-01T00:15:00+00:00', periodSec: 60, metrics });
const withMonitor = (metrics: MonitorEvidence['metrics'], cap?: number): CloudEvidence => cloud({ monitor: monitor(metrics) }, cap ? { bandwidthOutMbps: cap } : {});

const silent = (c: CloudEvidence): ClassifyInput => healthy({ banner: banner('timeout'), ssh: undefined, cloud: c });
const closed = (c: CloudEvidence): ClassifyInput => healthy({ banner: banner('closed'), ssh: undefined, cloud: c });
const fine = (c: CloudEvidence): ClassifyInput => healthy({ cloud: c });
const fullHome = calm.disks!.map((d) => (d.path === '/home' ? { ...d, mount: '/home', filesystem: 'tmpfs', sizeKb: 256, usedKb: 256, availableKb: 0 } : d));
const recentOom = { uptimeSec: 5000, oomKills: [{ pid: 991, process: 'java', atSec: 4900, line: '[4900.0] Out of memory: Killed process 991 (java)' }] };

const TABLE: Array<[string, ClassifyInput, VerdictCode]> = [
  ['no banner, PSI cpu at 97%', silent(withHealth({ psi: { cpu: { some: { avg10: 97, avg60: 90, avg300: 60 } } } })), 'INSTANCE_OVERLOADED'],
  ['no banner, steal 45%', silent(withHealth({ stealPct: 45 })), 'INSTANCE_OVERLOADED'],
  ['connection closed, a recent OOM kill', closed(withHealth(recentOom)), 'INSTANCE_OVERLOADED'],
  ['no banner, host CPU 99% (Cloud Monitor)', silent(withMonitor([{ metric: 'BaseCpuUsage', points: 15, max: 99, last: 98, recentMax: 99, unit: '%' }])), 'INSTANCE_OVERLOADED'],
  ['no banner, host CPU peaked at 99% ten minutes ago, 20% now', silent(withMonitor([{ metric: 'BaseCpuUsage', points: 15, max: 99, last: 20, recentMax: 20, unit: '%' }])), 'BANNER_TIMEOUT'],
  ['no banner, bandwidth at the cap (Cloud Monitor)', silent(withMonitor([{ metric: 'WanOuttraffic', points: 15, max: 4.98, last: 4.9, recentMax: 4.98, unit: 'Mbps' }], 5)), 'INSTANCE_OVERLOADED'],
  ['auth stalls, load 6/CPU and little memory (two weak signals)', healthy({ ssh: ssh({ stall: 'auth', login: { outcome: 'timeout', tried: ['publickey'] } }), cloud: withHealth({ load: { one: 12, five: 8, fifteen: 4 }, memory: { totalKb: 2_000_000, availableKb: 40_000, swapTotalKb: 0, swapFreeKb: 0 } }) }), 'INSTANCE_OVERLOADED'],
  ['"Exceeded MaxStartups" on a CPU-starved instance', healthy({ banner: banner('other', 'Exceeded MaxStartups'), ssh: undefined, cloud: withHealth({ psi: { cpu: { some: { avg10: 80, avg60: 70, avg300: 40 } } } }) }), 'INSTANCE_OVERLOADED'],
  // One weak signal never decides.
  ['no banner, only a load of 3/CPU', silent(withHealth({ load: { one: 6, five: 2, fifteen: 1 } })), 'BANNER_TIMEOUT'],
  ['no banner, only little memory', silent(withHealth({ memory: { totalKb: 2_000_000, availableKb: 40_000, swapTotalKb: 0, swapFreeKb: 0 } })), 'BANNER_TIMEOUT'],
  ['no banner, calm guest', silent(withHealth({})), 'BANNER_TIMEOUT'],
  ['no banner, an old OOM kill (an hour ago)', silent(withHealth({ uptimeSec: 9000, oomKills: [{ pid: 1, process: 'x', atSec: 5000, line: '' }] })), 'BANNER_TIMEOUT'],
  ['no banner, bandwidth at half the cap', silent(withMonitor([{ metric: 'WanOuttraffic', points: 15, max: 2.5, recentMax: 2.5, unit: 'Mbps' }], 5)), 'BANNER_TIMEOUT'],
  ['no banner, bandwidth known but no cap known', silent(withMonitor([{ metric: 'WanOuttraffic', points: 15, max: 5, recentMax: 5, unit: 'Mbps' }])), 'BANNER_TIMEOUT'],
  ['no banner, monitoring without points (agent metric)', silent(withMonitor([{ metric: 'BaseCpuUsage', points: 0, unit: '%' }])), 'BANNER_TIMEOUT'],
  ['no banner, an offline agent\'s stale health is not read', silent(cloud({ guest: { agentOnline: false, health: { ...calm, stealPct: 90 } } })), 'BANNER_TIMEOUT'],
  // Strong signals without a slow login are findings, not the verdict.
  ['a good login under PSI 97%', fine(withHealth({ psi: { cpu: { some: { avg10: 97, avg60: 90, avg300: 60 } } } })), 'OK'],
  // A full root or home explains a failed login; /tmp alone does not.
  ['connection closed, /home full', closed(withHealth({ disks: fullHome })), 'DISK_FULL'],
  ['no banner, root out of inodes', silent(withHealth({ disks: calm.disks!.map((d) => ({ ...d, inodes: { total: 2621440, free: 3 } })) })), 'DISK_FULL'],
  ['no banner, root read-only', silent(withHealth({ disks: calm.disks!.map((d) => ({ ...d, readOnly: true })) })), 'DISK_FULL'],
  ['no banner, only /tmp (its own tmpfs) full', silent(withHealth({ disks: [...calm.disks!.filter((d) => d.path !== '/tmp'), { path: '/tmp', mount: '/tmp', filesystem: 'tmpfs', sizeKb: 1024, usedKb: 1024, availableKb: 0 }] })), 'BANNER_TIMEOUT'],
  ['a good login with /home full', fine(withHealth({ disks: fullHome })), 'OK'],
  ['full home and overload: the disk first', closed(withHealth({ disks: fullHome, stealPct: 60 })), 'DISK_FULL'],
  // The port itself fails: health does not explain a filtered port.
  ['port filtered with an overloaded guest', healthy({ tcp: { outcome: 'timeout', address: '203.0.113.10', port: 22, deadlineMs: 2000, durationMs: 2000 }, banner: undefined, ssh: undefined, cloud: withHealth({ stealPct: 80 }) }), 'PORT_FILTERED'],
];

describe('instance health classification (unit)', () => {
  for (const [name, e, want] of TABLE) it(`${name} → ${want}`, () => assert.equal(classifyCode(e), want));

  it('signals and their thresholds: one strong, or two weak', () => {
    const T = HEALTH_THRESHOLDS;
    assert.equal(signalsExplain(overloadSignals({ ...calm, load: { one: T.loadPerCpu * 2, five: 1, fifteen: 1 } }, undefined, undefined)), false);
    assert.equal(signalsExplain(overloadSignals({ ...calm, stealPct: T.stealPct }, undefined, undefined)), true);
    assert.equal(overloadSignals({ ...calm, stealPct: T.stealPct - 0.1 }, undefined, undefined).length, 0);
    assert.deepEqual(overloadSignals(calm, undefined, undefined), []);
  });

  it('findings name what the verdict does not: overload beside an OK, a full /tmp, a recent boot, no monitoring data', () => {
    const e = fine(withHealth({ psi: { cpu: { some: { avg10: 97, avg60: 90, avg300: 60 } } }, uptimeSec: 42 }));
    const f = findings(e, classifyCode(e), 'en');
    assert.match(f.find((x) => x.code === 'INSTANCE_OVERLOADED')!.message, /waited for a CPU 97% of the last 10 s/);
    assert.match(f.find((x) => x.code === 'RECENT_REBOOT')!.message, /42 s ago/);
    const t = silent(withHealth({ disks: [...calm.disks!.filter((d) => d.path !== '/tmp'), { path: '/tmp', mount: '/tmp', filesystem: 'tmpfs', sizeKb: 1024, usedKb: 1024, availableKb: 0 }] }));
    assert.match(findings(t, classifyCode(t), 'ko').find((x) => x.code === 'DISK_FULL')!.message, /\/tmp: 여유 공간 0 KB/);
    const m = silent(withMonitor([{ metric: 'BaseCpuUsage', points: 0, unit: '%' }]));
    assert.match(findings(m, classifyCode(m), 'en').find((x) => x.code === 'MONITOR_NO_DATA')!.message, /no CPU data .* 15 minutes: its load is unknown/);
    // Beside a DISK_FULL verdict the finding names only what the verdict does not (a full /tmp).
    const both = closed(withHealth({ disks: [...fullHome.filter((d) => d.path !== '/tmp'), { path: '/tmp', mount: '/tmp', filesystem: 'tmpfs', sizeKb: 1024, usedKb: 1024, availableKb: 0 }] }));
    assert.equal(classifyCode(both), 'DISK_FULL');
    assert.deepEqual(findings(both, 'DISK_FULL', 'en').filter((x) => x.code === 'DISK_FULL').map((x) => x.message), ['A filesystem of the instance is full or read-only: /tmp has 0 KB free.']);
    // The verdict's own code is not repeated as a finding.
    const v = silent(withHealth({ stealPct: 50 }));
    assert.equal(findings(v, classifyCode(v), 'en').some((x) => x.code === 'INSTANCE_OVERLOADED'), false);
  });

  it('INSTANCE_OVERLOADED names the signals and the process, with commands for it', () => {
    const e = silent(withHealth({ psi: { cpu: { some: { avg10: 97, avg60: 90, avg300: 60 } } } }));
    const v = buildVerdict('INSTANCE_OVERLOADED', e, 'en');
    assert.match(v.summary, /sent no SSH identification within the timeout, and the instance is overloaded: tasks waited for a CPU 97%/);
    const text = v.remediation.map((s) => `${s.text} ${s.command ?? ''}`).join('\n');
    assert.match(text, /miner \(PID 4242, 180% CPU, 3% MEM\)/);
    assert.match(text, /ps -o pid,user,etime,pcpu,pmem,args -p 4242; systemctl status 4242 --no-pager/);
    assert.doesNotMatch(text, /OOM killer ended/);
    const ko = buildVerdict('INSTANCE_OVERLOADED', e, 'ko');
    assert.match(ko.title, /인스턴스가 너무 바빠서/);
    const mem = buildVerdict('INSTANCE_OVERLOADED', closed(withHealth(recentOom)), 'en');
    assert.match(mem.remediation.map((s) => s.command ?? '').join('\n'), /dmesg \| grep -E "Out of memory\|oom-kill\|Killed process"/);
    const bw = buildVerdict('INSTANCE_OVERLOADED', silent(withMonitor([{ metric: 'WanOuttraffic', points: 15, max: 4.98, recentMax: 4.98, unit: 'Mbps' }], 5)), 'en');
    assert.match(bw.summary, /outbound traffic reached 4\.98 Mbps of the 5 Mbps cap/);
    assert.match(bw.remediation.map((s) => s.text).join('\n'), /at its cap of 5 Mbps \(peak 4\.98 Mbps\)/);
  });

  it('the key accepted but the session runs nothing (PAM on a full /home, as the lab shows): DISK_FULL with the guest\'s view, a readiness warning without', () => {
    // OpenSSH 9.2's answer to every command after pam_mkhomedir failed (test/lab/instanceHealth.test.ts).
    const pam = loggedInWithReadiness({ system: { code: 254, stdout: "Creating directory '/home/dev'.\nUnable to create and initialize directory '/home/dev'.\n", stderr: '', durationMs: 3 } });
    const withGuest = healthy({ ssh: pam, cloud: withHealth({ disks: fullHome }) });
    assert.equal(classifyCode(withGuest), 'DISK_FULL');
    assert.match(buildVerdict('DISK_FULL', withGuest, 'en').summary, /accepted the key, but its session ran no command \(exit status 254: "Creating directory '\/home\/dev'\."\)/);
    assert.ok(buildVerdict('DISK_FULL', withGuest, 'en').remediation.some((s) => /PAM's session stack failed/.test(s.text)));
    const alone = healthy({ ssh: pam });
    assert.equal(classifyCode(alone), 'OK');
    assert.deepEqual(evaluateReadiness(pam.readiness!).map((i) => [i.id, i.status, i.key]), [['session', 'warn', 'failed']]);
    // A shell that answers but is not Linux stays "not Linux".
    assert.equal(evaluateReadiness(loggedInWithReadiness({ system: { code: 0, stdout: 'hello\n', stderr: '', durationMs: 1 } }).readiness!)[0].key, 'notLinux');
  });

  it('DISK_FULL from the guest check says the login fails and names the path; the readiness DISK_FULL keeps its text', () => {
    const v = buildVerdict('DISK_FULL', closed(withHealth({ disks: fullHome })), 'en');
    assert.equal(v.title, 'The instance\'s disk is full');
    assert.match(v.summary, /closed the connection before identifying itself\), and the in-guest check shows why: \/home has 0 KB free/);
    const cmds = v.remediation.map((s) => s.command ?? '').join('\n');
    assert.match(cmds, /sudo du -xh --max-depth=1 \/home 2>\/dev\/null \| sort -h \| tail -n 15/);
    assert.match(cmds, /journalctl --vacuum-size=200M/);
    assert.doesNotMatch(cmds, /\.vscode-server/);
    const ko = buildVerdict('DISK_FULL', closed(withHealth({ disks: fullHome })), 'ko');
    assert.match(ko.summary, /\/home: 여유 공간 0 KB/);
  });
});
