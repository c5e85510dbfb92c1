/**
 * The Local layer's logic: which identities are checked, how the effective ssh configuration
 * fills in what the user did not type (a host typed as its alias behaves as `ssh alias`),
 * what on the user's side is a verdict and what a finding, and the fixes for this machine's
 * OS (chmod on Linux/macOS, icacls on Windows). Pure.
 */
import type { ClassifyInput } from './classify';
import { octalMode, opensshReads } from './keyFormat';
import type { LocalEvidence, LocalKeyResult, IdentitySource, SecondOpinion } from './localModel';
import { msg, type MessageKey } from './messages';
import { DEFAULT_SSH_USER, type Check, type Credentials, type Finding, type FindingCode, type Lang, type Target, type VerdictCode } from './model';
import { shellQuote } from './sshCommand';
import { quoted } from './sshText';
import type { TemplateArgs } from './format';
import { icaclsRepair } from './windowsLocal';
import type { LocalConfigResult } from './localModel';

/** OpenSSH's `~` in `ssh -G` output (it expands %d itself; `~` stays). */
export function expandTilde(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return `${home.replace(/[/\\]$/, '')}${p.slice(1)}`;
  return p;
}

/**
 * The identity files OpenSSH will offer, in its order: the given one first (ssh -i), then
 * those the config names; OpenSSH's default files (~/.ssh/id_*) only when neither names any
 * (ssh adds the defaults only then), and only the ones that exist (the probe skips the rest).
 */
export function identitiesToCheck(given: string | undefined, config: LocalConfigResult, home: string): Array<{ path: string; source: IdentitySource }> {
  const out: Array<{ path: string; source: IdentitySource }> = [];
  if (given) out.push({ path: given, source: 'given' });
  if (config.outcome !== 'ok') return out;
  const named = config.configuredIdentityFiles.map((f) => expandTilde(f, home));
  for (const p of named) if (!out.some((o) => o.path === p)) out.push({ path: p, source: 'config' });
  if (out.length === 0) {
    for (const f of config.effective.identityFiles) out.push({ path: expandTilde(f, home), source: 'default' });
  }
  return out;
}

/**
 * The target and credentials the rest of the diagnosis uses: the user's own values, and the
 * effective configuration's where the user gave nothing (HostName, User, Port,
 * UserKnownHostsFile, StrictHostKeyChecking=accept-new, the first usable IdentityFile).
 * A PPK v2 key is not handed to the SSH probe: ssh2 could log in with it, OpenSSH never
 * would, and the Local layer has named it (the login is not tried with it).
 */
export function applyLocal(target: Target, credentials: Credentials | undefined, local: LocalEvidence | undefined): { target: Target; credentials?: Credentials } {
  const cfg = local?.config;
  let t = target;
  let c = credentials;
  if (cfg?.outcome === 'ok' && target.sshConfig) {
    const eff = cfg.effective;
    const set = new Set(cfg.configured);
    t = { ...target };
    if (set.has('hostname')) t.host = eff.hostname;
    if (!target.sshConfig.userGiven && eff.user) t.user = eff.user;
    if (!target.sshConfig.portGiven && set.has('port')) t.port = eff.port;
    if (!target.knownHostsPath && set.has('userKnownHostsFiles') && eff.userKnownHostsFiles[0]) t.knownHostsPath = eff.userKnownHostsFiles[0];
    if (!target.acceptNewHostKey && set.has('strictHostKeyChecking') && eff.strictHostKeyChecking === 'accept-new') t.acceptNewHostKey = true;
    if (target.host !== t.host && !t.name) t.name = target.host;
  }
  const keys = local?.keys ?? [];
  if (!c?.identityFile && !c?.privateKey) {
    const usable = keys.filter((k) => k.source === 'config' && keyUsable(k));
    if (usable.length) c = { ...(c ?? {}), identityFile: usable[0]!.path, ...(usable.length > 1 ? { extraIdentityFiles: usable.slice(1).map((k) => k.path) } : {}) };
  } else if (c.identityFile) {
    // A PPK v2 key ssh2 could log in with while OpenSSH never would: not tried. (A file ssh2
    // cannot read either stays, and the SSH probe reports it as before.)
    const given = keys.find((k) => k.source === 'given' && k.path === c!.identityFile);
    if (given && given.readable && given.format === 'ppk2') {
      const rest = { ...c };
      delete rest.identityFile;
      delete rest.privateKey;
      c = Object.keys(rest).length ? rest : undefined;
    }
  }
  return { target: t, ...(c ? { credentials: c } : {}) };
}

