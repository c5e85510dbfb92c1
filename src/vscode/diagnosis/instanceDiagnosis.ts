/**
 * A diagnosis of a saved instance (or an ad-hoc host), as the engine needs it: the Target from
 * the instance and the settings, the credentials from SecretStorage, and the run of core's
 * `diagnose` with the probe set (and the cloud inspector, when there is one). No UI here: the
 * controller owns progress and cancellation.
 */
import type { BastionPool } from '../../core/bastionPool';
import { diagnoseReport, type DiagnosedReport } from '../../core/diagnose';
import type { Check, Credentials, Lang, Target } from '../../core/model';
import type { CloudInspector } from '../../core/probeContract';
import type { CheckStart } from '../../core/progress';
import { readFileBounded } from '../../probes/files';
import { expandHome } from '../../probes/homePath';
import { defaultUser } from '../../probes/localUser';
import { createProbes } from '../../probes/index';
import type { Instance } from '../../core/savedInstance';
import type { InstanceStore } from '../instances/store';
import type { Logger } from '../log';
import type { Settings } from '../settings';

export type TargetSpec = Pick<Instance, 'host' | 'port' | 'protocol'> & Partial<Pick<Instance, 'id' | 'name' | 'user' | 'identityFile' | 'cloudInstanceId' | 'region' | 'jump' | 'proxyCommand'>>;

export function buildTarget(spec: TargetSpec, s: Settings): Target {
  const t: Target = {
    host: spec.host,
    port: spec.port,
    protocol: spec.protocol,
    user: spec.user,
    knownHostsPath: s.knownHostsPath ? expandHome(s.knownHostsPath) : undefined,
    altPorts: s.alternativePorts[spec.protocol].filter((p) => p !== spec.port),
    timeoutMs: s.probeTimeoutMs,
    icmp: s.icmp,
    name: spec.name,
  };
  // After every successful login, whether VS Code's server will run there.
  if (spec.protocol === 'ssh') t.vscodeServer = { downloadUrl: s.vscodeServerDownloadUrl, quietWithoutLogin: true };
  // The Local layer: the ssh config fills in only what the instance does not say (its user).
  if (spec.protocol === 'ssh') t.sshConfig = { userGiven: spec.user !== undefined, portGiven: true };
  if (spec.cloudInstanceId && spec.region) t.cloud = { instanceId: spec.cloudInstanceId, region: spec.region };
  // Through bastions: each hop's own key file (from ssh_config or its saved instance), and
  // ssh's default user (the local one) for a hop that names none.
  if (spec.jump?.length) {
    t.jump = spec.jump.map((h) => ({ ...h, user: h.user ?? defaultUser(), ...(h.identityFile ? { identityFile: expandHome(h.identityFile) } : {}) }));
  }
  if (spec.proxyCommand) t.proxyCommand = spec.proxyCommand;
  return t;
}

/**
 * Credentials for the optional login: only what the user saved; never logged.
 * `onUnreadableKey` tells the user (not only the log) that the saved key file cannot be read;
 * the file is read with a time bound (a hung network home must not hang the diagnosis) and,
 * unreadable, still named so the report says why the key login could not be tested. The
 * agent (SSH_AUTH_SOCK) is offered after the saved key, and only its first few keys
 * (probes/ssh.ts MAX_AGENT_KEYS), so many agent keys cannot exhaust MaxAuthTries.
 */
export async function gatherCredentials(
  spec: TargetSpec, store: InstanceStore, log: Logger, onUnreadableKey?: (file: string, reason: string) => void, timeoutMs = 5000,
): Promise<Credentials | undefined> {
  // An ad-hoc host has no saved secrets; it gets credentials only when it names a key (a
  // pasted `ssh -i key …`), and then the agent after it, as a saved instance would.
  if (spec.protocol !== 'ssh' || (!spec.id && !spec.identityFile)) return undefined;
  const creds: Credentials = {};
  const password = spec.id ? await store.getSecret(spec.id, 'password') : undefined;
  if (password) {
    log.addSecret(password);
    creds.password = password;
  }
  if (spec.identityFile) {
    const file = expandHome(spec.identityFile);
    creds.identityFile = file;
    const r = await readFileBounded(file, { maxBytes: 1024 * 1024, timeoutMs });
    if (r.ok) {
      creds.privateKey = r.value;
      const passphrase = spec.id ? await store.getSecret(spec.id, 'passphrase') : undefined;
      if (passphrase) {
        log.addSecret(passphrase);
        creds.passphrase = passphrase;
      }
    } else {
      log.warn('diagnose', `${spec.name ?? spec.host}: cannot read identity file ${file}: ${r.code}`);
      onUnreadableKey?.(file, r.code);
    }
  }
  if (process.env.SSH_AUTH_SOCK) creds.agent = process.env.SSH_AUTH_SOCK;
  return creds.password || creds.identityFile || creds.agent ? creds : undefined;
}

export async function runDiagnosis(
  target: Target,
  o: {
    lang: Lang; credentials?: Credentials; log: Logger; onCheck: (c: Check) => void; onCheckStart?: (s: CheckStart) => void;
    signal: AbortSignal; cloud?: CloudInspector; guestChecks?: boolean; sshPath?: string;
    /** "Collect path evidence": the traces both ways (core/pathEvidence.ts). */
    trace?: boolean;
    /** Starts every probe line, e.g. "run 3 web-1:", so overlapping runs can be told apart. */
    logPrefix?: string;
    /** "Diagnose all": the sweep's shared bastion sessions. */
    bastions?: BastionPool;
  },
): Promise<DiagnosedReport> {
  const trace = (l: string) => o.log.trace('probe', o.logPrefix ? `${o.logPrefix} ${l}` : l);
  return diagnoseReport(target, {
    probes: createProbes({ log: trace, ...(o.sshPath ? { opensshPath: o.sshPath } : {}) }),
    credentials: o.credentials,
    lang: o.lang,
    onCheck: o.onCheck,
    onCheckStart: o.onCheckStart,
    log: trace,
    cloud: o.cloud,
    guestChecks: o.guestChecks,
    ...(o.bastions ? { bastions: o.bastions } : {}),
    ...(o.trace ? { trace: true } : {}),
  }, o.signal);
}
