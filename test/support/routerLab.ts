/**
 * A routed topology for the lab: a client namespace, a router namespace and guest hosts behind
 * the router (real sshd, real nftables, tcpdump usable inside each guest's namespace), built
 * from lab.ts hosts with jumpLab.ts's veth moves.
 *
 *   const r = await createRouterLab();
 *   const g = await r.addGuest({ sshd: {} });               // reached from the client via the router
 *   await r.setForwardRules(['ip saddr ' + r.callerIpv4 + ' tcp dport 22 drop']);
 *   await r.runCloudCli(['diagnose', g.ipv4, ...], { fixture, guests: { 'ins-x': r.guestFacts(g) } });
 *
 *   client ns ──(router's /28: client = router.rootIpv4, router = router.ipv4)── router ns
 *   router ns ──(guest's /28: router = guest.rootIpv4, guest = guest.ipv4)── guest ns
 *
 * Network safety (NOTES.md "The machine's own network"): the guests' /28s are connected to no
 * route of the machine's namespace, which has a default route to the outside. So:
 * - the client (the CLI, the engine, and the local Tencent endpoint it talks to) runs inside a
 *   namespace of its own with NO default route (asserted by `assertIsolation`); it routes only
 *   the guests' blocks, via the router;
 * - the router and the guests have no default route either (lab hosts never get one), so
 *   nothing they forward or answer can leave the lab's blocks;
 * - the machine's namespace gets jumpLab's `unreachable` routes for every block moved away.
 * The endpoint runs in the client namespace, on its loopback (routerLabRunner.ts starts it and
 * then the CLI, both in that namespace): the CLI allows plain http only to a loopback address,
 * and the client's loopback is reachable from the client namespace only — so the CLI talks to
 * the cloud exactly as a user's does, and its probes reach the guests only through the router.
 * The fake TAT (the endpoint's RunCommand) runs the real in-guest script under /bin/sh in the
 * guest's namespace (labCloud.ts runGuestScript) while the CLI's probes are in flight.
 */
import * as assert from 'assert/strict';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { guestFacts, type GuestFacts } from './labCloud';
import { createLab, type HostSpec, type Lab, type LabHost } from './lab';
import { assertMachineUnreachable, assertNoDefaultRoute, dropRoutes, moveFront, nsExec } from './jumpLab';
import { CLI_PATH, type CliResult } from './labEngine';
import type { RecordedRequest } from './tencentEndpoint';
import type { TencentFixture } from './tencentEndpointFixture';

/** The router's nftables table and chains: `forward` counts every forwarded packet, then jumps
 *  to `rules`, which tests fill (setForwardRules). */
export const ROUTER_TABLE = 'cvmdrouter';

export interface RouterCloudRun extends CliResult {
  /** The API requests the CLI made (action, error code), in order. */
  requests: Array<Pick<RecordedRequest, 'action' | 'errorCode'>>;
  /** The scripts RunCommand received. */
  commands: Array<{ instanceId: string; script: string }>;
}

