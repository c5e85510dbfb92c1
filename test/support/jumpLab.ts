/**
 * Jump-chain topologies for the lab: bastions and private hosts behind them, built from
 * lab.ts hosts (real sshd, nft, their own namespaces) by moving each host's outer veth end out
 * of the machine's namespace into the namespace in front of it.
 *
 *   const j = await createJumpTopology();               // client namespace, no default route
 *   const b = await j.addBastion({ sshd: {} });          // reached from the client
 *   const p = await j.addBehind(b, { sshd: {} });        // reached only through b
 *   await j.runCli(['diagnose', p.ipv4, '--jump', `cvmdlab@${b.ipv4}`, ...]);
 *
 * Network safety (NOTES.md "The machine's own network"): a host behind a bastion is on a /28
 * that is no longer connected to the machine's namespace, which has a default route to the
 * outside. So:
 * - the client (the CLI, the engine under test) runs inside a namespace of its own that has
 *   NO default route (asserted by `assertIsolation`), connected only to the bastions' /28s;
 * - the machine's namespace gets an `unreachable` route for every /28 and /64 moved away
 *   (metric 4000: a connected route of a later lab on that slot still wins), so even a process
 *   of the machine's namespace that ignored the jump gets EHOSTUNREACH at once instead of
 *   sending the address to the gateway;
 * - bastions never forward packets (ip_forward 0): behind them only an SSH channel gets through.
 * With `clientNamespace: false` (the e2e, whose code-server runs in the machine's namespace) the
 * bastions stay on veths of the machine's namespace; the hosts behind them are protected by the
 * unreachable routes alone, which `assertIsolation` checks.
 */
import { execFile, execFileSync } from 'child_process';
import * as assert from 'assert/strict';
import * as path from 'path';
import { createLab, type HostSpec, type Lab, type LabHost } from './lab';
import { CLI_PATH, type CliResult } from './labEngine';

const CMD_TIMEOUT_MS = 10_000;
const UNREACHABLE_METRIC = '4000';

