/**
 * The in-guest health sections' parsers, over real outputs captured on this project's machine
 * (Debian 12, kernel with PSI): the whole script's output while the machine was busy (PSI cpu
 * 97%), the same script in a mount namespace with a tiny full tmpfs on /home and a read-only
 * /var, and a real OOM kill (a memory cgroup limited to 20 MB) in the kernel log.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildGuestScript, parseGuestOutput } from '../../../src/cloud/guestScript';
import {
  parseHealthDisk, parseLoadavg, parseMeminfo, parseOomLines, parsePsiLine, parseTop, stealPercent,
} from '../../../src/cloud/guestScriptHealth';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../../../test/unit/cloud/fixtures', name), 'utf8');

describe('guest health sections (unit)', () => {
  it('the script carries the fixed health sections and no variable part but the port', () => {
    const a = buildGuestScript(22);
    const b = buildGuestScript(2222);
    for (const s of ['load', 'memory', 'oom', 'disk', 'mounts', 'top']) assert.match(a, new RegExp(`^sec ${s}$`, 'm'));
    assert.equal(a.replace(/22/g, 'P'), b.replace(/2222/g, 'P').replace(/22/g, 'P'));
    assert.match(a, /df -P "\$p"/);
    assert.match(a, /tail -n 20 \| cut -c 1-400/);
  });

  it('a busy machine: load, CPU count, PSI, steal, uptime, memory, the OOM kill and the top processes', () => {
    const g = parseGuestOutput(fixture('guest-health-busy.txt'), 22);
    const h = g.health!;
    assert.deepEqual(h.load, { one: 11.68, five: 6.93, fifteen: 3.69 });
    assert.equal(h.cpus, 2);
    assert.deepEqual(h.psi?.cpu?.some, { avg10: 97.46, avg60: 94.59, avg300: 60.22 });
    assert.deepEqual(h.psi?.memory?.full, { avg10: 0, avg60: 0, avg300: 0 });
    assert.equal(h.psi?.io?.some?.avg60, 0.24);
    // stat1 → stat2: 171+27+1 ticks of which 0 steal.
    assert.equal(h.stealPct, 0);
    assert.equal(h.uptimeSec, 20453.76);
    assert.deepEqual(h.memory, { totalKb: 24683652, availableKb: 22260940, swapTotalKb: 0, swapFreeKb: 0 });
    assert.equal(h.oomKills?.length, 1);
    assert.deepEqual({ ...h.oomKills![0], line: undefined }, { pid: 2343, process: 'python3', atSec: 20019.28648, cgroup: true, line: undefined });
    assert.equal(h.top?.byCpu[0].command, 'chromium');
    assert.equal(h.top?.byCpu[0].pid, 15565);
    assert.equal(h.top?.byCpu.length, 5);
    assert.equal(h.top?.byMemory[0].rssKb, 570452);
    assert.equal(h.disks?.length, 4);
    assert.deepEqual(h.disks?.[0], { path: '/', mount: '/', filesystem: '/dev/vda', sizeKb: 264212084, usedKb: 28835380, availableKb: 77555532, inodes: { total: 16777216, free: 16162307 } });
  });

  it('a full tmpfs on /home and a read-only /var (real df -P / df -Pi / /proc/mounts)', () => {
    const h = parseGuestOutput(fixture('guest-health-fullhome.txt'), 22).health!;
    const home = h.disks!.find((d) => d.path === '/home')!;
    assert.deepEqual(home, { path: '/home', mount: '/home', filesystem: 'cvmd-home', sizeKb: 256, usedKb: 256, availableKb: 0, inodes: { total: 64, free: 62 } });
    assert.equal(h.disks!.find((d) => d.path === '/var')!.readOnly, true);
    assert.equal(h.disks!.find((d) => d.path === '/')!.readOnly, undefined);
  });

  it('df rows per argument; a missing path or an unreadable df is left out, not guessed', () => {
    const rows = parseHealthDisk(['path /', '/dev/vda1  41152812 3032928 36006500 8% /', 'inodes /', '/dev/vda1 2621440 117093 2504347 5% /', 'path /home', 'inodes /home', 'path /tmp', 'tmpfs 1024 1024 0 100% /tmp', 'inodes /tmp', 'tmpfs 0 0 0 - /tmp']);
    assert.deepEqual(rows.map((r) => r.path), ['/', '/tmp']);
    // tmpfs/btrfs without an inode table report 0 inodes: unknown, not full.
    assert.equal(rows[1].inodes, undefined);
  });

  it('/proc/loadavg, PSI lines and /proc/stat steal (real lines)', () => {
    assert.deepEqual(parseLoadavg('0.02 0.93 1.42 1/89 1547'), { one: 0.02, five: 0.93, fifteen: 1.42 });
    assert.equal(parseLoadavg('garbage'), undefined);
    assert.deepEqual(parsePsiLine('some avg10=63.95 avg60=16.14 avg300=12.09 total=9284055828'), { kind: 'some', avg10: 63.95, avg60: 16.14, avg300: 12.09 });
    assert.equal(parsePsiLine('full avg10=0.00 avg60=0.00 avg300=0.00 total=0')?.kind, 'full');
    assert.equal(stealPercent('cpu  2061261 11576 410800 1460772 5038 0 4520 10151 0 0', 'cpu  2061361 11576 410850 1460772 5038 0 4520 10201 0 0'), 25);
    assert.equal(stealPercent('cpu  1 1 1 1 1 0 0 0 0 0', 'cpu  1 1 1 1 1 0 0 0 0 0'), undefined); // no time passed
    assert.equal(stealPercent('intr 1 2', 'cpu 1 2'), undefined);
  });

  it('/proc/meminfo: MemAvailable, else MemFree on a kernel before 3.14', () => {
    const real = ['MemTotal:       24683652 kB', 'MemFree:        23592576 kB', 'MemAvailable:   24207712 kB', 'SwapTotal:             0 kB', 'SwapFree:              0 kB'];
    assert.deepEqual(parseMeminfo(real), { totalKb: 24683652, availableKb: 24207712, swapTotalKb: 0, swapFreeKb: 0 });
    assert.equal(parseMeminfo(real.filter((l) => !l.startsWith('MemAvailable')))?.availableKb, 23592576);
    assert.equal(parseMeminfo([]), undefined);
  });

  it('OOM lines: dmesg (real) and journalctl -k -o short-monotonic (from the kernel\'s format string)', () => {
    const dmesg = fixture('guest-health-busy.txt').split('\n').filter((l) => /oom|Killed process/.test(l));
    assert.equal(parseOomLines(dmesg).length, 1);
    // mm/oom_kill.c: "%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, …" with
    // "Out of memory" for a system-wide kill; journalctl's short-monotonic prefix.
    const journal = ['[ 8123.456789] web-1 kernel: Out of memory: Killed process 991 (java) total-vm:4194304kB, anon-rss:1843200kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:4000kB oom_score_adj:0'];
    assert.deepEqual({ ...parseOomLines(journal)[0], line: '' }, { pid: 991, process: 'java', atSec: 8123.456789, line: '' });
    assert.deepEqual(parseOomLines(['[  1.0] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0']), []);
  });

  it('no kernel log to read: the OOM kills stay unknown (absent), not "none"', () => {
    const out = fixture('guest-health-busy.txt').replace(/source dmesg[\s\S]*?(?=@@CVMDOCTOR:END oom)/, 'source none\n');
    const h = parseGuestOutput(out, 22).health!;
    assert.equal(h.oomKills, undefined);
    assert.equal(parseGuestOutput(fixture('guest-health-busy.txt'), 22).health!.oomKills?.length, 1);
  });

  it('ps top lists keep a command with spaces whole', () => {
    const t = parseTop(['by cpu', '  PID %CPU %MEM   RSS COMMAND', ' 812 99.0  1.0 20480 Web Content', 'by memory', '  PID %CPU %MEM   RSS COMMAND']);
    assert.equal(t?.byCpu[0].command, 'Web Content');
    assert.deepEqual(t?.byMemory, []);
  });

  it('an older agent\'s output without the health sections has no health evidence', () => {
    const old = fixture('guest-health-busy.txt').replace(/@@CVMDOCTOR:BEGIN load[\s\S]*$/, '');
    assert.equal(parseGuestOutput(old, 22).health, undefined);
  });
});
