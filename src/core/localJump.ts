/**
 * The ProxyJump of the user's ssh config as the system OpenSSH evaluates it (`ssh -G`: Match
 * blocks, wildcards, Include — what the static reader in probes/sshConfigImport.ts leaves out),
 * turned into the jump chain a `diagnose <alias>` goes through, as `ssh alias` would. Each hop
 * named in it is looked up the same way (`ssh -G hop`: its HostName, Port, User, IdentityFile,
 * its own ProxyJump), and the chain is built by the one resolver, proxyJumpChain (loops
 * refused, at most MAX_JUMP_HOPS). Pure: `ssh -G` runs in the injected Local probe.
 */
import { MAX_JUMP_HOPS, proxyJumpChain, type HostConfig } from './jump';
import type { LocalEvidence } from './localModel';
import type { JumpHop, Target } from './model';
import type { ProbeOptions, Probes } from './probeContract';

class NotLookedUp extends Error {
  constructor(readonly alias: string) {
    super(alias);
  }
}

/** What `ssh -G alias` says, as the resolver's lookup needs it. */
function hostConfigOf(alias: string, local: LocalEvidence | undefined): HostConfig {
  const cfg = local?.config;
  if (cfg?.outcome !== 'ok') return { hostName: alias, port: 22 };
  const eff = cfg.effective;
  const identity = local!.keys.find((k) => k.source === 'config')?.path ?? cfg.configuredIdentityFiles[0];
  return {
    hostName: eff.hostname,
    port: eff.port,
    ...(eff.user ? { user: eff.user } : {}),
    ...(identity !== undefined ? { identityFile: identity } : {}),
    ...(eff.proxyJump !== undefined ? { proxyJump: eff.proxyJump } : {}),
  };
}

/**
 * The chain of a target whose own `ssh -G` names a ProxyJump the target did not already
 * carry; undefined when there is none to follow: a chain given (or refused with `--jump
 * none`) on the command line, no ProxyJump set by a configuration file, or no ssh config
 * evaluated. Throws the resolver's InputError for a loop or too many hops.
 */
export async function localJumpChain(typed: Target, local: LocalEvidence | undefined, probes: Probes, o: ProbeOptions): Promise<JumpHop[] | undefined> {
  const cfg = local?.config;
  if (typed.jump?.length || typed.sshConfig?.jumpGiven || !typed.sshConfig || !probes.local) return undefined;
  if (cfg?.outcome !== 'ok' || !cfg.configured.includes('proxyJump') || cfg.effective.proxyJump === undefined) return undefined;
  const value = cfg.effective.proxyJump;
  const known = new Map<string, HostConfig>();
  const lookup = (alias: string): HostConfig => {
    const c = known.get(alias.toLowerCase());
    if (!c) throw new NotLookedUp(alias);
    return c;
  };
  // Each round looks up one more alias the resolver asked for: bounded by the hops it allows
  // (each hop's name, and the first hop's own chain, at most MAX_JUMP_HOPS deep).
  for (let round = 0; round <= 2 * MAX_JUMP_HOPS; round++) {
    try {
      const hops = proxyJumpChain(value, lookup, { from: typed.host, ...(cfg.effective.user ? { defaultUser: cfg.effective.user } : {}) });
      return hops.length ? hops : undefined;
    } catch (e) {
      if (!(e instanceof NotLookedUp)) throw e;
      const hop = await probes.local({ host: e.alias, ...(typed.sshConfig.file !== undefined ? { configFile: typed.sshConfig.file } : {}) }, o);
      known.set(e.alias.toLowerCase(), hostConfigOf(e.alias, hop));
    }
  }
  return undefined;
}
