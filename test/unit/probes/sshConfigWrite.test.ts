/**
 * (unit) "Add to SSH config" on real files (fixtures with Include, Match, comments, CRLF),
 * checked with OpenSSH itself: after the write, `ssh -G -F FILE alias` (which reads the
 * configuration and connects nowhere) resolves the alias to the instance's HostName, User,
 * Port and IdentityFile. An existing Host of that name — in the file or in a file it
 * Includes — is never replaced nor duplicated, Included files are never edited, and the file
 * is backed up and can be put back.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { undoFileChange } from '../../../src/probes/hostKeyTrust';
import { applyHostBlock, hostBlockProblem, planHostBlock, type HostBlockSpec } from '../../../src/probes/sshConfigWrite';

const FIXTURES = path.resolve(__dirname, '../../../../test/unit/probes/fixtures/sshconfig');

function sshG(file: string, alias: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', file, alias], { env: { PATH: process.env.PATH, HOME: path.dirname(file) }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const o: Record<string, string> = {};
  for (const l of out.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(l);
    if (m && !(m[1] in o)) o[m[1]] = m[2];
  }
  return o;
}

describe('(unit) ssh config: Add to SSH config', () => {
  let dir: string;
  let config: string;
  let included: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-sshcfg-'));
    included = path.join(dir, 'included.conf');
    fs.copyFileSync(path.join(FIXTURES, 'included.conf'), included);
    config = path.join(dir, 'config');
    fs.writeFileSync(config, fs.readFileSync(path.join(FIXTURES, 'with-include.conf'), 'utf8').replace('INCLUDED_PATH', included), { mode: 0o600 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const spec: HostBlockSpec = { alias: 'cvm-seoul', hostName: '10.213.9.2', user: 'ubuntu', port: 2222, identityFile: '/home/me/.ssh/cvm key', proxyJump: 'ops@10.213.9.3:22' };

  it('writes the block before "Host *" and Match, and OpenSSH resolves the alias to it', async () => {
    const includedBefore = fs.readFileSync(included, 'utf8');
    const original = fs.readFileSync(config, 'utf8');
    const plan = await planHostBlock(spec, config, dir);
    assert.ok(plan.ok && plan.value.kind === 'add');
    assert.equal(plan.value.block, [
      '# Added by CVM Doctor', 'Host cvm-seoul', '  HostName 10.213.9.2', '  User ubuntu', '  Port 2222',
      '  IdentityFile "/home/me/.ssh/cvm key"', '  IdentitiesOnly yes', '  ProxyJump ops@10.213.9.3:22',
    ].join('\n'));
    const r = await applyHostBlock(spec, plan.value, dir);
    assert.ok(r.ok && r.value);
    const g = sshG(config, 'cvm-seoul');
    assert.equal(g.hostname, '10.213.9.2');
    assert.equal(g.user, 'ubuntu'); // not "nobody" from Host *: the block comes before it
    assert.equal(g.port, '2222');
    assert.equal(g.identityfile, '/home/me/.ssh/cvm key');
    assert.equal(g.proxyjump, 'ops@[10.213.9.3]:22'); // OpenSSH's own spelling of the same jump
    assert.equal(sshG(config, 'web').user, 'deploy', 'the other hosts read as before');
    const text = fs.readFileSync(config, 'utf8');
    assert.ok(text.indexOf('Host cvm-seoul') < text.indexOf('# Defaults for everything else'), text);
    assert.equal(fs.readFileSync(included, 'utf8'), includedBefore, 'an Included file is never edited');
    assert.equal(fs.readFileSync(plan.value.backup, 'utf8'), original);
    assert.equal(fs.statSync(config).mode & 0o777, 0o600);
    // Undo, and the file is what it was.
    assert.ok((await undoFileChange(config, r.value)).ok);
    assert.equal(fs.readFileSync(config, 'utf8'), original);
  });

  it('never replaces nor duplicates a Host of that name, here or in an Included file', async () => {
    const here = await planHostBlock({ ...spec, alias: 'web' }, config, dir);
    assert.deepEqual(here, { ok: true, value: { kind: 'exists', alias: 'web', source: config } });
    const there = await planHostBlock({ ...spec, alias: 'cvm-included' }, config, dir);
    assert.deepEqual(there, { ok: true, value: { kind: 'exists', alias: 'cvm-included', source: included } });
  });

  it('CRLF and tab indentation are kept; a block goes at the end when there are no defaults', async () => {
    const crlf = path.join(dir, 'crlf');
    fs.copyFileSync(path.join(FIXTURES, 'crlf.conf'), crlf);
    const s = { alias: 'b', hostName: '10.213.9.5', user: 'root' };
    const plan = await planHostBlock(s, crlf, dir);
    assert.ok(plan.ok && plan.value.kind === 'add');
    assert.ok((await applyHostBlock(s, plan.value, dir)).ok);
    assert.equal(fs.readFileSync(crlf, 'utf8'), 'Host a\r\n\tHostName 198.51.100.40\r\n# trailing comment\r\n\r\n# Added by CVM Doctor\r\nHost b\r\n\tHostName 10.213.9.5\r\n\tUser root\r\n');
    assert.equal(sshG(crlf, 'b').hostname, '10.213.9.5');
  });

  it('a missing config is created (mode 600), and fields ssh would misread are refused', async () => {
    const fresh = path.join(dir, 'new', 'config');
    const s = { alias: 'c', hostName: '10.213.9.6' };
    const plan = await planHostBlock(s, fresh, dir);
    assert.ok(plan.ok && plan.value.kind === 'add');
    assert.ok((await applyHostBlock(s, plan.value, dir)).ok);
    assert.equal(fs.readFileSync(fresh, 'utf8'), '# Added by CVM Doctor\nHost c\n    HostName 10.213.9.6\n');
    assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);
    for (const [bad, field] of [[{ alias: 'a b', hostName: 'x' }, 'alias'], [{ alias: 'w*', hostName: 'x' }, 'alias'], [{ alias: 'a', hostName: 'x y' }, 'hostName'],
      [{ alias: 'a', hostName: 'x', user: 'u"' }, 'user'], [{ alias: 'a', hostName: 'x', identityFile: 'a"b' }, 'identityFile']] as const) {
      assert.equal(hostBlockProblem(bad as HostBlockSpec), field);
    }
  });
});
