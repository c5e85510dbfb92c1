/**
 * (unit) The VS Code readiness parsers and items over real outputs of the images Tencent
 * Cloud users run: CentOS 7, Ubuntu 18.04/20.04/24.04, Debian 10–12, Alpine (musl) and
 * TencentOS Server 2.4/3.1, as the fixed commands of probes/readiness.ts print them.
 */
import * as assert from 'assert/strict';
import { classifyCode, findings } from '../../../src/core/classify';
import type { ReadinessEvidence, ReadinessOutput } from '../../../src/core/model';
import {
  evaluateReadiness, parseDf, parseDisk, parseDownload, parseLibc, parseLibstdcxx, parseMounts, parseSystem, parseTools, readinessVerdict,
  validDownloadUrl, versionAtLeast, versionParts,
} from '../../../src/core/readiness';
import { readinessChecks } from '../../../src/core/readinessChecks';
import { buildVerdict } from '../../../src/core/verdict';
import { healthy, ssh } from './evidence';

/** What `grep -ao 'GLIBCXX_…' libstdc++.so.6 | sort -u` prints for a library up to 3.4.n. */
function glibcxx(path: string, n: number): string {
  const v = ['GLIBCXX_3.4', ...Array.from({ length: n }, (_, i) => `GLIBCXX_3.4.${i + 1}`)];
  return `path ${path}\n${v.sort().join('\n')}\n`;
}

interface Distro {
  name: string;
  uname: string;
  libc: string;
  libstdcxx: string;
  want: { glibc: string; kernel: string; libstdcxx: string; platform: string };
}

const D: Distro[] = [
  {
    name: 'CentOS 7.9', uname: 'Linux\n3.10.0-1160.119.1.el7.x86_64\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (GNU libc) 2.17\nCopyright (C) 2012 Free Software Foundation, Inc.\nglibc 2.17\n',
    libstdcxx: glibcxx('/lib64/libstdc++.so.6', 19),
    want: { platform: 'pass', glibc: 'fail', kernel: 'fail', libstdcxx: 'fail' },
  },
  {
    name: 'Ubuntu 18.04', uname: 'Linux\n4.15.0-213-generic\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (Ubuntu GLIBC 2.27-3ubuntu1.6) 2.27\nCopyright (C) 2018 Free Software Foundation, Inc.\nglibc 2.27\n',
    libstdcxx: glibcxx('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', 25),
    want: { platform: 'pass', glibc: 'fail', kernel: 'fail', libstdcxx: 'pass' },
  },
  {
    name: 'Ubuntu 20.04', uname: 'Linux\n5.4.0-182-generic\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (Ubuntu GLIBC 2.31-0ubuntu9.16) 2.31\nCopyright (C) 2020 Free Software Foundation, Inc.\nglibc 2.31\n',
    libstdcxx: glibcxx('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', 28),
    want: { platform: 'pass', glibc: 'pass', kernel: 'pass', libstdcxx: 'pass' },
  },
  {
    name: 'Ubuntu 24.04 (arm64)', uname: 'Linux\n6.8.0-45-generic\naarch64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (Ubuntu GLIBC 2.39-0ubuntu8.3) 2.39\nCopyright (C) 2024 Free Software Foundation, Inc.\nglibc 2.39\n',
    libstdcxx: glibcxx('/usr/lib/aarch64-linux-gnu/libstdc++.so.6', 33),
    want: { platform: 'pass', glibc: 'pass', kernel: 'pass', libstdcxx: 'pass' },
  },
  {
    name: 'Debian 10', uname: 'Linux\n4.19.0-27-amd64\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (Debian GLIBC 2.28-10+deb10u3) 2.28\nCopyright (C) 2018 Free Software Foundation, Inc.\nglibc 2.28\n',
    libstdcxx: glibcxx('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', 25),
    want: { platform: 'pass', glibc: 'pass', kernel: 'pass', libstdcxx: 'pass' },
  },
  {
    name: 'Debian 11', uname: 'Linux\n5.10.0-32-amd64\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (Debian GLIBC 2.31-13+deb11u11) 2.31\nCopyright (C) 2020 Free Software Foundation, Inc.\nglibc 2.31\n',
    libstdcxx: glibcxx('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', 28),
    want: { platform: 'pass', glibc: 'pass', kernel: 'pass', libstdcxx: 'pass' },
  },
  {
    // This machine's own output (probes/readiness.ts commands run by /bin/sh).
    name: 'Debian 12', uname: 'Linux\n6.1.0-26-amd64\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (Debian GLIBC 2.36-9+deb12u14) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.\nglibc 2.36\n',
    libstdcxx: glibcxx('/lib/x86_64-linux-gnu/libstdc++.so.6', 30),
    want: { platform: 'pass', glibc: 'pass', kernel: 'pass', libstdcxx: 'pass' },
  },
  {
    // musl's ldd prints its banner on stderr (2>&1) and exits 1; getconf has no GNU_LIBC_VERSION.
    name: 'Alpine 3.20', uname: 'Linux\n6.6.31-0-virt\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'musl libc (x86_64)\nVersion 1.2.5\n/lib/ld-musl-x86_64.so.1\n',
    libstdcxx: 'none\n',
    want: { platform: 'fail', glibc: 'skip', kernel: 'pass', libstdcxx: 'skip' },
  },
  {
    name: 'TencentOS Server 2.4', uname: 'Linux\n4.14.105-19-0024\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (GNU libc) 2.17\nCopyright (C) 2012 Free Software Foundation, Inc.\nglibc 2.17\n',
    libstdcxx: glibcxx('/lib64/libstdc++.so.6', 19),
    want: { platform: 'pass', glibc: 'fail', kernel: 'fail', libstdcxx: 'fail' },
  },
  {
    name: 'TencentOS Server 3.1', uname: 'Linux\n5.4.119-19-0009.3\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n',
    libc: 'ldd (GNU libc) 2.28\nCopyright (C) 2018 Free Software Foundation, Inc.\nglibc 2.28\n',
    libstdcxx: glibcxx('/lib64/libstdc++.so.6', 25),
    want: { platform: 'pass', glibc: 'pass', kernel: 'pass', libstdcxx: 'pass' },
  },
];