export interface JumpTopology {
  lab: Lab;
  /** The client's namespace (undefined with clientNamespace false: the machine's own). */
  clientNs?: string;
  /** A host reached directly from the client. */
  addBastion(spec: HostSpec): Promise<LabHost>;
  /** A host reached only through `parent` (a bastion, or a host behind one). */
  addBehind(parent: LabHost, spec: HostSpec): Promise<LabHost>;
  /** Hosts not reachable from the client except through a bastion. */
  readonly hidden: LabHost[];
  /** Fails unless the client has no default route and nothing behind a bastion is routable
   *  from the client's or the machine's namespace. */
  assertIsolation(): Promise<void>;
  /** The built CLI, run in the client's namespace (argv only, minimal env). */
  runCli(args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /** A compiled script of out/, run with node in the client's namespace. */
  runNode(script: string, args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
  destroy(): Promise<void>;
}

function run(cmd: string, args: string[], timeoutMs = CMD_TIMEOUT_MS): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** The machine-side veth of a lab host: lab.ts names it cvmdv<slot>, slot = the /28 index. */
function vethOf(h: LabHost): string {
  const [, , c, d] = h.rootIpv4.split('.').map(Number);
  return `cvmdv${((c! << 8) | d!) >> 4}`;
}

function prefix28(ipv4: string): string {
  const [a, b, c, d] = ipv4.split('.').map(Number);
  return `${a}.${b}.${c}.${d! & 0xf0}/28`;
}

function prefix64(ipv6: string): string {
  return `${ipv6.replace(/::\w*$/, '::')}/64`;
}

const liveRoutes = new Set<string>();
let netInstalled = false;
/** Unreachable routes must not outlive the run (another lab may reuse the slot). */
function installRouteNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  process.on('exit', () => {
    for (const r of liveRoutes) {
      const [fam, dst] = r.split(' ');
      try { execFileSync('ip', [fam!, 'route', 'del', 'unreachable', dst!, 'metric', UNREACHABLE_METRIC], { timeout: 5000, stdio: 'ignore' }); } catch { /* gone */ }
    }
  });
}

/** The machine's namespace must never send a moved host's address to its gateway: an
 *  `unreachable` route for each of the host's blocks, recorded in `routes` for `dropRoutes`. */
async function blockInMachine(h: LabHost, routes: string[]): Promise<void> {
  installRouteNet();
  for (const [fam, dst] of [['-4', prefix28(h.ipv4)], ['-6', prefix64(h.ipv6)]] as const) {
    // `replace`: a run killed before its teardown may have left the same route behind.
    await run('ip', [fam, 'route', 'replace', 'unreachable', dst, 'metric', UNREACHABLE_METRIC]);
    routes.push(`${fam} ${dst}`);
    liveRoutes.add(`${fam} ${dst}`);
  }
}

/** Move the host's outer veth end from the machine's namespace into `ns`, with its addresses
 *  (the machine's namespace keeps an unreachable route for them, recorded in `routes`). */
export async function moveFront(h: LabHost, ns: string, routes: string[]): Promise<void> {
  const veth = vethOf(h);
  const alias = (await run('ip', ['-o', 'link', 'show', 'dev', veth])).stdout;
  assert.ok(alias.includes(`alias ${h.ns}`), `${veth} is not the veth of ${h.ns}: ${alias}`);
  await blockInMachine(h, routes);
  await run('ip', ['link', 'set', veth, 'netns', ns]);
  await run('ip', ['-n', ns, 'addr', 'add', `${h.rootIpv4}/28`, 'dev', veth]);
  await run('ip', ['-n', ns, '-6', 'addr', 'add', `${h.rootIpv6}/64`, 'dev', veth, 'nodad']);
  await run('ip', ['-n', ns, 'link', 'set', veth, 'up']);
}

/** Removes the unreachable routes `moveFront` added (after the hosts are gone). */
export async function dropRoutes(routes: string[]): Promise<void> {
  for (const r of routes.splice(0)) {
    const [fam, dst] = r.split(' ');
    await run('ip', [fam!, 'route', 'del', 'unreachable', dst!, 'metric', UNREACHABLE_METRIC]).catch(() => undefined);
    liveRoutes.delete(r);
  }
}

/** Fails when `ns` has a default route (either family). */
export async function assertNoDefaultRoute(ns: string): Promise<void> {
  for (const fam of ['-4', '-6']) {
    const { stdout } = await run('ip', ['-n', ns, fam, 'route', 'show', 'default']);
    assert.equal(stdout.trim(), '', `the client namespace ${ns} has a default route (${fam}): ${stdout}`);
  }
}

/** Fails unless the machine's namespace answers "unreachable" for each address. */
export async function assertMachineUnreachable(addresses: string[]): Promise<void> {
  for (const a of addresses) {
    const got = await run('ip', ['route', 'get', a]).then((r) => r.stdout, (e: Error) => e.message);
    assert.match(got, /unreachable|No route to host|Network is unreachable/i, `the machine's namespace routes ${a}: ${got}`);
  }
}

/** Runs argv inside `ns` (the machine's namespace when undefined), bounded, minimal env. */
export function nsExec(ns: string | undefined, argv: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<CliResult> {
  const t0 = Date.now();
  const [cmd, ...args] = ns ? ['ip', 'netns', 'exec', ns, ...argv] : argv;
  return new Promise((resolve) => {
    execFile(cmd!, args, { timeout: timeoutMs, maxBuffer: 8 << 20, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
        resolve({ code, stdout, stderr, durationMs: Date.now() - t0 });
      });
  });
}

export async function createJumpTopology(opts: { clientNamespace?: boolean } = {}): Promise<JumpTopology> {
  const lab = await createLab();
  const inClient = opts.clientNamespace !== false;
  const routes: string[] = [];
  const hidden: LabHost[] = [];
  const bastions: LabHost[] = [];
  let client: LabHost | undefined;

  /** A host in front of others forwards nothing: only SSH channels get through it. */
  const noForwarding = (h: LabHost) =>
    h.exec(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.forwarding=0']);

  if (inClient) client = await lab.addHost({ label: 'jump-client' });

  const exec = (argv: string[], timeoutMs: number, env?: NodeJS.ProcessEnv) => nsExec(client?.ns, argv, timeoutMs, env);

  return {
    lab,
    ...(client ? { clientNs: client.ns } : {}),
    hidden,
    async addBastion(spec) {
      const h = await lab.addHost(spec);
      if (client) {
        await moveFront(h, client.ns, routes);
        hidden.push(h);
      }
      await noForwarding(h);
      bastions.push(h);
      return h;
    },
    async addBehind(parent, spec) {
      const h = await lab.addHost(spec);
      await moveFront(h, parent.ns, routes);
      await noForwarding(parent);
      hidden.push(h);
      return h;
    },
    async assertIsolation() {
      if (client) await assertNoDefaultRoute(client.ns);
      for (const h of hidden) {
        const direct = bastions.includes(h);
        // From the machine's namespace: never to the gateway.
        await assertMachineUnreachable([h.ipv4, h.ipv6]);
        if (direct) continue;
        // From the client: only through a bastion.
        if (client) {
          const got = await run('ip', ['-n', client.ns, 'route', 'get', h.ipv4]).then((r) => r.stdout, (e: Error) => e.message);
          assert.match(got, /unreachable|Network is unreachable/i, `the client routes ${h.ipv4} directly: ${got}`);
        }
      }
    },
    runCli(args, o = {}) {
      return exec([process.execPath, CLI_PATH, ...args], o.timeoutMs ?? 30_000, o.env);
    },
    runNode(script, args, o = {}) {
      return exec([process.execPath, path.resolve(script), ...args], o.timeoutMs ?? 30_000);
    },
    async destroy() {
      // Hosts first (their namespaces take the moved veths with them), then the routes.
      await lab.destroy();
      await dropRoutes(routes);
    },
  };
}
