/**
 * Through a bastion: a two-hop healthy diagnosis (bastion, then the private host through a
 * direct-tcpip channel, a login on both) beside the single-hop one of the bastion alone. The
 * target (issue 10): at most the single-hop time plus one hop's handshake. The engine runs in
 * a client namespace without a default route (test/support/jumpLab.ts).
 */
import * as path from 'path';
import type { VerdictCode } from '../src/core/model';
import { createJumpTopology } from '../test/support/jumpLab';
import { ms, table, type TargetRow } from './table';

const REPEATS = 11;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runJumpBench(out: (s: string) => void): Promise<TargetRow[]> {
  const j = await createJumpTopology();
  try {
    const bastion = await j.addBastion({ label: 'bench-bastion', sshd: {} });
    const priv = await j.addBehind(bastion, { label: 'bench-private', sshd: {} });
    await j.assertIsolation();
    const kh = j.lab.writeKnownHosts([bastion.knownHostsLine, priv.knownHostsLine]);
    const runner = path.join(__dirname, 'jumpBenchRunner.js');
    const r = await j.runNode(runner, [JSON.stringify({ bastion: bastion.ipv4, private: priv.ipv4, user: j.lab.user, key: j.lab.clientKeyPath, knownHosts: kh, repeats: REPEATS })], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`jump bench runner failed (${r.code}): ${r.stderr}`);
    const m = JSON.parse(r.stdout) as { single: number[]; double: number[]; hopHandshake: number[]; verdicts: string[] };
    const single = median(m.single);
    const double = median(m.double);
    const hop = median(m.hopHandshake);
    out('\nThrough a bastion (healthy, a login on every hop; median of ' + `${REPEATS} runs)`);
    out(table(['diagnosis', 'median', 'min', 'max'], [
      ['single hop (the bastion alone)', ms(single), ms(Math.min(...m.single)), ms(Math.max(...m.single))],
      ['two hops (bastion → private host)', ms(double), ms(Math.min(...m.double)), ms(Math.max(...m.double))],
      ["one hop's handshake (hop 2: channel, banner, kex + login)", ms(hop), ms(Math.min(...m.hopHandshake)), ms(Math.max(...m.hopHandshake))],
    ]));
    const ok = m.verdicts.every((v) => v === 'OK/OK');
    // What the chain costs beyond its parts, run by run (the two runs of a pair are back to back).
    const overhead = median(m.double.map((d, i) => d - m.single[i]! - m.hopHandshake[i]!));
    out(`two hops minus (single hop + one hop's handshake), per run pair: median ${ms(overhead)}`);
    return [{
      metric: 'two-hop healthy diagnosis',
      measured: ms(double),
      target: `≤ ${ms(single + hop)} (single hop ${ms(single)} + one hop's handshake ${ms(hop)})`,
      pass: ok && double <= single + hop,
      note: ok ? `${REPEATS} runs each; per-pair overhead ${ms(overhead)}` : `verdicts ${m.verdicts.join(', ')}`,
    }];
  } finally {
    await j.destroy();
  }
}

/** Sweeps behind the bastion, shared and not, alternating; the median of each. */
const SWEEP_REPEATS = 3;

/**
 * A sweep of lab targets behind one bastion (healthy, filtered, closed): its wall time and the
 * connections the bastion sees (an nft counter of new connections to its port 22), with the
 * bastion's connection shared (now) and with one login per target (before: sharing off, as
 * every target of a sweep did before). Every verdict checked in both.
 */
