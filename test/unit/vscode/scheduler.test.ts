// (unit) The reachability scheduler against real loopback sockets: states, the concurrency
// bound, exponential backoff and the pause while unfocused.
import * as assert from 'assert';
import * as net from 'net';
import { lightCheck, type LightCheck } from '../../../src/vscode/reachability/lightCheck';
import { ReachabilityScheduler } from '../../../src/vscode/reachability/scheduler';
import { CancelledError } from '../../../src/core/model';
import { FakeClock, settle } from '../../support/fakeClock';
import { closedPort } from '../../support/ports';

interface Server { port: number; close(): Promise<void>; maxOpen: number; accepted: number; readonly open: number }

/** A loopback TCP server: 'ssh' greets, 'silent' holds the socket open without a word. */
async function server(kind: 'ssh' | 'silent'): Promise<Server> {
  const sockets = new Set<net.Socket>();
  const s: Server = { port: 0, maxOpen: 0, accepted: 0, close: async () => undefined, get open() { return sockets.size; } };
  const srv = net.createServer((sock) => {
    sockets.add(sock);
    s.accepted++;
    s.maxOpen = Math.max(s.maxOpen, sockets.size);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    if (kind === 'ssh') sock.write('SSH-2.0-OpenSSH_9.2p1 Test\r\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  s.port = (srv.address() as net.AddressInfo).port;
  s.close = () => new Promise<void>((r) => {
    for (const x of sockets) x.destroy();
    srv.close(() => r());
  });
  return s;
}


function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (pred() ? resolve() : Date.now() > end ? reject(new Error('timed out waiting')) : setTimeout(tick, 10));
    tick();
  });
}

