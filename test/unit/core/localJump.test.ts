// (unit) The ProxyJump `ssh -G` evaluates, as a jump chain (core/localJump.ts): each hop named
// in it looked up with `ssh -G` too (the fake Local probe below), the first hop's own
// ProxyJump followed, loops refused, and nothing followed when the user gave --jump (even none)
// or when no configuration file set a ProxyJump.
import * as assert from 'assert';
import { JumpLoopError } from '../../../src/core/jump';
import { localJumpChain } from '../../../src/core/localJump';
import type { LocalEvidence } from '../../../src/core/localModel';
import type { Target } from '../../../src/core/model';
import type { LocalContext, Probes } from '../../../src/core/probeContract';
import type { ConfiguredField } from '../../../src/core/sshConfigEffective';

type Block = { hostname?: string; user?: string; port?: number; identityFile?: string; proxyJump?: string };

/** `ssh -G` over a config of blocks by alias; asked aliases recorded. */
function fakeLocal(blocks: Record<string, Block>, asked: string[]): NonNullable<Probes['local']> {
  return async (ctx: LocalContext) => {
    asked.push(ctx.host);
    return evidence(ctx.host, blocks[ctx.host] ?? {});
  };
}

function evidence(alias: string, b: Block): LocalEvidence {
  const configured: ConfiguredField[] = [];
  if (b.hostname) configured.push('hostname');
  if (b.proxyJump) configured.push('proxyJump');
  if (b.identityFile) configured.push('identityFiles');
  return {
    host: alias, platform: 'linux', durationMs: 1, keys: b.identityFile ? [{ path: b.identityFile, source: 'config', exists: true, readable: true }] : [],
    config: {
      outcome: 'ok', executable: 'ssh', durationMs: 1, configured, configuredIdentityFiles: b.identityFile ? [b.identityFile] : [],
      effective: {
        hostname: b.hostname ?? alias, user: b.user ?? 'me', port: b.port ?? 22, identityFiles: b.identityFile ? [b.identityFile] : [],
        ...(b.proxyJump ? { proxyJump: b.proxyJump } : {}), strictHostKeyChecking: 'ask', userKnownHostsFiles: [], identitiesOnly: false,
      },
    },
  };
}

const typed = (over: Partial<Target> = {}): Target => ({
  host: 'db', port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 1000, icmp: true, sshConfig: { userGiven: false, portGiven: false }, ...over,
});
const o = { timeoutMs: 1000, signal: new AbortController().signal };

describe('(unit) the ProxyJump ssh -G evaluates, as a jump chain', () => {
  const blocks: Record<string, Block> = {
    db: { hostname: '10.0.1.5', proxyJump: 'inner' },
    inner: { hostname: '10.0.0.9', user: 'ops', proxyJump: 'edge' },
    edge: { hostname: '203.0.113.5', port: 2222, identityFile: '/k/edge' },
    loopa: { proxyJump: 'loopb' },
    loopb: { proxyJump: 'loopa' },
  };

  it('each hop looked up with ssh -G; the first hop\'s own ProxyJump comes first', async () => {
    const asked: string[] = [];
    const probes = { local: fakeLocal(blocks, asked) } as unknown as Probes;
    const chain = await localJumpChain(typed(), evidence('db', blocks.db!), probes, o);
    assert.deepStrictEqual(chain, [
      { host: '203.0.113.5', port: 2222, user: 'me', identityFile: '/k/edge', name: 'edge' },
      { host: '10.0.0.9', port: 22, user: 'ops', name: 'inner' },
    ]);
    assert.deepStrictEqual(asked, ['inner', 'edge']);
  });

  it('nothing to follow: --jump given (even none), a chain already there, no ProxyJump set, no config evaluated', async () => {
    const probes = { local: fakeLocal(blocks, []) } as unknown as Probes;
    const db = evidence('db', blocks.db!);
    assert.strictEqual(await localJumpChain(typed({ sshConfig: { userGiven: false, portGiven: false, jumpGiven: true } }), db, probes, o), undefined);
    assert.strictEqual(await localJumpChain(typed({ jump: [{ host: 'x', port: 22 }] }), db, probes, o), undefined);
    assert.strictEqual(await localJumpChain(typed(), evidence('web', {}), probes, o), undefined);
    assert.strictEqual(await localJumpChain(typed({ sshConfig: undefined }), db, probes, o), undefined, 'the extension: no ssh -G applied');
    assert.strictEqual(await localJumpChain(typed(), undefined, probes, o), undefined);
  });

  it('a loop is refused, never followed', async () => {
    const probes = { local: fakeLocal(blocks, []) } as unknown as Probes;
    await assert.rejects(localJumpChain(typed({ host: 'loopa' }), evidence('loopa', blocks.loopa!), probes, o), JumpLoopError);
  });
});
