/**
 * What a sweep's diagnoses share of a jump chain (bastionPool.ts): the key of each bastion
 * prefix — every hop up to that one with everything its checks depend on, credentials
 * included — and how a hop's checks read in a report that reused them. Pure.
 */
import { formatLocalTime } from './format';
import { hopTargets } from './jump';
import { hopCredentials } from './jumpDiagnose';
import { msg } from './messages';
import type { Check, Credentials, Lang, Target } from './model';

/**
 * One key per bastion of the chain (not the target itself): key i stands for hops 1..i+1.
 * Two targets share hop i only when all of it is equal: host, port, user, known_hosts, the
 * checks' settings, the cloud instance, and the credentials each hop is tried with (a key's
 * contents and a passphrase by `secretId`, never as text).
 */
export function bastionKeys(target: Target, credentials: Credentials | undefined, secretId: (s: string) => number): string[] {
  const jump = target.jump ?? [];
  if (!jump.length) return [];
  const hops = hopTargets(target);
  const keys: string[] = [];
  const parts: unknown[] = [];
  for (let i = 0; i < jump.length; i++) {
    const t = hops[i]!;
    const c = hopCredentials(credentials, jump[i]!, false);
    parts.push({
      host: t.host.toLowerCase(), port: t.port, user: t.user ?? null, name: t.name ?? null,
      knownHosts: t.knownHostsPath ?? null, acceptNew: !!t.acceptNewHostKey,
      altPorts: t.altPorts, timeoutMs: t.timeoutMs, icmp: t.icmp, cloud: t.cloud ?? null,
      identityFile: c?.identityFile ?? null,
      privateKey: c?.privateKey !== undefined ? secretId(c.privateKey.toString()) : null,
      passphrase: c?.passphrase !== undefined ? secretId(c.passphrase) : null,
      agent: c?.agent ?? null,
    });
    keys.push(JSON.stringify(parts));
  }
  return keys;
}

/** The hop's key as a log line shows it: "ops@10.0.0.5:22 → 10.0.1.5:22" (no credentials). */
export function bastionKeyText(key: string): string {
  try {
    return (JSON.parse(key) as Array<{ host: string; port: number; user: string | null }>)
      .map((h) => `${h.user ? `${h.user}@` : ''}${h.host}:${h.port}`).join(' → ');
  } catch {
    return '?';
  }
}

/**
 * A check another diagnosis of the sweep ran, as this report shows it: its summary says when
 * it was checked and that the connection is shared; its evidence carries the same.
 */
export function sharedCheck(c: Check, checkedAt: string, connectionShared: boolean, lang: Lang): Check {
  const time = formatLocalTime(checkedAt).slice(11);
  return {
    ...c,
    summary: `${c.summary} — ${msg(lang, connectionShared ? 'jump.sharedHop' : 'jump.sharedHopNoSession', { time })}`,
    evidence: { ...c.evidence, shared: { checkedAt, connectionShared } },
  };
}
