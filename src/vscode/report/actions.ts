/**
 * Which next steps a finished report offers, read from the report itself: an ordered rule
 * table (like core/classify.ts), one row per action, so a reader can audit when each button
 * appears — the verdict's own steps, the host-key and Remote-SSH ones ("from OK to working"),
 * and the undo of a file change. No `vscode` import: unit-tested. The handlers live in
 * actionHandlers.ts.
 */
import { verdictPassed, type Check, type Report, type VerdictCode } from '../../core/model';
import type { ReportAction, ReportActionKind, ReportActionView } from '../../shared/protocol';
import { reportHostKey } from '../remoteSsh/availability';

export interface ActionContext {
  /** The report is for a saved instance (not a host typed ad hoc). */
  saved: boolean;
  /** A saved instance with a Tencent Cloud instance id and region: the in-guest check can
   *  verify a host key. Absent: no. */
  cloudInstance?: boolean;
  /** A saved SSH instance whose identity file, port or bastions Remote-SSH can only learn
   *  from ~/.ssh/config. Absent: no. */
  needsSshConfig?: boolean;
  /** CVM Doctor changed a file for this target and can put it back. Absent: no. */
  canUndo?: boolean;
}

/** Verdicts a different key, password or user can change. */
const CREDENTIAL_VERDICTS: ReadonlySet<VerdictCode> = new Set<VerdictCode>([
  'AUTH_FAILED', 'AUTH_METHOD_UNAVAILABLE', 'KEY_FORMAT_UNSUPPORTED',
]);

const check = (r: Report, id: Check['id']) => r.checks.find((c) => c.id === id);

/** The port where the diagnosis saw the target's protocol answer instead (the alternative-port
 *  scan's evidence); undefined when it was not seen, only inferred (e.g. from the guest). */
export function answeringPort(r: Report): number | undefined {
  const ports = check(r, 'altports')?.evidence.ports;
  if (!Array.isArray(ports)) return undefined;
  const hit = ports.find((p): p is { port: number } => !!p && typeof p === 'object'
    && (p as Record<string, unknown>).protocol === r.target.protocol && typeof (p as Record<string, unknown>).port === 'number');
  return hit && hit.port !== r.target.port ? hit.port : undefined;
}

/** The handshake worked but no login was tried, because none was given (core's finding). */
export function loginNotAttempted(r: Report): boolean {
  return r.findings.some((f) => f.code === 'LOGIN_NOT_ATTEMPTED');
}

const has = (r: Report, code: string) => r.findings.some((f) => f.code === code);

/** What the report knows about the host key (SSH only): the key seen, unless the instance
 *  disowned it; whether it is unknown; whether the in-guest check confirmed it. */
function hostKeyFacts(r: Report) {
  const key = reportHostKey(r);
  const notInstance = has(r, 'HOST_KEY_NOT_INSTANCE');
  return {
    ssh: r.target.protocol === 'ssh',
    mismatch: r.verdict.code === 'HOST_KEY_MISMATCH',
    /** A key to act on: seen, and not one the instance says is not its own. */
    actionable: !!key && !notInstance,
    notInstance,
    unknown: r.verdict.code === 'HOST_KEY_UNKNOWN' || (key?.status === 'unknown' && !key.added),
    confirmed: has(r, 'HOST_KEY_CONFIRMED') || has(r, 'HOST_KEY_CONFIRMED_CHANGED'),
  };
}

/** A row: when its action is offered. A row marked `withoutReport` is offered without a
 *  finished report too (none yet, or a cancelled run): it does not read the verdict. */
type Rule =
  | { kind: ReportActionKind; withoutReport?: undefined; make(r: Report, ctx: ActionContext): ReportAction | undefined }
  | { kind: ReportActionKind; withoutReport: true; make(r: Report | undefined, ctx: ActionContext): ReportAction | undefined };