describe('(unit) reachability scheduler', () => {
  const toClose: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (toClose.length) await toClose.pop()?.();
  });

  it('lightCheck: SSH greeting → reachable, silent → degraded, closed → unreachable', async () => {
    const ssh = await server('ssh');
    const silent = await server('silent');
    toClose.push(ssh.close, silent.close);
    const port = await closedPort();
    const sig = new AbortController().signal;
    const a = await lightCheck({ host: '127.0.0.1', port: ssh.port, protocol: 'ssh' }, 1000, sig);
    assert.deepStrictEqual([a.state, a.reason], ['reachable', 'ssh']);
    assert.match(a.detail, /^SSH-2\.0-OpenSSH_9\.2p1/);
    assert.ok(typeof a.latencyMs === 'number' && a.latencyMs >= 0);
    const t0 = Date.now();
    const b = await lightCheck({ host: '127.0.0.1', port: silent.port, protocol: 'ssh' }, 300, sig);
    assert.deepStrictEqual([b.state, b.reason], ['degraded', 'banner-timeout']);
    assert.ok(Date.now() - t0 < 1000, 'bounded by the timeout');
    const c = await lightCheck({ host: '127.0.0.1', port, protocol: 'ssh' }, 1000, sig);
    // Refused: the host answered (a reset), so the tree says "port closed", not an error.
    assert.deepStrictEqual([c.state, c.reason, c.detail, c.tcp?.outcome], ['unreachable', 'refused', 'ECONNREFUSED', 'refused']);
    // RDP: a completed connect is enough (RDP servers speak second).
    const d = await lightCheck({ host: '127.0.0.1', port: silent.port, protocol: 'rdp' }, 1000, sig);
    assert.deepStrictEqual([d.state, d.reason], ['reachable', 'connected']);
  });

  it('lightCheck follows the probe contract: a cancel rejects and leaves no socket open', async () => {
    const silent = await server('silent');
    toClose.push(silent.close);
    const ac = new AbortController();
    const run = lightCheck({ host: '127.0.0.1', port: silent.port, protocol: 'ssh' }, 5000, ac.signal);
    await waitFor(() => silent.accepted === 1, 2000);
    ac.abort(new CancelledError());
    await assert.rejects(run, CancelledError);
    await waitFor(() => silent.open === 0, 2000);
    // Already cancelled: rejects at once, connects nowhere.
    await assert.rejects(lightCheck({ host: '127.0.0.1', port: silent.port, protocol: 'ssh' }, 5000, ac.signal), CancelledError);
    assert.strictEqual(silent.accepted, 1);
  });

  it('never opens more than maxConcurrent sockets, and checks every target', async () => {
    const silent = await server('silent');
    toClose.push(silent.close);
    const changes: string[] = [];
    // Counted independently of the scheduler's own bookkeeping: checks (= sockets) alive now.
    let alive = 0;
    let maxAlive = 0;
    const check: LightCheck = async (t, ms, sig) => {
      maxAlive = Math.max(maxAlive, ++alive);
      try { return await lightCheck(t, ms, sig); } finally { alive--; }
    };
    const s = new ReachabilityScheduler({
      check, intervalMs: 60_000, timeoutMs: 150, maxConcurrent: 3,
      onChange: (id, info) => { if (info.state !== 'checking') changes.push(id); },
    });
    toClose.push(() => s.dispose());
    s.setTargets(Array.from({ length: 20 }, (_, i) => ({ id: `i${i}`, host: '127.0.0.1', port: silent.port, protocol: 'ssh' as const })));
    await waitFor(() => new Set(changes).size === 20, 5000);
    assert.strictEqual(maxAlive, 3);
    assert.strictEqual(s.maxInFlight, 3);
    assert.strictEqual(silent.accepted, 20);
    assert.strictEqual(s.get('i7')?.state, 'degraded');
  });

  /** A check that opens no socket: answers from `up`, and records when (virtual time) it ran. */
  function scripted(clock: FakeClock, up: () => boolean) {
    const times: number[] = [];
    const check: LightCheck = async () => {
      times.push(clock.now());
      return up() ? { state: 'reachable', reason: 'ssh', latencyMs: 1, detail: 'SSH-2.0-Test' } : { state: 'unreachable', reason: 'error', detail: 'ECONNREFUSED' };
    };
    return { times, check };
  }

  it('backs off exponentially while unreachable and resets on success (virtual clock)', async () => {
    assert.deepStrictEqual([0, 1, 2, 3, 10].map((f) => ReachabilityScheduler.nextDelay(100, f, 1000)), [100, 200, 400, 800, 1000]);
    const clock = new FakeClock();
    let up = false;
    const { times, check } = scripted(clock, () => up);
    const s = new ReachabilityScheduler({ check, clock, intervalMs: 40, timeoutMs: 500, maxConcurrent: 1, maxBackoffMs: 10_000 });
    toClose.push(() => s.dispose());
    s.setTargets([{ id: 'x', host: '127.0.0.1', port: 1, protocol: 'ssh' }]);
    await clock.advance(600);
    // Due at once, then 80, 160, 320 ms after each failure: the interval doubled per failure.
    assert.deepStrictEqual(times, [0, 80, 240, 560]);
    assert.strictEqual(s.get('x')?.failures, 4);
    // The service comes back: one success resets the backoff to the plain interval.
    up = true;
    s.checkNow('x');
    await settle();
    assert.deepStrictEqual([s.get('x')?.state, s.get('x')?.failures, times.at(-1)], ['reachable', 0, 600]);
    await clock.advance(40);
    assert.deepStrictEqual(times.slice(-2), [600, 640]);
  });

  it('starts no check while unfocused and resumes when focused (virtual clock)', async () => {
    const clock = new FakeClock();
    const { times, check } = scripted(clock, () => true);
    const s = new ReachabilityScheduler({ check, clock, intervalMs: 30, timeoutMs: 500, maxConcurrent: 2 });
    toClose.push(() => s.dispose());
    s.setFocused(false);
    // New targets (an import) while unfocused: nothing runs, and no timer is even armed.
    s.setTargets([{ id: 'a', host: '127.0.0.1', port: 1, protocol: 'ssh' }, { id: 'b', host: '127.0.0.1', port: 2, protocol: 'ssh' }]);
    await clock.advance(10_000);
    assert.deepStrictEqual([times.length, clock.pending, s.get('a')?.state], [0, 0, 'unknown']);
    s.setFocused(true);
    await settle();
    assert.deepStrictEqual([times.length, s.get('a')?.state, s.get('b')?.state], [2, 'reachable', 'reachable']);
    await clock.advance(60); // the interval keeps running while focused: two more rounds
    assert.strictEqual(times.length, 6);
    s.setFocused(false);
    await clock.advance(10_000);
    assert.strictEqual(times.length, 6);
  });

  it('checkNowAndWait (Check All Now) resolves only after a check that started after the call', async () => {
    const clock = new FakeClock();
    const gates: Array<() => void> = [];
    const started: string[] = [];
    // Each check waits for the test to let it finish, so "under way" and "done" are explicit.
    const check: LightCheck = (t) => new Promise((resolve) => {
      started.push(`${t.port}`);
      gates.push(() => resolve({ state: 'reachable', reason: 'ssh', latencyMs: 1, detail: 'SSH-2.0-Test' }));
    });
    const s = new ReachabilityScheduler({ check, clock, intervalMs: 60_000, timeoutMs: 500, maxConcurrent: 1 });
    toClose.push(() => s.dispose());
    s.setTargets([{ id: 'a', host: '127.0.0.1', port: 1, protocol: 'ssh' }, { id: 'b', host: '127.0.0.1', port: 2, protocol: 'ssh' }]);
    await settle();
    assert.deepStrictEqual(started, ['1']); // a is under way, b waits for the one slot
    let resolved = false;
    const all = s.checkNowAndWait(['a', 'b', 'gone']).then(() => { resolved = true; });
    await clock.advance(1);
    gates.shift()!(); // a's check from before the call ends: not enough for a
    await settle();
    assert.deepStrictEqual([started, resolved], [['1', '2'], false]);
    gates.shift()!(); // b done
    await settle();
    assert.deepStrictEqual([started, resolved], [['1', '2', '1'], false]); // a checked again
    gates.shift()!();
    await all;
    assert.strictEqual(resolved, true);
    // A removed target releases its waiter instead of hanging it.
    const pending = s.checkNowAndWait(['b']);
    await settle();
    s.setTargets([{ id: 'a', host: '127.0.0.1', port: 1, protocol: 'ssh' }]);
    await pending;
  });

  it('dispose aborts running checks and drops removed targets', async () => {
    const silent = await server('silent');
    toClose.push(silent.close);
    const s = new ReachabilityScheduler({ check: lightCheck, intervalMs: 1000, timeoutMs: 5000, maxConcurrent: 4 });
    s.setTargets([{ id: 'a', host: '127.0.0.1', port: silent.port, protocol: 'ssh' }, { id: 'b', host: '127.0.0.1', port: silent.port, protocol: 'ssh' }]);
    await waitFor(() => s.running === 2, 2000);
    s.setTargets([{ id: 'a', host: '127.0.0.1', port: silent.port, protocol: 'ssh' }]);
    assert.strictEqual(s.get('b'), undefined);
    s.dispose();
    await waitFor(() => s.running === 0, 1000);
  });
});