function keyUsable(k: LocalKeyResult): boolean {
  return k.exists && k.readable && !k.refused && k.format !== undefined && opensshReads(k.format);
}

/** What is wrong with one key, by severity: a verdict (the key the diagnosis uses), a
 *  finding (a config or default key OpenSSH may skip), or nothing. */
export type KeyProblem =
  | { kind: 'missing' | 'unreadable'; code: string }
  | { kind: 'mode'; mode: number }
  | { kind: 'acl'; principals: string[] }
  | { kind: 'ppk'; version: 2 | 3 }
  | { kind: 'public' | 'unknown' }
  | { kind: 'encrypted' };

export function keyProblem(k: LocalKeyResult, passphraseGiven: boolean): KeyProblem | undefined {
  if (!k.exists) return { kind: 'missing', code: k.errorCode ?? 'ENOENT' };
  if (!k.readable) return { kind: 'unreadable', code: k.errorCode ?? 'EACCES' };
  if (k.refused && k.mode !== undefined) return { kind: 'mode', mode: k.mode };
  if (k.refused && k.acl && 'tooOpen' in k.acl) return { kind: 'acl', principals: k.acl.tooOpen.map((e) => e.principal) };
  if (k.format === 'ppk2' || k.format === 'ppk3') return { kind: 'ppk', version: k.format === 'ppk2' ? 2 : 3 };
  if (k.format === 'public' || k.format === 'unknown') return { kind: k.format };
  if (k.encrypted && k.source === 'given' && !passphraseGiven) return { kind: 'encrypted' };
  return undefined;
}

/** The verdict the Local layer names, if any: a config ssh cannot read, then a key the
 *  diagnosis uses (given, or named by the config) that OpenSSH refuses or cannot read. */
export function localVerdict(e: ClassifyInput): VerdictCode | undefined {
  const l = e.local;
  if (!l) return undefined;
  if (l.config.outcome === 'error') return 'LOCAL_CONFIG_ERROR';
  const k = verdictKey(e);
  if (!k) return undefined;
  // The login works another way (password, agent): the key is a finding, not the cause. A
  // login ssh2 made with the key itself does not count: OpenSSH would not make it.
  const login = e.ssh?.login;
  if (login?.outcome === 'ok' && login.method !== 'publickey') return undefined;
  const p = k.problem;
  if (p.kind === 'unreadable' || p.kind === 'mode' || p.kind === 'acl') return 'LOCAL_KEY_REFUSED';
  return 'KEY_FORMAT_UNSUPPORTED';
}

/** The first key the diagnosis relies on whose problem is a verdict. A missing given file
 *  is the CLI's input error; a missing config file is a finding (ssh skips it too). */
export function verdictKey(e: ClassifyInput): { key: LocalKeyResult; problem: KeyProblem } | undefined {
  for (const key of e.local?.keys ?? []) {
    if (key.source === 'default') continue;
    const problem = keyProblem(key, !!e.passphraseGiven);
    if (!problem || problem.kind === 'missing') continue;
    if (key.source === 'config' && problem.kind === 'encrypted') continue;
    return { key, problem };
  }
  return undefined;
}

export function keyProblemLine(k: LocalKeyResult, p: KeyProblem, lang: Lang): string {
  const path = k.path;
  switch (p.kind) {
    case 'missing': return msg(lang, 'localKey.missing', { path, code: p.code });
    case 'unreadable': return msg(lang, 'localKey.unreadable', { path, code: p.code });
    case 'mode': return msg(lang, 'localKey.modeRefused', { path, mode: octalMode(p.mode) });
    case 'acl': return msg(lang, 'localKey.aclRefused', { path, principals: p.principals.join(', ') });
    case 'ppk': return msg(lang, 'localKey.ppk', {
      path, format: msg(lang, p.version === 2 ? 'keyFormat.ppk2' : 'keyFormat.ppk3'), ssh2: msg(lang, 'localKey.ppkSsh2v2'),
    });
    case 'public': return msg(lang, 'localKey.public', { path });
    case 'unknown': return msg(lang, 'localKey.unknown', { path });
    case 'encrypted': return msg(lang, 'localKey.encrypted', { path, format: msg(lang, `keyFormat.${k.format ?? 'unknown'}`) });
  }
}

