/**
 * The Local layer's probe: the effective ssh configuration (localConfig.ts) and the agent
 * (agent.ts) at once, then the identity files that configuration will offer (localKeys.ts).
 * Milliseconds on a healthy machine; every part bounded by the probe timeout.
 */
import * as os from 'node:os';
import { identitiesToCheck } from '../core/local';
import type { LocalEvidence } from '../core/localModel';
import type { LocalContext, ProbeOptions } from '../core/probeContract';
import { now, since } from './abort';
import { probeAgent } from './agent';
import { probeLocalConfig } from './localConfig';
import { probeLocalKey } from './localKeys';

/** The passwd home OpenSSH expands `~` with (it ignores $HOME). */
function passwdHome(): string {
  try {
    return os.userInfo().homedir;
  } catch {
    return os.homedir();
  }
}

export async function probeLocal(ctx: LocalContext, o: ProbeOptions & { executable?: string; platform?: NodeJS.Platform }): Promise<LocalEvidence> {
  const start = now();
  const platform = o.platform ?? process.platform;
  const bound = { timeoutMs: Math.min(o.timeoutMs, 3000), signal: o.signal };
  const [config, agent] = await Promise.all([
    probeLocalConfig({
      host: ctx.host, ...(ctx.user !== undefined ? { user: ctx.user } : {}), ...(ctx.port !== undefined ? { port: ctx.port } : {}),
      ...(ctx.configFile !== undefined ? { file: ctx.configFile } : {}), ...(o.executable ? { executable: o.executable } : {}), ...bound,
    }),
    probeAgent({ socket: ctx.agentSocket ?? process.env.SSH_AUTH_SOCK, ...bound, platform }),
  ]);
  const wanted = identitiesToCheck(ctx.identityFile, config, passwdHome());
  const keys = (await Promise.all(wanted.map((k) => probeLocalKey(k, { ...bound, platform }))))
    // OpenSSH's default files that do not exist are not offered: nothing to say about them.
    .filter((k) => k.source !== 'default' || k.exists);
  o.log?.(`local: ssh -G ${config.outcome} in ${config.durationMs} ms; keys ${keys.map((k) => `${k.path}:${k.format ?? k.errorCode}`).join(' ') || '-'}; agent ${agent.outcome}`);
  return { host: ctx.host, platform, config, keys, agent, durationMs: since(start) };
}
