/**
 * (unit) The trace probe's own logic, with fake tools (executable scripts that print a real
 * output captured on this machine, test/unit/fixtures/trace) found by an injected lookup: a
 * tool that fails for lack of privilege is passed over for the next; the child gets a minimal
 * environment (no cloud key) and its argv; a user cancel kills the child and rejects. No
 * packet is sent: the fakes only print.
 */
import * as assert from 'assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { OutboundTcpTool } from '../../../src/core/trace';
import { probeTrace } from '../../../src/probes/trace';

const FIX = path.resolve(__dirname, '../../../../test/unit/fixtures/trace');
const GUEST = '10.213.250.10';

describe('(unit) trace probe with fake tools', () => {
  let dir: string;
  const fake = (name: string, body: string): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return f;
  };
  const printing = (fixture: string, code = 0) => `cat '${path.join(FIX, `${fixture}.txt`)}' | grep -v '^rc='\nexit ${code}`;

  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-trace-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('passes over a tool without privilege for the next one; the child gets argv and a minimal env', async () => {
    const tools: Partial<Record<OutboundTcpTool, string>> = {
      mtr: fake('mtr', printing('mtr_noperm', 1)),
      traceroute: fake('traceroute', `printf '%s\\n' "$@" > '${dir}/argv'; env > '${dir}/env'\n${printing('traceroute_filtered')}`),
    };
    process.env.TENCENTCLOUD_SECRET_KEY = 'must-not-reach-the-child';
    try {
      const t = await probeTrace(GUEST, 22, { timeoutMs: 1000, signal: new AbortController().signal }, { lookup: (tool) => tools[tool] });
      assert.equal(t.tool, 'traceroute');
      assert.equal(t.protocol, 'tcp');
      assert.deepEqual(t.skipped.map((s) => [s.tool, s.reason]), [['mtr', 'no-privilege']]);
      assert.match(t.skipped[0]!.detail ?? '', /Failure to start mtr-packet|Permission denied/);
      assert.deepEqual(t.hops.slice(0, 3).map((h) => h.address ?? '*'), ['10.213.250.1', '10.213.250.6', '*']);
      assert.equal(t.reached, false);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'argv'), 'utf8').trim().split('\n'), ['-T', '-p', '22', '-n', '-q', '1', '-w', '1', '-m', '20', GUEST]);
      const env = fs.readFileSync(path.join(dir, 'env'), 'utf8');
      assert.doesNotMatch(env, /TENCENTCLOUD|must-not-reach/);
      assert.match(env, /^LC_ALL=C$/m);
    } finally {
      delete process.env.TENCENTCLOUD_SECRET_KEY;
    }
  });

  it('a user cancel kills the running tool and rejects', async () => {
    const pidFile = path.join(dir, 'pid');
    const mtr = fake('mtr', `echo $$ > '${pidFile}'\nexec sleep 30`);
    const ac = new AbortController();
    const run = probeTrace(GUEST, 22, { timeoutMs: 1000, signal: ac.signal }, { lookup: (tool) => (tool === 'mtr' ? mtr : undefined) });
    for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    ac.abort();
    await assert.rejects(run, (e: Error) => e.name === 'CancelledError');
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try { process.kill(pid, 0); await new Promise((r) => setTimeout(r, 20)); } catch { alive = false; }
    }
    assert.equal(alive, false, `the tool (pid ${pid}) outlived the cancel`);
  });

  it('rejects what is not an IP address before running anything', async () => {
    await assert.rejects(probeTrace('example.com', 22, { timeoutMs: 1000, signal: new AbortController().signal }, { lookup: () => { throw new Error('looked up'); } }), RangeError);
  });
});