const okOut = (stdout: string): ReadinessOutput => ({ code: 0, stdout, stderr: '', durationMs: 5 });
const DISK_OK = 'HOME=/home/ubuntu\nFilesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/vda1         51473868 8012340  41248236      17% /\n/dev/vda1         51473868 8012340  41248236      17% /\n---\nFilesystem      Inodes  IUsed   IFree IUse% Mounted on\n/dev/vda1      3276800 182044 3094756    6% /\n/dev/vda1      3276800 182044 3094756    6% /\n---\nhome-writable\ntmp-writable\n';
const MOUNTS = '/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n';

function evidence(d: Distro, over: Partial<ReadinessEvidence['outputs']> = {}, forwarding: ReadinessEvidence['forwarding'] = { outcome: 'open', host: '127.0.0.1', port: 22, durationMs: 2 }): ReadinessEvidence {
  return {
    outputs: {
      system: okOut(d.uname), libc: okOut(d.libc), libstdcxx: okOut(d.libstdcxx), tools: okOut('tar=/usr/bin/tar\ncurl=/usr/bin/curl\nwget=\n'),
      disk: okOut(DISK_OK), mounts: okOut(MOUNTS), download: okOut('curl 200\nexit=0\n'), ...over,
    },
    forwarding, downloadUrl: 'http://10.213.0.1:18080/x', durationMs: 40,
  };
}
const status = (ev: ReadinessEvidence) => Object.fromEntries(evaluateReadiness(ev).map((i) => [i.id, i.status]));

