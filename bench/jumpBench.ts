/**
 * Through a bastion: a two-hop healthy diagnosis (bastion, then the private host through a
 * direct-tcpip channel, a login on both) beside the single-hop one of the bastion alone. The
 * target (issue 10): at most the single-hop time plus one hop's handshake. The engine runs in
 * a client namespace without a default route (test/support/jumpLab.ts).
 */
import * as path from 'path';
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