function keyOkLine(k: LocalKeyResult, lang: Lang): string {
  return msg(lang, 'localKey.ok', {
    path: k.path, format: msg(lang, `keyFormat.${k.format ?? 'unknown'}`),
    encrypted: k.encrypted ? msg(lang, 'localKey.encryptedNote') : '',
    mode: k.mode !== undefined ? msg(lang, 'localKey.modeNote', { mode: octalMode(k.mode) }) : '',
  });
}

function check(id: Check['id'], status: Check['status'], durationMs: number, summary: string, evidence: object): Check {
  return { id, status, durationMs: Math.round(durationMs * 10) / 10, summary, evidence: { ...evidence } };
}

const FIELD_NAMES: Record<string, string> = {
  hostname: 'HostName', user: 'User', port: 'Port', identityFiles: 'IdentityFile', proxyJump: 'ProxyJump',
  strictHostKeyChecking: 'StrictHostKeyChecking', userKnownHostsFiles: 'UserKnownHostsFile', identitiesOnly: 'IdentitiesOnly', identityAgent: 'IdentityAgent',
};

/** "HostName 10.0.0.5, User alice": what the config set, with its values. */
export function configuredText(cfg: Extract<LocalConfigResult, { outcome: 'ok' }>): string {
  const eff = cfg.effective;
  const value: Record<string, string> = {
    hostname: eff.hostname, user: eff.user, port: String(eff.port), identityFiles: cfg.configuredIdentityFiles.join(' '),
    proxyJump: eff.proxyJump ?? 'none', strictHostKeyChecking: eff.strictHostKeyChecking, userKnownHostsFiles: eff.userKnownHostsFiles.join(' '),
    identitiesOnly: eff.identitiesOnly ? 'yes' : 'no', identityAgent: eff.identityAgent ?? '',
  };
  return cfg.configured.map((f) => `${FIELD_NAMES[f] ?? f} ${value[f] ?? ''}`.trim()).join(', ');
}

/** The Local group of the report: ssh config, keys, agent. */
export function localChecks(l: LocalEvidence, e: Pick<ClassifyInput, 'passphraseGiven'>, lang: Lang): Check[] {
  const out: Check[] = [];
  const c = l.config;
  if (c.outcome === 'ok') {
    const set = c.configured.length
      ? msg(lang, 'local.config.set', { file: c.file ?? msg(lang, 'local.config.defaultFile'), fields: configuredText(c) })
      : msg(lang, 'local.config.none');
    out.push(check('local.config', 'pass', c.durationMs, msg(lang, 'local.config.ok', { user: c.effective.user, hostname: c.effective.hostname, port: c.effective.port, set }), c));
  } else if (c.outcome === 'error') {
    out.push(check('local.config', 'fail', c.durationMs, msg(lang, 'local.config.error', { message: quoted(c.error.message) }), c));
  } else {
    out.push(check('local.config', 'skip', c.durationMs, msg(lang, `local.config.unavailable.${c.reason}`, { exe: c.executable }), c));
  }
  const keys = l.keys.filter((k) => k.source !== 'default' || k.exists);
  if (keys.length === 0) out.push(check('local.keys', 'skip', 0, msg(lang, 'local.keys.none'), { keys: l.keys }));
  else {
    let status: Check['status'] = 'pass';
    const lines = keys.map((k) => {
      const p = keyProblem(k, !!e.passphraseGiven);
      if (!p) return keyOkLine(k, lang);
      const verdictGrade = k.source !== 'default' && p.kind !== 'missing' && !(k.source === 'config' && p.kind === 'encrypted');
      if (verdictGrade) status = 'fail';
      else if (status === 'pass') status = 'warn';
      return keyProblemLine(k, p, lang);
    });
    out.push(check('local.keys', status, 0, lines.join(msg(lang, 'word.listSep')), { keys }));
  }
  if (l.agent) out.push(agentCheck(l.agent, lang));
  return out;
}

