/**
 * (lab) A sweep through bastions shares one connection to each: real sshd bastions in front of
 * private hosts (jumpLab.ts; the CLI runs in a namespace without a default route), targets
 * from an ssh config with ProxyJump. What is counted is the bastion's own view: an nft
 * counter of new connections to its port 22 and sshd's "Accepted publickey" lines — never our
 * own bookkeeping. Also: a bastion that kills the shared connection mid-sweep (its sshd child
 * for that connection), and a Ctrl-C mid-sweep that leaves no socket or child behind.
 */
import * as assert from 'assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Report, VerdictCode } from '../../src/core/model';
import { createJumpTopology, type JumpTopology } from '../support/jumpLab';
import { labUnavailableReason, type LabHost } from '../support/lab';
import { CLI_PATH, cliUnavailableReason } from '../support/labEngine';
import { alivePids, childPids, openSockets } from '../support/procCount';
import { assertReportSchema } from '../support/reportSchema';
import { killSessions } from '../support/sshdProcs';

/** Counts each new TCP connection to the bastion's sshd (the first SYN of each). */
const COUNT_SSH = 'tcp dport 22 ct state new counter';
const TIMEOUT_MS = '2000';

describe('(lab) sweep: targets behind one bastion share one connection to it', function () {
  this.timeout(180_000);
  let j: JumpTopology | undefined;
  let bastionA: LabHost, bastionB: LabHost;
  let healthy: LabHost, filtered: LabHost, closed: LabHost, healthyB: LabHost;
  let kh = '';
  let dir = '';

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED bastion sharing lab tests: ${reason}`);
      this.skip();
    }
    j = await createJumpTopology();
    [bastionA, bastionB] = await Promise.all([
      j.addBastion({ label: 'share-bastion-a', sshd: {}, nft: COUNT_SSH }),
      // MaxSessions 1: OpenSSH counts only session channels, not the direct-tcpip channels
      // of a jump (core/bastionPool.ts), so six targets at once through one login still work.
      j.addBastion({ label: 'share-bastion-b', sshd: { extraConfig: ['MaxSessions 1'] }, nft: COUNT_SSH }),
    ]);
    [healthy, filtered, closed, healthyB] = await Promise.all([
      j.addBehind(bastionA, { label: 'share-healthy', sshd: {}, extraAddresses: 5 }),
      j.addBehind(bastionA, { label: 'share-filtered', sshd: {}, nft: 'tcp dport 22 drop', extraAddresses: 2 }),
      j.addBehind(bastionA, { label: 'share-closed', extraAddresses: 2 }),
      j.addBehind(bastionB, { label: 'share-healthy-b', sshd: {}, extraAddresses: 5 }),
    ]);
    await j.assertIsolation();
    kh = j.lab.writeKnownHosts([bastionA, bastionB, healthy, healthyB].map((h) => h.knownHostsLine));
    dir = fs.mkdtempSync(path.join(j.lab.dir, 'share-'));
  });

  after(async () => {
    await j?.destroy();
  });

  /** New connections the bastion's nft counted so far, and sshd's logins. */
  const connections = async (b: LabHost) => Number(/counter packets (\d+)/.exec((await b.exec(['nft', 'list', 'ruleset'])).stdout)?.[1] ?? NaN);
  const logins = (b: LabHost) => (b.log().match(/Accepted publickey for /g) ?? []).length;

  /** An ssh config with one Host per address, each with ProxyJump through its bastion. */
  const config = (name: string, rows: Array<{ host: LabHost; bastion: LabHost; want: VerdictCode }>) => {
    const expected = new Map<string, VerdictCode>();
    const lines: string[] = [];
    let n = 0;
    for (const r of rows) {
      for (const a of r.host.ipv4All) {
        const alias = `${r.host.label}-${n++}`;
        lines.push(`Host ${alias}`, `  HostName ${a}`, `  User ${j!.lab.user}`, `  ProxyJump ${j!.lab.user}@${r.bastion.ipv4}`);
        expected.set(alias, r.want);
      }
    }
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return { file, expected };
  };
  const sweepArgs = (file: string, concurrency: string) => [
    'sweep', '--ssh-config', file, '-i', j!.lab.clientKeyPath, '--known-hosts', kh, '--timeout', TIMEOUT_MS,
    '--alt-ports', '2222', '--concurrency', concurrency, '--json',
  ];
  const parse = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Report & { error?: string });
  const wrongOnes = (reports: Array<Report & { error?: string }>, expected: Map<string, VerdictCode>) => reports
    .filter((r) => r.verdict?.code !== expected.get(r.target.name!))
    .map((r) => `${r.target.name}: want ${expected.get(r.target.name!)}, got ${r.verdict?.code ?? r.error} — ${r.verdict?.summary ?? ''}`);

  it('12 targets behind one bastion (healthy, filtered, closed): every verdict right, and the bastion sees exactly one connection', async () => {
    const { file, expected } = config('one-bastion', [
      { host: healthy, bastion: bastionA, want: 'OK' },
      { host: filtered, bastion: bastionA, want: 'PORT_FILTERED' },
      { host: closed, bastion: bastionA, want: 'PORT_CLOSED' },
    ]);
    assert.equal(expected.size, 12);
    const before = { syn: await connections(bastionA), logins: logins(bastionA) };
    const r = await j!.runCli(sweepArgs(file, '32'), { timeoutMs: 90_000 });
    assert.equal(r.code, 1, `exit 1: some targets are not OK\n${r.stderr}`);
    const reports = parse(r.stdout);
    assert.equal(reports.length, 12);
    for (const x of reports) assertReportSchema(x);
    assert.deepEqual(wrongOnes(reports, expected), []);
    assert.equal(await connections(bastionA) - before.syn, 1, 'one TCP connection to the bastion (its nft counter)');
    assert.equal(logins(bastionA) - before.logins, 1, "one login in the bastion's sshd log");
    // Each report still says what was checked about the bastion: once for real, the rest shared.
    const hop1 = reports.map((x) => x.checks.filter((c) => c.hop === 1));
    assert.ok(hop1.every((cs) => cs.length >= 3 && cs.some((c) => c.id === 'hop1.tcp') && cs.every((c) => c.id.startsWith('hop1.'))), 'the bastion checks in every report');
    const shared = hop1.filter((cs) => cs.every((c) => (c.evidence.shared as { connectionShared?: boolean } | undefined)?.connectionShared));
    assert.equal(shared.length, 11, 'eleven reports reuse the first one\'s bastion checks');
    assert.ok(shared.every((cs) => cs.every((c) => /checked once for this sweep at \d\d:\d\d:\d\d/.test(c.summary))));
    assert.equal(hop1.filter((cs) => cs.every((c) => c.evidence.shared === undefined)).length, 1, 'one report ran them');
  });

  it('two bastions: one connection each (one of them with MaxSessions 1: jump channels are not sessions)', async () => {
    const { file, expected } = config('two-bastions', [
      { host: healthy, bastion: bastionA, want: 'OK' },
      { host: healthyB, bastion: bastionB, want: 'OK' },
    ]);
    const before = [await connections(bastionA), await connections(bastionB)];
    const r = await j!.runCli(sweepArgs(file, '32'), { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(wrongOnes(parse(r.stdout), expected), []);
    assert.deepEqual([await connections(bastionA) - before[0]!, await connections(bastionB) - before[1]!], [1, 1]);
  });

  it('the bastion kills the shared connection mid-sweep: logged in to again once, and no target gets a wrong verdict', async () => {
    const { file, expected } = config('killed', [
      // The filtered ones hold the sweep for whole timeouts: it is still running at the kill.
      { host: filtered, bastion: bastionA, want: 'PORT_FILTERED' },
      { host: healthy, bastion: bastionA, want: 'OK' },
      { host: closed, bastion: bastionA, want: 'PORT_CLOSED' },
    ]);
    const before = { syn: await connections(bastionA), logins: logins(bastionA) };
    let finished = false;
    const run = j!.runCli(sweepArgs(file, '4'), { timeoutMs: 120_000 }).finally(() => { finished = true; });
    // Wait for the login, then kill sshd's processes for that connection (not its listener).
    for (let i = 0; i < 200 && logins(bastionA) === before.logins; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(logins(bastionA) - before.logins, 1, 'the sweep logged in to the bastion');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!finished, 'the sweep is still running at the kill');
    const killed = await killSessions(bastionA);
    assert.ok(killed > 0, 'an sshd child served the shared connection');
    const r = await run;
    const reports = parse(r.stdout);
    assert.equal(reports.length, expected.size, r.stderr);
    assert.deepEqual(wrongOnes(reports, expected), [], 'every target its own verdict, none from the cut connection');
    assert.equal(await connections(bastionA) - before.syn, 2, 'one connection, then one reconnect: no more');
    assert.equal(logins(bastionA) - before.logins, 2);
  });

  it('Ctrl-C mid-sweep: the shared connection is closed, no socket or child process left', async () => {
    const { file } = config('cancel', [
      { host: healthy, bastion: bastionA, want: 'OK' },
      { host: filtered, bastion: bastionA, want: 'PORT_FILTERED' },
    ]);
    const child = spawn('ip', ['netns', 'exec', j!.clientNs!, process.execPath, CLI_PATH, ...sweepArgs(file, '4').filter((a) => a !== '--json')],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const established = async () => (await bastionA.exec(['ss', '-Htn', 'state', 'established', '( sport = :22 )'])).stdout.split('\n').filter(Boolean).length;
    // `ip netns exec` execs node in place: the pid is the sweep's own.
    let open = 0;
    for (let i = 0; i < 200 && (await established()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 800));
    open = openSockets(child.pid!);
    assert.ok(open >= 1, `the sweep holds its connection to the bastion (${open} sockets)`);
    assert.equal(await established(), 1, 'one connection to the bastion while it runs');
    const kids = childPids(child.pid!);
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 6000))]);
    if (code === 'hung') child.kill('SIGKILL');
    // It ends by itself only when nothing is left open: no socket, timer or child.
    assert.equal(code, 2, `exit 2 on a cancel, without being killed\n${stdout}\n${stderr}`);
    assert.match(stderr, /cancelled \(\d+ of 9 targets finished\)/);
    assert.deepEqual(alivePids(kids), [], 'no child process outlives the sweep');
    for (let i = 0; i < 40 && (await established()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(await established(), 0, 'the bastion sees the shared connection closed');
  });
});
