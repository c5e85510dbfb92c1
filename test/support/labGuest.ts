/**
 * A lab host that is a "guest" a login can work in: started by the lab fixture as
 * `ip netns exec NS unshare -m --propagation private node labGuest.js SPEC_JSON -- SSHD ARGV`,
 * so every mount it makes exists only in the host's own mount namespace. It gives the lab
 * user a shell and a home (optionally a tiny tmpfs, filled up), then runs sshd as its child
 * and ends with it. Standalone on purpose: it runs as its own process (argv only).
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface GuestSpec {
  user: string;
  /** Directory of the host's own files (the fixture's per-host dir). */
  dir: string;
  /** Size in KB of a tmpfs mounted on the home; absent = a plain directory. */
  homeTmpfsKb?: number;
  /** Fill the home until the filesystem is full. */
  fillHome?: boolean;
  /** The user's home is a folder not yet made inside that filesystem, and PAM's session stack
   *  is `pam_mkhomedir` (as on images that create homes at first login: LDAP/SSSD users, cloud
   *  images' provisioning): /etc/pam.d/sshd is replaced in this mount namespace only. */
  mkhomedir?: boolean;
}

const sep = process.argv.indexOf('--');
const spec = JSON.parse(process.argv[2] ?? '{}') as GuestSpec;
const sshd = process.argv.slice(sep + 1);
if (sep < 3 || !spec.user || !spec.dir || sshd.length === 0) {
  process.stderr.write('usage: labGuest SPEC_JSON -- SSHD [ARGS...]\n');
  process.exit(2);
}
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

// With mkhomedir the tmpfs is this namespace's /home itself (as on a real guest, where the
// in-guest check's `df /home` sees it); otherwise a folder of the host's own.
const home = spec.mkhomedir ? '/home' : path.join(spec.dir, 'home');
fs.mkdirSync(home, { recursive: true, mode: 0o755 });
if (spec.homeTmpfsKb) run('mount', ['-t', 'tmpfs', '-o', `size=${spec.homeTmpfsKb}k,mode=0755`, 'cvmd-home', home]);
const pw = fs.readFileSync('/etc/passwd', 'utf8');
const line = pw.split('\n').find((l) => l.startsWith(`${spec.user}:`));
if (!line) throw new Error(`no passwd entry for ${spec.user}`);
const f = line.split(':');
const [uid, gid] = [Number(f[2]), Number(f[3])];
if (!spec.mkhomedir) fs.chownSync(home, uid, gid);
if (spec.fillHome) {
  // Until the tmpfs says no more (bounded by its size): what a home full of logs looks like.
  const fd = fs.openSync(path.join(home, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  try {
    for (let i = 0; i < 1_000_000; i++) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
}
if (spec.mkhomedir) {
  const pam = path.join(spec.dir, 'pam-sshd');
  fs.writeFileSync(pam, 'account required pam_permit.so\nsession required pam_mkhomedir.so skel=/etc/skel umask=0077\n', { mode: 0o644 });
  run('mount', ['--bind', pam, '/etc/pam.d/sshd']);
}
// The lab user gets a POSIX shell and this home, in this mount namespace only.
f[5] = spec.mkhomedir ? path.join(home, spec.user) : home;
f[6] = '/bin/sh';
const passwd = path.join(spec.dir, 'passwd');
fs.writeFileSync(passwd, pw.split('\n').map((l) => (l === line ? f.join(':') : l)).join('\n'), { mode: 0o644 });
run('mount', ['--bind', passwd, '/etc/passwd']);

const child = spawn(sshd[0], sshd.slice(1), { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
