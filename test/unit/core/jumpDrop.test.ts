/**
 * (unit) A bastion's session dropped while the hop behind it is probed, in a single diagnosis:
 * the decision (sessionLoss.ts) on fake walks, and the whole chain engine on scripted probes
 * whose bastion session drops mid-probe (a fake of the session interface with `lost`/`onLost`).
 */
import * as assert from 'assert';
import { diagnose } from '../../../src/core/diagnose';
import { isCancelled } from '../../../src/core/cancel';
import type { BannerResult, SshResult, Target, TcpResult } from '../../../src/core/model';
import type { JumpSession, OpenConnection, Probes, SshContext } from '../../../src/core/probeContract';
import { MAX_DROP_RETRIES, lostHop, seenOverLost, walkWithReconnect } from '../../../src/core/sessionLoss';

class FakeConn implements OpenConnection {
  constructor(readonly address: string, readonly port: number) {}
  close(): void { /* nothing open */ }
}

/** A session as Ssh2JumpSession tells a drop: `lost` and the listeners, never after close. */
class FakeSession implements JumpSession {
  lost = false;
  closed = false;
  private readonly listeners: Array<() => void> = [];
  constructor(readonly via: string, private readonly log: string[]) {}
  drop(): void {
    if (this.closed || this.lost) return;
    this.lost = true;
    this.log.push(`dropped ${this.via}`);
    for (const l of this.listeners.splice(0)) l();
  }
  onLost(l: () => void): void { if (this.lost) l(); else if (!this.closed) this.listeners.push(l); }
  async forward(host: string, port: number) {
    this.log.push(`forward ${this.via}→${host}:${port}`);
    const result: TcpResult = { outcome: 'connected', address: host, port, deadlineMs: 1000, durationMs: 1, forward: { kind: 'opened', via: this.via } };
    return this.lost
      ? { result: { ...result, outcome: 'error' as const, forward: { kind: 'error' as const, via: this.via, message: 'Not connected' } } }
      : { result, connection: new FakeConn(host, port) };
  }
  close(): void { this.closed = true; this.log.push(`close ${this.via}`); }
}

const bannerOk: BannerResult = { outcome: 'ssh', line: 'SSH-2.0-OpenSSH_9.2', durationMs: 1 };
const sshOk = (): SshResult => ({
  handshake: 'ok', client: 'ssh2', algorithms: { kex: 'curve25519-sha256', serverHostKey: 'ssh-ed25519', cipher: 'aes128-ctr', mac: 'hmac-sha2-256', compress: 'none' },
  hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:x', status: 'match', knownHostsPath: '/kh', knownEntries: [] },
  authMethods: ['publickey'], login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' }, durationMs: 1,
});
const BASTION = '203.0.113.5';
const TARGET = '10.0.1.5';

/**
 * Probes of a bastion and one target behind it. `drops(k)`: whether the bastion's k-th
 * session (1-based) is dropped while the target's banner is awaited — the banner then sees the
 * channel's EOF, as over a real cut connection. `bastionDown(k)`: the k-th connect to the
 * bastion is refused (it stopped accepting).
 */
function scripted(o: { drops: (k: number) => boolean; bastionDown?: (k: number) => boolean }, log: string[]): Probes {
  let sessions = 0;
  let connects = 0;
  let current: FakeSession | undefined;
  return {
    dns: async (host) => ({ ok: true, literal: true, addresses: [{ address: host, family: 4 }], durationMs: 0 }),
    icmp: async (address) => ({ outcome: 'reply', method: 'raw-socket', address, rttMs: 1, durationMs: 1 }),
    tcp: async (address, port) => {
      connects++;
      log.push(`connect ${address}:${port}`);
      if (o.bastionDown?.(connects)) return { result: { outcome: 'refused', address, port, deadlineMs: 1000, durationMs: 1, errorCode: 'ECONNREFUSED' } };
      return { result: { outcome: 'connected', address, port, deadlineMs: 1000, durationMs: 1 }, connection: new FakeConn(address, port) };
    },
    banner: async (conn) => {
      if (conn.address === TARGET && current && o.drops(sessions)) {
        current.drop();
        return { outcome: 'closed', durationMs: 1 };
      }
      return bannerOk;
    },
    ssh: async (_conn, ctx: SshContext) => {
      log.push(`ssh ${ctx.host}`);
      if (ctx.keepSession) {
        sessions++;
        ctx.keepSession(current = new FakeSession(ctx.host, log));
      }
      // A login over a dropped bastion's channel would fail: an AUTH_FAILED-looking answer.
      return sshOk();
    },
    rdp: async () => ({ outcome: 'rdp', durationMs: 1 }),
  };
}

const chainTarget = (): Target => ({
  host: TARGET, port: 22, protocol: 'ssh', user: 'app', altPorts: [], timeoutMs: 1000, icmp: true,
  jump: [{ host: BASTION, port: 22, user: 'ops' }],
});

