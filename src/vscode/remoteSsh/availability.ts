/**
 * Which of the "from OK to working" actions a report offers (pure: no `vscode`, so it is
 * unit-tested): trust or replace a host key, verify it through the instance, connect with
 * Remote-SSH, add the instance to ~/.ssh/config, let Remote-SSH download the server locally,
 * and undo the last file change CVM Doctor made for this target.
 */
import { verdictPassed, type HostKeyInfo, type Report } from '../../core/model';
import type { RemoteActionId } from '../../shared/protocol';

/** The host key the report saw (the `hostkey` check's evidence), with its blob. */
export function reportHostKey(r: Report): (HostKeyInfo & { key: string }) | undefined {
  const ev = r.checks.find((c) => c.id === 'hostkey')?.evidence as Partial<HostKeyInfo> | undefined;
  return ev && typeof ev.key === 'string' && typeof ev.fingerprint === 'string' && typeof ev.type === 'string' ? ev as HostKeyInfo & { key: string } : undefined;
}

/** The address the probes connected to (the `tcp` check's evidence). */
export function reportAddress(r: Report): string | undefined {
  const a = r.checks.find((c) => c.id === 'tcp')?.evidence.address;
  return typeof a === 'string' ? a : r.target.addresses[0];
}

export interface ActionContext {
  /** A saved instance with a Tencent Cloud instance id: the in-guest check can verify a key. */
  cloudInstance: boolean;
  /** A saved SSH instance whose identity file or port Remote-SSH can only learn from ~/.ssh/config. */
  needsSshConfig: boolean;
  /** CVM Doctor changed a file for this target and can put it back. */
  canUndo: boolean;
}

const has = (r: Report, code: string) => r.findings.some((f) => f.code === code);

export function remoteActionsFor(r: Report | undefined, c: ActionContext): RemoteActionId[] {
  const out: RemoteActionId[] = [];
  if (r && r.target.protocol === 'ssh') {
    const key = reportHostKey(r);
    const notInstance = has(r, 'HOST_KEY_NOT_INSTANCE');
    const confirmed = has(r, 'HOST_KEY_CONFIRMED') || has(r, 'HOST_KEY_CONFIRMED_CHANGED');
    const unknown = r.verdict.code === 'HOST_KEY_UNKNOWN' || (key?.status === 'unknown' && !key.added);
    if (key && !notInstance) {
      if (unknown && r.verdict.code !== 'HOST_KEY_MISMATCH') out.push('trustHostKey');
      // A changed key: only ever replaced after a confirmation (the in-guest check, or the
      // host name typed); never when the instance says the key is not its own.
      if (r.verdict.code === 'HOST_KEY_MISMATCH') out.push('replaceHostKey');
    }
    if ((unknown || r.verdict.code === 'HOST_KEY_MISMATCH') && c.cloudInstance && !confirmed && !notInstance) out.push('verifyHostKey');
    if (verdictPassed(r.verdict)) {
      out.push('connectRemoteSsh');
      if (c.needsSshConfig) out.push('addSshConfig');
    }
    if (has(r, 'REMOTE_DOWNLOAD_BLOCKED')) out.push('localServerDownload');
  }
  if (c.canUndo) out.push('undoFileChange');
  return out;
}