function agentCheck(a: NonNullable<LocalEvidence['agent']>, lang: Lang): Check {
  const svc = a.service
    ? a.service.exists === false ? msg(lang, 'local.agent.serviceMissing')
      : a.service.status ? msg(lang, 'local.agent.service', { status: `${a.service.status}${a.service.startType ? ` (${a.service.startType})` : ''}` }) : ''
    : '';
  const socket = a.socket ?? '';
  switch (a.outcome) {
    case 'ok': return check('local.agent', 'pass', a.durationMs, msg(lang, 'local.agent.ok', { socket, keys: a.keys ?? 0 }) + svc, a);
    case 'no-socket': return check('local.agent', 'skip', a.durationMs, msg(lang, 'local.agent.none') + svc, a);
    case 'unreachable': return check('local.agent', 'warn', a.durationMs, msg(lang, 'local.agent.unreachable', { socket, message: quoted(a.message ?? '') }) + svc, a);
    case 'timeout': return check('local.agent', 'warn', a.durationMs, msg(lang, 'local.agent.timeout', { socket }) + svc, a);
    default: return check('local.agent', 'warn', a.durationMs, msg(lang, 'local.agent.error', { socket, message: quoted(a.message ?? '') }) + svc, a);
  }
}

/** One line for OpenSSH's second opinion (its own words quoted). */
export function secondOpinionText(s: SecondOpinion, user: string, lang: Lang): string {
  const version = s.version ?? 'OpenSSH';
  return msg(lang, `openssh.${s.outcome}`, {
    version, user, method: s.method ?? '', methods: s.authMethods?.join(', ') || msg(lang, 'word.none'),
    keys: s.keysOffered ?? 0, message: quoted(s.message ?? ''),
  });
}

export function secondOpinionCheck(s: SecondOpinion, user: string, lang: Lang): Check {
  const status: Check['status'] = s.outcome === 'authenticated' ? 'pass' : s.outcome === 'unavailable' ? 'skip' : 'fail';
  return check('openssh', status, s.durationMs, secondOpinionText(s, user, lang), s);
}

/** The verdicts ssh2 may have caused, on which the system OpenSSH is asked too. */
export const SECOND_OPINION_CODES: readonly VerdictCode[] = ['KEX_FAILED', 'AUTH_FAILED', 'AUTH_METHOD_UNAVAILABLE', 'KEY_FORMAT_UNSUPPORTED'];

/** The fix for a key OpenSSH refuses because of its permissions, for this machine's OS. */
export function keyFixCommand(k: LocalKeyResult, platform: string, backup = '<backup-file>'): string | undefined {
  if (platform === 'win32') {
    if (!k.acl || !('tooOpen' in k.acl)) return undefined;
    const user = k.acl.user ?? '$($env:USERNAME)';
    const dir = k.path.replace(/[\\/][^\\/]*$/, '') || '.';
    return icaclsRepair(k.path, user, k.acl.tooOpen, backup, dir).preview;
  }
  if (k.mode === undefined) return undefined;
  return `chmod 600 ${shellQuote(k.path)}`;
}

/** The fix for a config file OpenSSH refuses ("Bad owner or permissions"). */
export function configPermFix(file: string, platform: string): string {
  if (platform === 'win32') return `icacls "${file}" /inheritance:r /grant:r "$($env:USERNAME):F"`;
  return `chmod 600 ${shellQuote(file)}`;
}