describe('(unit) sessionLoss: telling a dropped session, and looking again once', () => {
  const s = (lost?: boolean): JumpSession => ({ ...(lost === undefined ? {} : { lost }), forward: async () => { throw new Error('unused'); }, close: () => undefined });

  it('lostHop: the upstream-most dropped session, by hop; a session that cannot tell is taken as it is', () => {
    assert.strictEqual(lostHop([]), undefined);
    assert.strictEqual(lostHop([s(false), s(false)]), undefined);
    assert.strictEqual(lostHop([s(), s()]), undefined);
    assert.strictEqual(lostHop([s(false), s(true)]), 2);
    assert.strictEqual(lostHop([s(true), s(true)]), 1, 'the hop behind a dropped one closes with it: the first one is the cause');
    assert.strictEqual(seenOverLost(undefined), false);
    assert.strictEqual(seenOverLost(s(true)), true);
  });

  it('no drop: one walk; dropped once: one more, that stands; dropped again: keepsDropping, bounded', async () => {
    const signal = new AbortController().signal;
    const walks = (seq: Array<number | undefined>) => {
      let k = 0;
      return { walk: async () => ({ k: ++k, ...(seq[k - 1] !== undefined ? { lostHop: seq[k - 1] } : {}) }), count: () => k };
    };
    let w = walks([undefined]);
    assert.deepStrictEqual(await walkWithReconnect(w.walk, signal), { kind: 'clean', walk: { k: 1 } });
    w = walks([1, undefined]);
    assert.deepStrictEqual(await walkWithReconnect(w.walk, signal), { kind: 'reconnected', walk: { k: 2 }, lostHop: 1 });
    w = walks([1, 1, 1, 1]);
    assert.deepStrictEqual(await walkWithReconnect(w.walk, signal), { kind: 'keepsDropping', walk: { k: 2, lostHop: 1 }, lostHop: 1, firstLostHop: 1 });
    assert.strictEqual(w.count(), 1 + MAX_DROP_RETRIES, 'never more walks than one plus the retries');
  });

  it('cancelled after the first walk: no reconnect', async () => {
    const ac = new AbortController();
    let k = 0;
    await assert.rejects(walkWithReconnect(async () => { k++; ac.abort(); return { lostHop: 1 }; }, ac.signal), (e: unknown) => isCancelled(e));
    assert.strictEqual(k, 1);
  });
});

describe('(unit) diagnose --jump: the bastion drops its session while the target is probed', () => {
  it('dropped once: logged in to again, the target diagnosed over the new session (OK), the drop said', async () => {
    const log: string[] = [];
    const r = await diagnose(chainTarget(), { probes: scripted({ drops: (k) => k === 1 }, log), credentials: { identityFile: '/k' } });
    assert.strictEqual(r.verdict.code, 'OK', r.verdict.summary);
    assert.strictEqual(r.verdict.hop, 2);
    assert.strictEqual(log.filter((l) => l === `ssh ${BASTION}`).length, 2, log.join('\n'));
    assert.ok(r.findings.some((f) => f.code === 'JUMP_CONNECTION_LOST'));
    // Only the fresh walk's checks: hop 2's banner once, and passed.
    assert.deepStrictEqual(r.checks.filter((c) => c.id === 'hop2.banner').map((c) => c.status), ['pass']);
  });

  it('dropped again after the reconnect: CONNECTION_CLOSED about the bastion (hop 1), no check of hop 2, in both languages', async () => {
    for (const lang of ['en', 'ko'] as const) {
      const log: string[] = [];
      const r = await diagnose(chainTarget(), { probes: scripted({ drops: () => true }, log), credentials: { identityFile: '/k' }, lang });
      assert.strictEqual(r.verdict.code, 'CONNECTION_CLOSED');
      assert.strictEqual(r.verdict.hop, 1);
      assert.match(r.verdict.title, lang === 'en' ? /Bastion ops@203\.0\.113\.5 keeps dropping the connection/ : /배스천\(ops@203\.0\.113\.5\)이 연결을 계속 끊습니다/);
      assert.ok(!r.checks.some((c) => c.hop === 2), r.checks.map((c) => c.id).join(' '));
      assert.ok(r.checks.some((c) => c.id === 'hop1.login' && c.status === 'pass'));
      assert.ok(r.verdict.remediation.length > 0);
      assert.strictEqual(log.filter((l) => l === `ssh ${BASTION}`).length, 2, 'one reconnect, no more');
    }
  });

  it('dropped, and the bastion no longer accepts: its own verdict (PORT_CLOSED on hop 1), saying the connection was lost', async () => {
    const log: string[] = [];
    const r = await diagnose(chainTarget(), { probes: scripted({ drops: () => true, bastionDown: (k) => k >= 2 }, log), credentials: { identityFile: '/k' } });
    assert.strictEqual(r.verdict.code, 'PORT_CLOSED');
    assert.strictEqual(r.verdict.hop, 1);
    assert.match(r.verdict.summary, /The connection to this bastion was lost during the diagnosis \(while hop 2 was being diagnosed\)/);
    assert.ok(r.findings.some((f) => f.code === 'JUMP_CONNECTION_LOST'));
    assert.ok(!r.checks.some((c) => c.hop === 2));
  });

  it('no drop: one login, as before, and no word of a lost connection', async () => {
    const log: string[] = [];
    const r = await diagnose(chainTarget(), { probes: scripted({ drops: () => false }, log), credentials: { identityFile: '/k' } });
    assert.strictEqual(r.verdict.code, 'OK');
    assert.strictEqual(log.filter((l) => l === `ssh ${BASTION}`).length, 1);
    assert.ok(!r.findings.some((f) => f.code === 'JUMP_CONNECTION_LOST'));
  });
});