export async function runBastionSweepBench(out: (s: string) => void): Promise<TargetRow[]> {
  const j = await createJumpTopology();
  try {
    const bastion = await j.addBastion({ label: 'bench-share-bastion', sshd: {}, nft: 'tcp dport 22 ct state new counter' });
    const kinds: Array<{ want: VerdictCode; host: Awaited<ReturnType<typeof j.addBehind>> }> = [
      { want: 'OK', host: await j.addBehind(bastion, { label: 'bench-share-ok', sshd: {}, extraAddresses: 12 }) },
      { want: 'PORT_FILTERED', host: await j.addBehind(bastion, { label: 'bench-share-filtered', sshd: {}, nft: 'tcp dport 22 drop', extraAddresses: 5 }) },
      { want: 'PORT_CLOSED', host: await j.addBehind(bastion, { label: 'bench-share-closed', extraAddresses: 4 }) },
    ];
    await j.assertIsolation();
    const want = new Map<string, VerdictCode>();
    for (const k of kinds) for (const a of k.host.ipv4All) want.set(a, k.want);
    const kh = j.lab.writeKnownHosts([bastion.knownHostsLine, kinds[0]!.host.knownHostsLine]);
    const count = async () => Number(/counter packets (\d+)/.exec((await bastion.exec(['nft', 'list', 'ruleset'])).stdout)?.[1] ?? NaN);
    const runner = path.join(__dirname, 'bastionSweepRunner.js');
    const runs: Record<'shared' | 'unshared', Array<{ wallMs: number; connections: number; wrong: string[] }>> = { shared: [], unshared: [] };
    for (let i = 0; i < SWEEP_REPEATS; i++) {
      for (const mode of ['unshared', 'shared'] as const) {
        const before = await count();
        const r = await j.runNode(runner, [JSON.stringify({
          targets: [...want.keys()], bastion: bastion.ipv4, user: j.lab.user, key: j.lab.clientKeyPath, knownHosts: kh, timeoutMs: 2000, share: mode === 'shared',
        })], { timeoutMs: 120_000 });
        if (r.code !== 0) throw new Error(`bastion sweep runner failed (${r.code}): ${r.stderr}`);
        const m = JSON.parse(r.stdout) as { wallMs: number; verdicts: Record<string, string> };
        const wrong = [...want].filter(([h, w]) => m.verdicts[h] !== w).map(([h, w]) => `${h}: ${m.verdicts[h] ?? 'none'} (want ${w})`);
        runs[mode].push({ wallMs: m.wallMs, connections: await count() - before, wrong });
      }
    }
    const med = (mode: 'shared' | 'unshared') => median(runs[mode].map((x) => x.wallMs));
    const conns = (mode: 'shared' | 'unshared') => runs[mode].map((x) => x.connections).join(', ');
    const wrongOf = (mode: 'shared' | 'unshared') => runs[mode].reduce((n, x) => n + x.wrong.length, 0);
    out(`\nA sweep of ${want.size} targets behind one bastion (13 healthy, 6 filtered, 5 closed; timeout 2 s; median of ${SWEEP_REPEATS} sweeps each)`);
    out(table(['bastion connection', 'wall time (median)', 'connections to the bastion (per sweep)', 'wrong verdicts (all sweeps)'], [
      ['one per target (before: sharing off)', ms(med('unshared')), conns('unshared'), String(wrongOf('unshared'))],
      ['shared (now)', ms(med('shared')), conns('shared'), String(wrongOf('shared'))],
    ]));
    for (const mode of ['unshared', 'shared'] as const) for (const x of runs[mode]) for (const w of x.wrong.slice(0, 3)) out(`  ${mode}: ${w}`);
    const oneEach = runs.shared.every((x) => x.connections === 1);
    return [{
      metric: `sweep of ${want.size} targets behind one bastion, connection shared`,
      measured: `${ms(med('shared'))}, ${conns('shared')} connection(s)`,
      target: `1 connection per sweep; every verdict right (before: ${ms(med('unshared'))}, ${conns('unshared')} connections)`,
      pass: oneEach && wrongOf('shared') === 0,
      note: `wall time shared/unshared ${(med('shared') / med('unshared')).toFixed(2)}x`,
    }];
  } finally {
    await j.destroy();
  }
}