/** The placeholders the Local verdicts' texts and steps use. */
export function localVerdictArgs(e: ClassifyInput, lang: Lang): TemplateArgs {
  const l = e.local;
  // Evidence without the Local layer (an older report) still reads: generic placeholders.
  const unknownKey = e.identityFile ? shellQuote(e.identityFile) : '<private-key-file>';
  const out: TemplateArgs = {
    configFile: '~/.ssh/config', configMessage: msg(lang, 'word.unknown'), keyRefused: unknownKey, keyRefusedPath: unknownKey,
    sshGCommand: `ssh -G ${shellQuote(e.target.host)}`,
  };
  if (!l) return out;
  const c = l.config;
  const host = l.host;
  out.sshGCommand = ['ssh', '-G', ...(c.file !== undefined ? ['-F', c.file] : []), host].map(shellQuote).join(' ');
  if (c.outcome === 'error') {
    out.configMessage = quoted(c.error.message);
    out.configFile = c.error.file ?? c.file ?? '~/.ssh/config';
    if (c.error.line !== undefined) out.configLine = c.error.line;
    if (c.error.kind === 'permissions' && c.error.file) out.configPermFix = configPermFix(c.error.file, l.platform);
  }
  const v = verdictKey(e);
  if (v) {
    const line = keyProblemLine(v.key, v.problem, lang);
    out.keyRefused = line;
    out.keyRefusedPath = l.platform === 'win32' ? `"${v.key.path}"` : shellQuote(v.key.path);
    if (v.problem.kind === 'unreadable') out.keyUnreadable = v.problem.code;
    const fix = v.problem.kind === 'mode' || v.problem.kind === 'acl' ? keyFixCommand(v.key, l.platform) : undefined;
    if (fix) out.keyFixCommand = fix;
    if (v.problem.kind === 'ppk') {
      const p = v.key.path;
      out.ppkCommand = `puttygen ${shellQuote(p)} -O private-openssh -o ${shellQuote(p.replace(/\.ppk$/i, '') + (/\.ppk$/i.test(p) ? '' : '.openssh'))}`;
    }
    if (v.problem.kind === 'public') {
      out.publicKeyGiven = 'yes';
      out.privateGuess = shellQuote(v.key.path.replace(/\.pub$/i, ''));
    }
    out.localIdentity = shellQuote(v.key.path);
    out.localKeyProblem = line;
  }
  return out;
}

/** The Local layer's findings: the config that applied, key problems that are no verdict,
 *  an agent that cannot be used, more agent keys than the server allows tries, and what
 *  OpenSSH said when it did not log in either. */
export function localFindings(e: ClassifyInput, code: VerdictCode, lang: Lang): Finding[] {
  const out: Finding[] = [];
  const add = (c: FindingCode, args: TemplateArgs) => out.push({ code: c, message: msg(lang, `finding.${c}` as MessageKey, args) });
  const l = e.local;
  if (l?.config.outcome === 'ok' && l.config.configured.length) add('LOCAL_CONFIG_APPLIED', { host: l.host, fields: configuredText(l.config) });
  const named = localVerdict(e);
  const v = named && named !== 'LOCAL_CONFIG_ERROR' ? verdictKey(e) : undefined;
  const login = e.ssh?.login;
  for (const k of l?.keys ?? []) {
    if (v && v.key === k) continue;
    const p = keyProblem(k, !!e.passphraseGiven);
    if (!p || (k.source === 'default' && p.kind === 'missing')) continue;
    // The SSH probe's KEY_NOT_USABLE already names this file's format problem.
    if (login?.keyError && login.keyFile === k.path && p.kind !== 'mode' && p.kind !== 'acl') continue;
    add('LOCAL_KEY_PROBLEM', { detail: keyProblemLine(k, p, lang) });
  }
  const a = l?.agent;
  if (a && (a.outcome === 'unreachable' || a.outcome === 'timeout' || a.outcome === 'error')) add('AGENT_UNREACHABLE', { detail: agentCheck(a, lang).summary });
  else if (a?.service && a.service.status && a.service.status !== 'Running') add('AGENT_UNREACHABLE', { detail: agentCheck(a, lang).summary });
  const so = e.secondOpinion;
  if (so?.outcome === 'too-many-failures' && a?.keys !== undefined && so.keysOffered !== undefined && a.keys > so.keysOffered) {
    add('AGENT_KEYS_EXCEED_TRIES', { keys: a.keys, tries: so.keysOffered });
  }
  if (so && so.outcome !== 'authenticated' && so.outcome !== 'unavailable' && code !== 'OK') {
    add('OPENSSH_SECOND_OPINION', { detail: secondOpinionText(so, e.target.user ?? DEFAULT_SSH_USER, lang) });
  }
  return out;
}