export interface RouterLab {
  lab: Lab;
  /** The client's namespace (no default route). */
  clientNs: string;
  /** The router's namespace host (router.ns; router.ipv4 is its address on the client's link). */
  router: LabHost;
  /** The client's own address on its link to the router: the source of its packets. */
  callerIpv4: string;
  callerIpv6: string;
  guests: LabHost[];
  /** A host behind the router, reached from the client through it (both families). */
  addGuest(spec: HostSpec): Promise<LabHost>;
  /** What the fake TAT needs to answer as this guest (labCloud.ts). */
  guestFacts(g: LabHost, o?: { sshdPorts?: number[]; hostKeys?: string[]; without?: string[] }): GuestFacts;
  /** Replaces the rules of the router's `rules` chain (nft rule text, one per line). */
  setForwardRules(rules: string[]): Promise<void>;
  /** Packets the router has forwarded (its `forward` chain's counter). */
  forwardedPackets(): Promise<number>;
  /** Fails unless the client has no default route, reaches the guests only via the router,
   *  and the machine's namespace routes none of the moved blocks. */
  assertIsolation(): Promise<void>;
  /** The built CLI, run in the client's namespace (argv only, minimal env). */
  runCli(args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /** A compiled script of out/, run with node in the client's namespace. */
  runNode(script: string, args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /** The built CLI against a local Tencent endpoint serving `fixture`, both in the client's
   *  namespace; `guests` are the instances whose TAT runs the real script in a lab guest. The
   *  endpoint's credentials and URL are put into the CLI's environment. */
  runCloudCli(args: string[], o: { fixture: TencentFixture; guests: Record<string, GuestFacts>; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RouterCloudRun>;
  destroy(): Promise<void>;
}

function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

export async function createRouterLab(): Promise<RouterLab> {
  const lab = await createLab();
  const routes: string[] = [];
  const guests: LabHost[] = [];
  try {
    const client = await lab.addHost({ label: 'router-client' });
    const router = await lab.addHost({ label: 'router' });
    // The client's only link to anything but the machine's veth /28: the router's block.
    await moveFront(router, client.ns, routes);
    await router.exec(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1',
      // A router on a stub network: no redirects telling the client to go around it.
      'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.default.send_redirects=0', 'net.ipv4.conf.eth0.send_redirects=0']);
    const nftFile = path.join(lab.dir, 'router.nft');
    fs.writeFileSync(nftFile, [
      `table inet ${ROUTER_TABLE} {`,
      '  chain rules {',
      '  }',
      '  chain forward {',
      '    type filter hook forward priority 0; policy accept;',
      '    counter jump rules',
      '  }',
      '}',
      '',
    ].join('\n'));
    await router.exec(['nft', '-f', nftFile]);

    const nsRun = (argv: string[], timeoutMs: number, env?: NodeJS.ProcessEnv) => nsExec(client.ns, argv, timeoutMs, env);
    const runner = path.join(__dirname, 'routerLabRunner.js');

    const self: RouterLab = {
      lab, clientNs: client.ns, router, callerIpv4: router.rootIpv4, callerIpv6: router.rootIpv6, guests,
      async addGuest(spec) {
        const g = await lab.addHost(spec);
        await moveFront(g, router.ns, routes);
        // Client → guest via the router, and back.
        await run('ip', ['-n', client.ns, 'route', 'add', `${g.ipv4}/32`, 'via', router.ipv4]);
        await run('ip', ['-n', client.ns, '-6', 'route', 'add', `${g.ipv6}/128`, 'via', router.ipv6]);
        await run('ip', ['-n', g.ns, 'route', 'add', `${router.rootIpv4}/32`, 'via', g.rootIpv4]);
        await run('ip', ['-n', g.ns, '-6', 'route', 'add', `${router.rootIpv6}/128`, 'via', g.rootIpv6]);
        guests.push(g);
        return g;
      },
      guestFacts: (g, o) => guestFacts(g, lab, o),
      async setForwardRules(rules) {
        const file = path.join(lab.dir, `router-rules-${process.hrtime.bigint()}.nft`);
        fs.writeFileSync(file, [`flush chain inet ${ROUTER_TABLE} rules`, ...rules.map((r) => `add rule inet ${ROUTER_TABLE} rules ${r}`), ''].join('\n'));
        await router.exec(['nft', '-f', file]);
      },
      async forwardedPackets() {
        const { stdout } = await router.exec(['nft', 'list', 'chain', 'inet', ROUTER_TABLE, 'forward']);
        const m = /counter packets (\d+) bytes \d+ jump rules/.exec(stdout);
        assert.ok(m, `no counter in the router's forward chain:\n${stdout}`);
        return Number(m[1]);
      },
      async assertIsolation() {
        await assertNoDefaultRoute(client.ns);
        for (const h of [router, ...guests]) {
          for (const fam of ['-4', '-6']) {
            const { stdout } = await h.exec(['ip', fam, 'route', 'show', 'default']);
            assert.equal(stdout.trim(), '', `${h.label} has a default route (${fam}): ${stdout}`);
          }
        }
        await assertMachineUnreachable([router.ipv4, router.ipv6, ...guests.flatMap((g) => [g.ipv4, g.ipv6])]);
        for (const g of guests) {
          for (const [a, via] of [[g.ipv4, router.ipv4], [g.ipv6, router.ipv6]] as const) {
            const got = await run('ip', ['-n', client.ns, 'route', 'get', a]);
            assert.ok(got.includes(`via ${via} `), `the client does not route ${a} via the router ${via}: ${got}`);
          }
        }
      },
      runCli(args, o = {}) {
        return nsRun([process.execPath, CLI_PATH, ...args], o.timeoutMs ?? 30_000, o.env);
      },
      runNode(script, args, o = {}) {
        return nsRun([process.execPath, path.resolve(script), ...args], o.timeoutMs ?? 30_000, o.env);
      },
      async runCloudCli(args, o) {
        const timeoutMs = o.timeoutMs ?? 60_000;
        const spec = path.join(lab.dir, `router-run-${process.hrtime.bigint()}.json`);
        fs.writeFileSync(spec, JSON.stringify({ fixture: o.fixture, guests: o.guests, args, env: o.env ?? {}, timeoutMs }), { mode: 0o600 });
        // The runner's own bound is the CLI's; this one covers its start and teardown.
        const r = await nsRun([process.execPath, runner, spec], timeoutMs + 15_000);
        let parsed: RouterCloudRun;
        try {
          parsed = JSON.parse(r.stdout) as RouterCloudRun;
        } catch {
          throw new Error(`routerLabRunner failed (exit ${String(r.code)}):\n${r.stderr}\n${r.stdout}`);
        }
        return parsed;
      },
      async destroy() {
        // Hosts first (their namespaces take the moved veths with them), then the routes.
        await lab.destroy();
        await dropRoutes(routes);
      },
    };
    return self;
  } catch (e) {
    await lab.destroy();
    await dropRoutes(routes);
    throw e;
  }
}
