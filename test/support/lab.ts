/**
 * The fault lab: real hosts in Linux network namespaces, each reached from the ROOT namespace
 * (where tests and the engine run) over its own veth pair. A host can run a real OpenSSH
 * `sshd`, tiny misbehaving servers (labServer.ts), xrdp, and nftables rules of its own.
 *
 *   const lab = await createLab();
 *   const h = await lab.addHost({ sshd: { ports: [22] }, nft: 'tcp dport 22 drop' });
 *   // h.ipv4, h.ipv6, h.knownHostsLine ...
 *   await lab.destroy();
 *
 * Safety: traffic only ever goes to addresses this module assigns inside 10.213.0.0/16 and
 * fd00:cd::/32 on veths it creates. Every process, namespace and veth is removed by
 * `destroy()`, by a process-exit safety net, and by the stale sweep at the next `createLab()`.
 * Every command is argv-only (execFile/spawn); every wait is bounded.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const LAB_USER = 'cvmdlab';
/** The only networks lab hosts are given addresses in (see the slots below); with loopback,
 *  the only addresses a test may send packets to (test/unit/fixtureAddresses.test.ts). */
export const LAB_NETWORKS = [{ address: '10.213.0.0', prefix: 16, family: 'ipv4' }, { address: 'fd00:cd::', prefix: 32, family: 'ipv6' }] as const;
const NS_PREFIX = 'cvmd';
const VETH_PREFIX = 'cvmdv';
/** Slot ownership files: one per /28 block, holding the owner's pid (shared by concurrent runs). */
const SLOT_DIR = '/run/cvmd-lab';
/** The lab user's password, generated once per machine (root-only file), reused by every run. */
const PASSWORD_FILE = '/var/lib/cvmd-lab/password';
const MAX_SLOTS = 4096; // 10.213.0.0/16 in /28 blocks
const MAX_EXTRA_ADDRESSES = 12; // a /28 holds .1 (root side), .2 (host), .3-.14 (extras)
const CMD_TIMEOUT_MS = 10_000;
const LISTEN_WAIT_MS = 8_000;
const SSHD = '/usr/sbin/sshd';
const XRDP = '/usr/sbin/xrdp';

const REQUIRED_TOOLS = ['/usr/sbin/ip', SSHD, '/usr/sbin/nft', '/usr/bin/ssh-keygen', '/usr/bin/ss', '/usr/sbin/chpasswd', '/usr/sbin/useradd', '/usr/sbin/sysctl', '/usr/bin/ping'];

// ---------------------------------------------------------------------------------------------
// Availability

let unavailableCache: string | null | undefined;

/** Why the lab cannot run here, or undefined when it can. Lab tests skip (never pass) on a reason. */
export function labUnavailableReason(): string | undefined {
  if (unavailableCache !== undefined) return unavailableCache ?? undefined;
  unavailableCache = computeUnavailable() ?? null;
  return unavailableCache ?? undefined;
}

function computeUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the lab needs Linux network namespaces (platform is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'the lab needs root (network namespaces, sshd, nftables)';
  const missing = REQUIRED_TOOLS.filter((t) => !isExecutable(t));
  if (missing.length) return `missing tools: ${missing.join(', ')} (Debian: iproute2 openssh-server openssh-client nftables passwd procps iputils-ping)`;
  try {
    execFileSync('ip', ['netns', 'list'], { timeout: CMD_TIMEOUT_MS, stdio: 'pipe' });
  } catch (e) {
    return `ip netns does not work here: ${(e as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

export function xrdpUnavailableReason(): string | undefined {
  const lab = labUnavailableReason();
  if (lab) return lab;
  if (!isExecutable(XRDP)) return 'xrdp is not installed (Debian package xrdp)';
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Public types

export interface SshdSpec {
  /** Ports sshd listens on inside the namespace (default [22]). */
  ports?: number[];
  /** Host key types to generate (default ['ed25519']). */
  hostKeyTypes?: Array<'ed25519' | 'ecdsa' | 'rsa'>;
  passwordAuthentication?: boolean;
  /** `UsePAM yes` (default no). Without PAM, OpenSSH 9.2 on Linux has no keyboard-interactive
   *  device: it lists the method but every attempt fails. */
  usePam?: boolean;
  /** `KbdInteractiveAuthentication yes` (default no). sshd keeps the first value of a keyword,
   *  so this cannot be switched on through extraConfig. */
  kbdInteractive?: boolean;
  /** Extra sshd_config lines, e.g. 'KexAlgorithms sntrup761x25519-sha512@openssh.com'. */
  extraConfig?: string[];
}

export type ServerKind = 'greeting' | 'silent' | 'close' | 'http' | 'slow-banner';
export interface ServerSpec {
  kind: ServerKind;
  port: number;
  /** First line for `greeting` (default an SMTP-style 220 line). */
  greeting?: string;
  /** `slow-banner`: how long the server waits before its SSH identification line. */
  delayMs?: number;
}

export interface HostSpec {
  /** Label for logs. */
  label?: string;
  /** Run a real OpenSSH sshd; omit for none. */
  sshd?: SshdSpec;
  /** Misbehaving TCP servers (labServer.ts). */
  servers?: ServerSpec[];
  /** Run xrdp on this port. */
  xrdp?: { port: number };
  /** nftables rules for the host's `inet` input chain (policy accept), or a whole ruleset
   *  when it contains the word `table`. Applied before any server starts. */
  nft?: string;
  /** Additional IPv4 addresses on the host side (same /28), for many-target runs. */
  extraAddresses?: number;
  /** Make the host a router for one more address of its /28 (`routedIpv4`) that leads
   *  nowhere: it answers for that address with ICMP host-unreachable from its own address,
   *  as the last router before a stopped instance does. At most 11 extra addresses then. */
  routedAddress?: boolean;
  /** A guest a login can work in (labGuest.ts): sshd runs in the host's own mount namespace,
   *  where the lab user has /bin/sh and a home of its own — a tiny tmpfs when `homeTmpfsKb`
   *  is set, filled up with `fillHome`. `pathWithout`: the login PATH (sshd SetEnv) leaves
   *  these programs out. Needs `sshd`. */
  guest?: { homeTmpfsKb?: number; fillHome?: boolean; pathWithout?: string[]; mkhomedir?: boolean };
}

export interface LabHost {
  label: string;
  /** Network namespace name. */
  ns: string;
  /** The host's addresses (what a target points at). */
  ipv4: string;
  ipv6: string;
  /** All IPv4 addresses of the host (ipv4 first, then extras). */
  ipv4All: string[];
  /** With `routedAddress`: the address behind the host that nothing owns. */
  routedIpv4?: string;
  /** The root-namespace side of the veth. */
  rootIpv4: string;
  rootIpv6: string;
  /** Host public keys, "type base64", one per sshd host key type (empty without sshd). */
  hostKeys: string[];
  /** known_hosts line(s) for port 22 covering both addresses (empty without sshd). */
  knownHostsLine: string;
  /** known_hosts lines for a given port (`[addr]:port` form when the port is not 22). */
  knownHostsLines(port?: number): string[];
  /** Recent stderr of the host's processes (sshd -e logs), for failure messages. */
  log(): string;
  /** Run a command inside the namespace (argv only). */
  exec(argv: string[], timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
}

export interface Lab {
  user: string;
  password: string;
  /** Private key accepted by every lab sshd (authorized_keys). */
  clientKeyPath: string;
  clientPublicKey: string;
  /** The lab's temporary directory (removed by destroy). */
  dir: string;
  addHost(spec: HostSpec): Promise<LabHost>;
  /** Write a known_hosts file in the lab dir and return its path. */
  writeKnownHosts(lines: string[], name?: string): string;
  /** A fresh host public key ("type base64") that no lab host uses: for mismatch tests. */
  foreignHostKey(type?: 'ed25519' | 'ecdsa' | 'rsa'): Promise<string>;
  destroy(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Command helpers (argv only, bounded)

function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs ?? CMD_TIMEOUT_MS, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve({ stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

function runSync(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { timeout: CMD_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Slots: each host gets a /28 in 10.213.0.0/16 and a /64 in fd00:cd::/32, claimed by a pid file
// so concurrent runs (a lab test and the e2e suite) never collide.

/** Claims and reclaims run under one short-lived lock so two runs can never both take over
 *  the same stale slot (check-then-remove is not atomic on its own). */
function withSlotLock<T>(fn: () => T): T {
  fs.mkdirSync(SLOT_DIR, { recursive: true, mode: 0o700 });
  const lock = path.join(SLOT_DIR, 'lock');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Held for milliseconds: a lock this old belongs to a run that died while holding it.
      try { if (Date.now() - fs.statSync(lock).mtimeMs > 5000) fs.rmdirSync(lock); } catch { /* released meanwhile */ }
      if (Date.now() > deadline) throw new Error(`lab slot lock ${lock} busy for 10 s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmdirSync(lock);
  }
}