describe('(unit) VS Code readiness', () => {
  it('versions compare numerically part by part', () => {
    assert.deepEqual(versionParts('4.18.0-553.el8_10.x86_64'), [4, 18, 0]);
    assert.ok(versionAtLeast([2, 28], [2, 28]) && versionAtLeast([2, 31], [2, 28]) && !versionAtLeast([2, 17], [2, 28]));
    assert.ok(versionAtLeast([4, 19, 0], [4, 18]) && !versionAtLeast([4, 15, 0], [4, 18]) && !versionAtLeast([3, 10, 0], [4, 18]));
  });

  for (const d of D) {
    it(`${d.name}: platform ${d.want.platform}, glibc ${d.want.glibc}, libstdc++ ${d.want.libstdcxx}, kernel ${d.want.kernel}`, () => {
      const s = status(evidence(d));
      assert.deepEqual({ platform: s.platform, glibc: s.glibc, libstdcxx: s.libstdcxx, kernel: s.kernel }, d.want);
      const blocked = Object.values(d.want).includes('fail');
      assert.equal(readinessVerdict(evidence(d)), blocked ? 'REMOTE_SERVER_UNSUPPORTED' : undefined);
      assert.equal(parseSystem(d.uname).sshdPort, 22);
    });
  }

  it('parses each libc banner to its version, and musl as musl', () => {
    assert.deepEqual(parseLibc('ldd (GNU libc) 2.17\n'), { kind: 'glibc', version: '2.17' });
    assert.deepEqual(parseLibc('ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35\n'), { kind: 'glibc', version: '2.35' });
    assert.deepEqual(parseLibc('musl libc (aarch64)\nVersion 1.2.4\n'), { kind: 'musl', version: '1.2.4' });
    assert.deepEqual(parseLibc('/lib/ld-musl-armhf.so.1\n'), { kind: 'musl' });
    assert.equal(parseLibc('sh: ldd: not found\n'), undefined);
  });

  it('libstdc++: the newest GLIBCXX is found numerically, not by text order', () => {
    const f = parseLibstdcxx(glibcxx('/lib64/libstdc++.so.6', 19))!;
    assert.equal(f.newest, 'GLIBCXX_3.4.19');
    assert.equal(f.has, false);
    assert.equal(parseLibstdcxx(glibcxx('/usr/lib/libstdc++.so.6', 25))!.has, true);
    assert.deepEqual(parseLibstdcxx('none\n'), { versions: [], has: false });
    assert.equal(parseLibstdcxx(''), undefined);
  });

  it('df -P: rows with the mount point, a wrapped device line rejoined (busybox)', () => {
    assert.deepEqual(parseDf('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/mapper/vg0-very--long--name\n  1000 10 990 1% /home\n'),
      [{ filesystem: '/dev/mapper/vg0-very--long--name', blocks: 1000, used: 10, available: 990, mount: '/home' }]);
    const disk = parseDisk(DISK_OK)!;
    assert.equal(disk.home, '/home/ubuntu');
    assert.equal(disk.space.tmp?.available, 41248236);
    assert.equal(disk.inodes.home?.available, 3094756);
  });

  it('a full home, a home without inodes and a read-only home are DISK_FULL; /tmp noexec only warns', () => {
    const d = D[6];
    const full = DISK_OK.replace('/dev/vda1         51473868 8012340  41248236      17% /\n/dev/vda1', 'tmpfs                 1024     1024         0     100% /home/ubuntu\n/dev/vda1');
    const items = evaluateReadiness(evidence(d, { disk: okOut(full) }));
    assert.equal(items.find((i) => i.id === 'disk')!.status, 'fail');
    assert.equal(readinessVerdict(evidence(d, { disk: okOut(full) })), 'DISK_FULL');
    const noInodes = DISK_OK.replace('/dev/vda1      3276800 182044 3094756    6% /\n/dev/vda1', '/dev/vda1      3276800 3276000 800    99% /\n/dev/vda1');
    assert.equal(readinessVerdict(evidence(d, { disk: okOut(noInodes) })), 'DISK_FULL');
    assert.equal(readinessVerdict(evidence(d, { disk: okOut(DISK_OK.replace('home-writable\n', '')) })), 'DISK_FULL');
    const noexec = DISK_OK.replace(/\/dev\/vda1         51473868 8012340  41248236      17% \/\n---/, 'tmpfs 2097152 0 2097152 0% /tmp\n---');
    const mounts = `${MOUNTS}tmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0\n`;
    const s = status(evidence(d, { disk: okOut(noexec), mounts: okOut(mounts) }));
    assert.equal(s.disk, 'warn');
    assert.equal(readinessVerdict(evidence(d, { disk: okOut(noexec), mounts: okOut(mounts) })), undefined);
  });

  it('mount points with octal escapes are decoded', () => {
    assert.deepEqual(parseMounts('/dev/sdb1 /mnt/my\\040disk ext4 rw,noexec 0 0\n')[0], { mount: '/mnt/my disk', type: 'ext4', options: ['rw', 'noexec'] });
  });

  it('tar missing is REMOTE_SERVER_UNSUPPORTED; curl and wget missing is only the finding', () => {
    const d = D[6];
    assert.deepEqual(parseTools('tar=\ncurl=\nwget=/usr/bin/wget\n'), { wget: '/usr/bin/wget' });
    assert.equal(readinessVerdict(evidence(d, { tools: okOut('tar=\ncurl=/usr/bin/curl\nwget=\n') })), 'REMOTE_SERVER_UNSUPPORTED');
    const none = evidence(d, { tools: okOut('tar=/bin/tar\ncurl=\nwget=\n'), download: okOut('none\n') });
    assert.equal(readinessVerdict(none), undefined);
    assert.deepEqual([status(none).fetcher, status(none).download], ['warn', 'skip']);
  });

  it('download: curl status and exit codes, wget exit codes', () => {
    assert.deepEqual(parseDownload('curl 200\nexit=0\n'), { tool: 'curl', status: 200, exit: 0, ok: true });
    assert.deepEqual(parseDownload('curl 000\nexit=28\n'), { tool: 'curl', status: 0, exit: 28, ok: false });
    assert.deepEqual(parseDownload('curl 403\nexit=0\n'), { tool: 'curl', status: 403, exit: 0, ok: false });
    assert.deepEqual(parseDownload('wget\nexit=4\n'), { tool: 'wget', exit: 4, ok: false });
    assert.deepEqual(parseDownload('none\n'), { ok: false });
    assert.equal(parseDownload(''), undefined);
  });

  it('forwarding: only "administratively prohibited" is PORT_FORWARDING_DISABLED; a refused connect means forwarding works', () => {
    const d = D[6];
    const prohibited = evidence(d, { forwardingConfig: okOut('/etc/ssh/sshd_config:88:AllowTcpForwarding no\n') }, { outcome: 'prohibited', host: '127.0.0.1', port: 22, reason: 1, message: '(SSH) Channel open failure: administratively prohibited', durationMs: 1 });
    assert.equal(readinessVerdict(prohibited), 'PORT_FORWARDING_DISABLED');
    assert.match(readinessChecks(prohibited, 'en').find((c) => c.id === 'vscode.forwarding')!.summary, /sshd_config:88:AllowTcpForwarding no/);
    assert.equal(readinessVerdict(evidence(d, {}, { outcome: 'refused', host: '127.0.0.1', port: 22, reason: 2, durationMs: 1 })), undefined);
    assert.equal(status(evidence(d, {}, { outcome: 'timeout', host: '127.0.0.1', port: 22, durationMs: 4000 })).forwarding, 'skip');
  });

  it('timeouts and broken channels leave an item unknown, never failed', () => {
    const d = D[0];
    const ev = evidence(d, { libc: { code: null, stdout: '', stderr: '', timedOut: true, durationMs: 4000 }, libstdcxx: { code: null, stdout: '', stderr: '', error: 'Channel open failure', durationMs: 1 } });
    const s = status(ev);
    assert.equal(s.glibc, 'skip');
    assert.equal(s.libstdcxx, 'skip');
    assert.equal(s.kernel, 'fail'); // 3.10 is still seen
  });

  it('a login shell that is not Linux (Windows OpenSSH) is not judged', () => {
    const ev = evidence(D[6], { system: okOut("'uname' is not recognized as an internal or external command,\r\n") });
    assert.deepEqual(evaluateReadiness(ev).map((i) => [i.id, i.status]), [['session', 'skip']]);
    assert.equal(readinessVerdict(ev), undefined);
  });

  it('the verdict follows the readiness after a successful login, with steps for the case', () => {
    const login = ssh({ login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' } });
    const e = healthy({ ssh: { ...login, readiness: evidence(D[0]) } });
    assert.equal(classifyCode(e), 'REMOTE_SERVER_UNSUPPORTED');
    const v = buildVerdict('REMOTE_SERVER_UNSUPPORTED', e, 'en');
    assert.match(v.summary, /glibc 2\.17/);
    const steps = v.remediation.map((s) => `${s.text} ${s.command ?? ''} ${s.doc ?? ''}`).join('\n');
    assert.match(steps, /code\.visualstudio\.com\/docs\/remote\/linux/);
    assert.match(steps, /VS Code 1\.98/);
    // A sysroot does not replace a kernel: CentOS 7's 3.10 fails too, so that step is not offered…
    assert.doesNotMatch(steps, /VSCODE_SERVER_CUSTOM_GLIBC_LINKER/);
    // …but on CentOS 7 with ELRepo's kernel-lt 5.4 only glibc and libstdc++ are short: it is.
    const elrepo = { ...D[0], uname: D[0].uname.replace('3.10.0-1160.119.1.el7.x86_64', '5.4.278-1.el7.elrepo.x86_64') };
    const eSteps = buildVerdict('REMOTE_SERVER_UNSUPPORTED', healthy({ ssh: { ...login, readiness: evidence(elrepo) } }), 'en').remediation.map((s) => s.command ?? '').join('\n');
    assert.match(eSteps, /VSCODE_SERVER_CUSTOM_GLIBC_LINKER=<sysroot>\/lib\/ld-linux-x86-64\.so\.2/);
    const alpine = buildVerdict('REMOTE_SERVER_UNSUPPORTED', healthy({ ssh: { ...login, readiness: evidence(D[7]) } }), 'en');
    const aSteps = alpine.remediation.map((s) => s.text).join('\n');
    assert.doesNotMatch(aSteps, /1\.98|sysroot/);
    const dl = healthy({ ssh: { ...login, readiness: evidence(D[6], { download: okOut('curl 000\nexit=28\n') }) } });
    assert.equal(classifyCode(dl), 'OK');
    assert.ok(findings(dl, 'OK', 'en').some((f) => f.code === 'REMOTE_DOWNLOAD_BLOCKED'));
    // Without a login, nothing is judged (the section says why).
    const noLogin = healthy({ ssh: { ...ssh(), readiness: evidence(D[0]) } });
    assert.notEqual(classifyCode(noLogin), 'REMOTE_SERVER_UNSUPPORTED');
  });

  it('download URLs: http(s) only, nothing that could leave the single quotes', () => {
    assert.equal(validDownloadUrl('http://10.213.0.1:18080/a?b=c&d=e'), 'http://10.213.0.1:18080/a?b=c&d=e');
    for (const bad of ["http://x/'a", 'file:///etc/passwd', 'http://u:p@x/', 'http://x/a b', 'ftp://x/', '']) assert.equal(validDownloadUrl(bad), undefined, bad);
  });

  it('Korean texts for every item', () => {
    const all = [...D.map((d) => evidence(d)), evidence(D[6], { tools: okOut('tar=\ncurl=\nwget=\n'), download: okOut('none\n') })];
    for (const ev of all) for (const c of readinessChecks(ev, 'ko')) assert.match(c.summary, /[가-힣]|^tar: /, c.summary);
  });
});