const RULES: readonly Rule[] = [
  {
    kind: 'usePort',
    make: (r) => {
      const port = r.verdict.code === 'SERVICE_ON_OTHER_PORT' ? answeringPort(r) : undefined;
      return port !== undefined ? { kind: 'usePort', port } : undefined;
    },
  },
  {
    kind: 'setCredentials',
    make: (r) => r.target.protocol === 'ssh' && (CREDENTIAL_VERDICTS.has(r.verdict.code) || (r.verdict.code === 'OK' && loginNotAttempted(r)))
      ? { kind: 'setCredentials' } : undefined,
  },
  {
    // Never for a changed key: that one is only ever replaced, after a confirmation.
    kind: 'trustHostKey',
    make: (r) => {
      const k = hostKeyFacts(r);
      return k.ssh && k.actionable && k.unknown && !k.mismatch ? { kind: 'trustHostKey' } : undefined;
    },
  },
  {
    // Offered only with the in-guest confirmation or the host name typed (the handler asks);
    // never when the instance says the key is not its own.
    kind: 'replaceHostKey',
    make: (r) => {
      const k = hostKeyFacts(r);
      return k.ssh && k.actionable && k.mismatch ? { kind: 'replaceHostKey' } : undefined;
    },
  },
  {
    kind: 'verifyHostKey',
    make: (r, ctx) => {
      const k = hostKeyFacts(r);
      return k.ssh && (k.unknown || k.mismatch) && !!ctx.cloudInstance && !k.confirmed && !k.notInstance ? { kind: 'verifyHostKey' } : undefined;
    },
  },
  {
    kind: 'connectRemoteSsh',
    make: (r) => (r.target.protocol === 'ssh' && verdictPassed(r.verdict) ? { kind: 'connectRemoteSsh' } : undefined),
  },
  {
    kind: 'addSshConfig',
    make: (r, ctx) => (r.target.protocol === 'ssh' && verdictPassed(r.verdict) && ctx.needsSshConfig ? { kind: 'addSshConfig' } : undefined),
  },
  {
    kind: 'localServerDownload',
    make: (r) => (r.target.protocol === 'ssh' && has(r, 'REMOTE_DOWNLOAD_BLOCKED') ? { kind: 'localServerDownload' } : undefined),
  },
  {
    kind: 'saveInstance',
    make: (_r, ctx) => (ctx.saved ? undefined : { kind: 'saveInstance' }),
  },
  {
    kind: 'undoFileChange',
    withoutReport: true,
    make: (_r, ctx) => (ctx.canUndo ? { kind: 'undoFileChange' } : undefined),
  },
  {
    // Offered until the report has path evidence, for a verdict that did not pass; through
    // bastions the path from here ends at the first one, so it is not offered there.
    kind: 'collectTrace',
    make: (r) => (!verdictPassed(r.verdict) && !check(r, 'path.out') && !r.target.jump?.length && r.target.addresses.length ? { kind: 'collectTrace' } : undefined),
  },
  {
    kind: 'saveTicketPack',
    make: () => ({ kind: 'saveTicketPack' }),
  },
];

/** The report's next steps, in table order; the first is the primary one. Without a finished
 *  report (none, or a cancelled run) only the rules that do not read it apply. */
export function actionsFor(r: Report | undefined, ctx: ActionContext): ReportAction[] {
  const finished = r && !r.cancelled ? r : undefined;
  return RULES
    .map((rule) => (finished ? rule.make(finished, ctx) : rule.withoutReport ? rule.make(undefined, ctx) : undefined))
    .filter((a): a is ReportAction => !!a);
}

/** A translate function in the report's language (Localizer.t bound to it). */
export type Translate = (message: string, ...args: Array<string | number>) => string;

export function actionLabel(a: ReportAction, t: Translate): string {
  switch (a.kind) {
    case 'usePort': return t('Use port {0} for this instance', a.port);
    case 'setCredentials': return t('Set credentials…');
    case 'saveInstance': return t('Save as instance');
    case 'trustHostKey': return t('Trust this key');
    case 'replaceHostKey': return t('Replace the saved key');
    case 'verifyHostKey': return t('Verify through the instance');
    case 'connectRemoteSsh': return t('Connect with Remote-SSH');
    case 'addSshConfig': return t('Add to SSH config');
    case 'localServerDownload': return t('Download the server on this machine');
    case 'undoFileChange': return t('Undo the last change');
    case 'collectTrace': return t('Collect path evidence');
    case 'saveTicketPack': return t('Save ticket pack…');
  }
}

/** Evidence for support, offered beside the verdict's own steps: never the primary one. */
export const EVIDENCE_ACTIONS: ReadonlySet<ReportActionKind> = new Set<ReportActionKind>(['collectTrace', 'saveTicketPack']);

export function actionViews(r: Report | undefined, ctx: ActionContext, t: Translate): ReportActionView[] {
  return actionsFor(r, ctx).map((action, i) => ({ action, label: actionLabel(action, t), primary: i === 0 && !EVIDENCE_ACTIONS.has(action.kind) }));
}