function claimSlot(): number {
  return withSlotLock(() => {
    for (let i = 0; i < MAX_SLOTS; i++) {
      const f = path.join(SLOT_DIR, `slot-${i}`);
      let owner = 0;
      try {
        owner = Number(fs.readFileSync(f, 'utf8'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      if (owner && pidAlive(owner)) continue;
      // Free, or the claim of a dead run: remove what that run may have left on this slot.
      if (owner) destroyNamespaceSync(`${NS_PREFIX}${owner}h${i}`, i, false);
      fs.writeFileSync(f, String(process.pid));
      return i;
    }
    throw new Error(`no free lab slot in ${SLOT_DIR}`);
  });
}

function releaseSlot(slot: number): void {
  const f = path.join(SLOT_DIR, `slot-${slot}`);
  try {
    if (Number(fs.readFileSync(f, 'utf8')) === process.pid) fs.rmSync(f, { force: true });
  } catch { /* already gone */ }
}

function slotAddresses(slot: number) {
  const base = (10 << 24) | (213 << 16) | (slot * 16);
  const v4 = (n: number) => [(base + n) >>> 24, ((base + n) >> 16) & 255, ((base + n) >> 8) & 255, (base + n) & 255].join('.');
  const v6p = `fd00:cd:${(slot + 1).toString(16)}::`; // +1: never a zero group, so the text is canonical
  return { rootIpv4: v4(1), ipv4: v4(2), extra: (k: number) => v4(3 + k), rootIpv6: `${v6p}1`, ipv6: `${v6p}2` };
}

// ---------------------------------------------------------------------------------------------
// Stale sweep and the exit safety net

/** Remove namespaces of dead runs (cvmd<pid>h<n> whose pid is gone) with their processes. */
function sweepStale(): void {
  const list = runSync('ip', ['netns', 'list']) ?? '';
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0];
    const m = /^cvmd(\d+)h(\d+)$/.exec(name ?? '');
    if (!m || pidAlive(Number(m[1]))) continue;
    // The slot may already belong to a live run that reclaimed it: leave the veth name alone.
    destroyNamespaceSync(name!, Number(m[2]), false);
  }
  // Slot claims and temp dirs of dead runs.
  withSlotLock(() => {
    for (const f of safeReaddir(SLOT_DIR).filter((n) => n.startsWith('slot-'))) {
      let owner = 0;
      try { owner = Number(fs.readFileSync(path.join(SLOT_DIR, f), 'utf8')); } catch { continue; }
      if (!pidAlive(owner)) fs.rmSync(path.join(SLOT_DIR, f), { force: true });
    }
  });
  for (const d of safeReaddir(os.tmpdir())) {
    const m = /^cvmd-lab-(\d+)-/.exec(d);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(os.tmpdir(), d), { recursive: true, force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}

/** `ownSlot`: this run holds the slot, so a veth with its name is ours to delete. (Deleting a
 *  namespace removes both ends of its veth anyway; the explicit delete covers a slow kernel.) */
function destroyNamespaceSync(ns: string, slot: number, ownSlot = true): void {
  // Kill everything still inside (sshd forks a child per connection: killing the listener is
  // not enough), then delete the namespace, then the root-side veth if the kernel kept it.
  for (let round = 0; round < 3; round++) {
    const pids = (runSync('ip', ['netns', 'pids', ns]) ?? '').split(/\s+/).filter(Boolean).map(Number);
    if (!pids.length) break;
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    execFileSync('sleep', ['0.05']);
  }
  runSync('ip', ['netns', 'del', ns]);
  if (ownSlot) runSync('ip', ['link', 'del', `${VETH_PREFIX}${slot}`]);
}

const liveLabs = new Set<LabImpl>();
let safetyNetInstalled = false;

function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      for (const lab of liveLabs) lab.destroySync();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

// ---------------------------------------------------------------------------------------------
// The lab user

async function ensureLabUser(): Promise<string> {
  if (!runSync('getent', ['passwd', LAB_USER])) {
    // No login shell: the account exists only so lab sshds can authenticate it; the machine's
    // own sshd (if any) cannot give it a session.
    try {
      await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', LAB_USER]);
    } catch (e) {
      if (!runSync('getent', ['passwd', LAB_USER])) throw e; // another run may have created it
    }
  }
  fs.mkdirSync(path.dirname(PASSWORD_FILE), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(PASSWORD_FILE, crypto.randomBytes(18).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const password = fs.readFileSync(PASSWORD_FILE, 'utf8').trim();
  // chpasswd locks /etc/shadow; a concurrent run may hold it for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      await run('chpasswd', [], { input: `${LAB_USER}:${password}\n` });
      return password;
    } catch (e) {
      if (attempt >= 5) throw e;
      await sleep(200);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The lab

class RingLog {
  private lines: string[] = [];
  add(prefix: string, chunk: Buffer): void {
    for (const l of chunk.toString('utf8').split('\n')) if (l) this.lines.push(`${prefix}: ${l}`);
    if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
  }
  text(): string { return this.lines.join('\n'); }
}

interface HostRecord { ns: string; slot: number; children: ChildProcess[] }

class LabImpl implements Lab {
  readonly user = LAB_USER;
  clientKeyPath = '';
  clientPublicKey = '';
  private hosts: HostRecord[] = [];
  private counter = 0;
  private destroyed = false;

  constructor(readonly dir: string, readonly password: string) {}

  async init(): Promise<void> {
    this.clientKeyPath = path.join(this.dir, 'client_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cvmd-lab-client', '-f', this.clientKeyPath]);
    this.clientPublicKey = fs.readFileSync(`${this.clientKeyPath}.pub`, 'utf8').trim();
  }

  writeKnownHosts(lines: string[], name = `known_hosts_${++this.counter}`): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    return file;
  }

  async foreignHostKey(type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): Promise<string> {
    const f = path.join(this.dir, `foreign_${type}_${++this.counter}`);
    await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', f]);
    return pubKeyBody(fs.readFileSync(`${f}.pub`, 'utf8'));
  }

  async addHost(spec: HostSpec): Promise<LabHost> {
    if (this.destroyed) throw new Error('lab destroyed');
    const extras = spec.extraAddresses ?? 0;
    const maxExtras = MAX_EXTRA_ADDRESSES - (spec.routedAddress ? 1 : 0);
    if (extras < 0 || extras > maxExtras) throw new Error(`extraAddresses must be 0..${maxExtras}`);
    const slot = claimSlot();
    const ns = `${NS_PREFIX}${process.pid}h${slot}`;
    const veth = `${VETH_PREFIX}${slot}`;
    const rec: HostRecord = { ns, slot, children: [] };
    this.hosts.push(rec);
    const a = slotAddresses(slot);
    const label = spec.label ?? ns;
    const hostDir = path.join(this.dir, ns);
    fs.mkdirSync(hostDir, { mode: 0o755 });
    const log = new RingLog();
    const nsExec = (argv: string[], timeoutMs?: number) => run('ip', ['netns', 'exec', ns, ...argv], { timeoutMs });

    // A veth of an earlier lab in this process can outlive its namespace for a moment.
    await run('ip', ['link', 'del', veth]).catch(() => undefined);
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await run('ip', ['addr', 'add', `${a.rootIpv4}/28`, 'dev', veth]);
    await run('ip', ['-6', 'addr', 'add', `${a.rootIpv6}/64`, 'dev', veth, 'nodad']);
    // The alias ties the root-side veth to its namespace in `ip link` output (teardown checks).
    await run('ip', ['link', 'set', 'dev', veth, 'alias', ns]);
    await run('ip', ['link', 'set', veth, 'up']);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const ipv4All = [a.ipv4];
    await run('ip', ['-n', ns, 'addr', 'add', `${a.ipv4}/28`, 'dev', 'eth0']);
    for (let k = 0; k < extras; k++) {
      ipv4All.push(a.extra(k));
      await run('ip', ['-n', ns, 'addr', 'add', `${a.extra(k)}/28`, 'dev', 'eth0']);
    }
    await run('ip', ['-n', ns, '-6', 'addr', 'add', `${a.ipv6}/64`, 'dev', 'eth0', 'nodad']);
    await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    // ICMP errors (reject rules, unreachables) are rate-limited per host by default; a test
    // that sends several probes at once must see every one of them.
    await nsExec(['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0']);
    let routedIpv4: string | undefined;
    if (spec.routedAddress) {
      // The last address of the /28, reached through the host: the root namespace routes it
      // via the host's veth address (a /32, more specific than the connected /28, so it never
      // leaves the veth). The host forwards it, and its forward chain answers host-unreachable
      // from the host's own address, as a router does for a host that is gone. (An
      // `unreachable` route would do the same but is rate-limited to one error a second by
      // the machine-wide route.error_cost; no redirect may tell the root side to go direct.)
      routedIpv4 = a.extra(MAX_EXTRA_ADDRESSES - 1);
      await nsExec(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.eth0.send_redirects=0']);
      const file = path.join(hostDir, 'router.nft');
      fs.writeFileSync(file, `table ip cvmdrouter {\n  chain forward {\n    type filter hook forward priority 0; policy drop;\n    ip daddr ${routedIpv4} reject with icmp type host-unreachable\n  }\n}\n`);
      await nsExec(['nft', '-f', file]);
      await run('ip', ['route', 'add', `${routedIpv4}/32`, 'via', a.ipv4, 'dev', veth]);
    }

    if (spec.nft) {
      const file = path.join(hostDir, 'rules.nft');
      // `{rootIpv4}`: the root side of the host's veth (where a test's own servers listen).
      const nft = spec.nft.replace(/\{rootIpv4\}/g, a.rootIpv4);
      const body = /\btable\b/.test(nft)
        ? nft
        : `table inet cvmdlab {\n  chain input {\n    type filter hook input priority 0; policy accept;\n${nft.split('\n').map((l) => `    ${l.trim()}`).join('\n')}\n  }\n}\n`;
      fs.writeFileSync(file, body);
      await nsExec(['nft', '-f', file]);
    }

    const listenPorts: number[] = [];
    const hostKeys: string[] = [];
    const spawnInNs = (tag: string, argv: string[], keepStdin: boolean) => {
      const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: [keepStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      rec.children.push(child);
      child.stdout?.on('data', (d: Buffer) => log.add(tag, d));
      child.stderr?.on('data', (d: Buffer) => log.add(tag, d));
      child.on('error', (e) => log.add(tag, Buffer.from(`spawn error: ${e.message}`)));
      return child;
    };

    if (spec.sshd) {
      const s = spec.sshd;
      const ports = s.ports ?? [22];
      const keyPaths: string[] = [];
      for (const type of s.hostKeyTypes ?? ['ed25519']) {
        const kp = path.join(hostDir, `ssh_host_${type}_key`);
        await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', kp]);
        keyPaths.push(kp);
        hostKeys.push(pubKeyBody(fs.readFileSync(`${kp}.pub`, 'utf8')));
      }
      const authKeys = path.join(hostDir, 'authorized_keys');
      fs.writeFileSync(authKeys, `${this.clientPublicKey}\n`, { mode: 0o644 });
      const cfg = [
        ...ports.map((p) => `Port ${p}`),
        'ListenAddress 0.0.0.0',
        'ListenAddress ::',
        ...keyPaths.map((k) => `HostKey ${k}`),
        'PidFile none',
        `UsePAM ${s.usePam ? 'yes' : 'no'}`,
        // The lab's files live under /tmp (world-writable): StrictModes would refuse them.
        'StrictModes no',
        `AuthorizedKeysFile ${authKeys}`,
        `PasswordAuthentication ${s.passwordAuthentication === false ? 'no' : 'yes'}`,
        `KbdInteractiveAuthentication ${s.kbdInteractive ? 'yes' : 'no'}`,
        'PermitRootLogin no',
        `AllowUsers ${LAB_USER}`,
        'UseDNS no',
        'LogLevel VERBOSE',
        ...(spec.guest?.pathWithout?.length ? [`SetEnv PATH=${guestPath(hostDir, spec.guest.pathWithout)}`] : []),
        ...(s.extraConfig ?? []),
      ].join('\n') + '\n';
      const cfgPath = path.join(hostDir, 'sshd_config');
      fs.writeFileSync(cfgPath, cfg);
      fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege-separation dir
      await run(SSHD, ['-t', '-f', cfgPath]); // a bad config fails here with sshd's own message
      if (spec.guest) {
        const guest = { user: LAB_USER, dir: hostDir, ...spec.guest };
        spawnInNs('sshd', ['unshare', '-m', '--propagation', 'private', process.execPath, path.join(__dirname, 'labGuest.js'), JSON.stringify(guest), '--', SSHD, '-D', '-e', '-f', cfgPath], false);
      } else {
        spawnInNs('sshd', [SSHD, '-D', '-e', '-f', cfgPath], false);
      }
      listenPorts.push(...ports);
    }

    for (const srv of spec.servers ?? []) {
      const script = path.join(__dirname, 'labServer.js');
      const argv = [process.execPath, script, srv.kind, String(srv.port)];
      if (srv.greeting !== undefined || srv.delayMs !== undefined) argv.push(srv.greeting ?? '');
      if (srv.delayMs !== undefined) argv.push(String(srv.delayMs));
      spawnInNs(`${srv.kind}:${srv.port}`, argv, true);
      listenPorts.push(srv.port);
    }

    if (spec.xrdp) {
      const ini = await writeXrdpConfig(hostDir, spec.xrdp.port);
      spawnInNs('xrdp', [XRDP, '--nodaemon', '--config', ini, '--port', String(spec.xrdp.port)], false);
      listenPorts.push(spec.xrdp.port);
    }

    await waitListening(ns, listenPorts, rec.children, log);

    const knownHostsLines = (port = 22) => {
      const hosts = port === 22 ? [...ipv4All, a.ipv6] : [...ipv4All, a.ipv6].map((h) => `[${h}]:${port}`);
      return hostKeys.map((k) => `${hosts.join(',')} ${k}`);
    };
    return {
      label, ns, ipv4: a.ipv4, ipv6: a.ipv6, ipv4All, ...(routedIpv4 ? { routedIpv4 } : {}), rootIpv4: a.rootIpv4, rootIpv6: a.rootIpv6,
      hostKeys,
      knownHostsLine: knownHostsLines(22).join('\n'),
      knownHostsLines,
      log: () => log.text(),
      exec: nsExec,
    };
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    liveLabs.delete(this);
    const hosts = this.hosts.splice(0);
    await Promise.all(hosts.map(async (h) => {
      for (const c of h.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      // Give well-behaved processes a moment; destroyNamespaceSync SIGKILLs whatever remains.
      const deadline = Date.now() + 1000;
      while (Date.now() < deadline && h.children.some((c) => c.exitCode === null && c.signalCode === null)) await sleep(20);
      await run('ip', ['netns', 'pids', h.ns]).then(({ stdout }) => {
        for (const pid of stdout.split(/\s+/).filter(Boolean).map(Number)) {
          try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        }
      }).catch(() => undefined);
      destroyNamespaceSync(h.ns, h.slot);
      releaseSlot(h.slot);
    }));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** For the exit safety net: synchronous, best effort. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const h of this.hosts.splice(0)) {
      for (const c of h.children) {
        try { c.kill('SIGKILL'); } catch { /* gone */ }
      }
      destroyNamespaceSync(h.ns, h.slot);
      releaseSlot(h.slot);
    }
    try { fs.rmSync(this.dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
}

/** A directory of links to every program in /usr/bin and /bin but `without`: a login PATH on
 *  which those are missing. */
function guestPath(hostDir: string, without: string[]): string {
  const dir = path.join(hostDir, 'bin');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const src of ['/usr/bin', '/bin']) {
    for (const name of safeReaddir(src)) {
      if (without.includes(name) || fs.existsSync(path.join(dir, name))) continue;
      fs.symlinkSync(path.join(src, name), path.join(dir, name));
    }
  }
  return `${dir}:/usr/sbin:/sbin`;
}

function pubKeyBody(pubLine: string): string {
  const [type, b64] = pubLine.trim().split(/\s+/);
  return `${type} ${b64}`;
}

/** Poll `ss` inside the namespace (no traffic to the servers) until every port listens. */
async function waitListening(ns: string, ports: number[], children: ChildProcess[], log: RingLog): Promise<void> {
  if (!ports.length) return;
  const deadline = Date.now() + LISTEN_WAIT_MS;
  for (;;) {
    const { stdout } = await run('ip', ['netns', 'exec', ns, 'ss', '-Hltn']);
    const listening = new Set<number>();
    for (const line of stdout.split('\n')) {
      const local = line.trim().split(/\s+/)[3];
      const m = local ? /:(\d+)$/.exec(local) : null;
      if (m) listening.add(Number(m[1]));
    }
    if (ports.every((p) => listening.has(p))) return;
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) throw new Error(`a lab server exited before listening (ports ${ports.join(',')}):\n${log.text()}`);
    if (Date.now() > deadline) throw new Error(`ports ${ports.filter((p) => !listening.has(p)).join(',')} not listening after ${LISTEN_WAIT_MS} ms in ${ns}:\n${log.text()}`);
    await sleep(25);
  }
}

async function writeXrdpConfig(hostDir: string, port: number): Promise<string> {
  // Derived from Debian's /etc/xrdp/xrdp.ini: our port, no session manager needed for the
  // X.224 negotiation the probe performs, and the key pair Debian's package generated. Its log
  // goes to the host dir instead of the machine's /var/log/xrdp.log.
  const base = fs.readFileSync('/etc/xrdp/xrdp.ini', 'utf8');
  const ini = base
    .replace(/^port=3389$/m, `port=${port}`)
    .replace(/^fork=.*$/m, 'fork=true')
    .replace(/^LogFile=.*$/m, `LogFile=${path.join(hostDir, 'xrdp.log')}`)
    .replace(/^EnableSyslog=.*$/m, 'EnableSyslog=false');
  const file = path.join(hostDir, 'xrdp.ini');
  fs.writeFileSync(file, ini);
  return file;
}

/** Create a lab. Sweeps namespaces left by crashed runs first. */
export async function createLab(): Promise<Lab> {
  const reason = labUnavailableReason();
  if (reason) throw new Error(`lab unavailable: ${reason}`);
  installSafetyNet();
  sweepStale();
  const password = await ensureLabUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cvmd-lab-${process.pid}-`));
  // sshd reads authorized_keys as the lab user: the path must be traversable by it.
  fs.chmodSync(dir, 0o755);
  const lab = new LabImpl(dir, password);
  liveLabs.add(lab);
  try {
    await lab.init();
  } catch (e) {
    await lab.destroy();
    throw e;
  }
  return lab;
}
