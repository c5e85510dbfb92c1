/**
 * The report webview's typed message protocol, shared by the extension (src/vscode/report)
 * and the webview script (src/webview). The webview sends `ready` once its listener is
 * installed; the extension sends nothing before that. Types only (plus a guard), so this
 * file bundles into both sides without pulling anything in.
 */
import type { Check, CheckId, Lang, Report } from '../core/model';

/** Static labels of the report page, localised by the extension for the chosen language. */
export interface ReportLabels {
  heading: string;
  running: string;
  cancelled: string;
  failed: string;
  verdict: string;
  checks: string;
  remediation: string;
  findings: string;
  evidence: string;
  copy: string;
  copied: string;
  rerun: string;
  copyMarkdown: string;
  saveHtml: string;
  docs: string;
  target: string;
  duration: string;
  waiting: string;
  /** The Cloud section (checks cloud.*) and its actions. */
  cloud: string;
  /** The "VS Code readiness" section (checks vscode.*). */
  readiness: string;
  decidingRule: string;
  implicitDeny: string;
  instanceState: string;
  openPort: string;
  undoOpenPort: string;
  /** The local repair (a key or ssh config OpenSSH refuses for its permissions). */
  fixLocal: string;
  undoFixLocal: string;
  openVnc: string;
  /** Stops the run under way (the report's own Stop). */
  stop: string;
  /** The badge of a check under way. */
  inProgress: string;
  /** The heading above the verdict's next steps (the action buttons). */
  nextStep: string;
  status: Record<Check['status'], string>;
  checkNames: Partial<Record<CheckId, string>>;
  /** A hop's name with `{n}` for its number ("Hop {n}"), for checks `hop<N>.<layer>`. */
  hopName: string;
  /** "Path: {chain}", for a target reached through bastions. */
  path: string;
}

/**
 * A next step the report offers for its verdict (report/actions.ts decides which; the
 * extension carries it out in report/actionHandlers.ts). To add one: a member here, a case in
 * `isReportAction`, a rule in actions.ts, a label in actions.ts and a handler; the webview
 * renders every action the same way.
 */
export type ReportAction =
  /** SERVICE_ON_OTHER_PORT: the protocol was seen answering on `port`: use it, then re-run. */
  | { kind: 'usePort'; port: number }
  /** No login tested, or the login failed: choose a key file or a password, then re-run. */
  | { kind: 'setCredentials' }
  /** A report for a host typed ad hoc: keep it as a saved instance. */
  | { kind: 'saveInstance' }
  /** An unknown host key: write it to known_hosts (shown first, backed up), then re-run. */
  | { kind: 'trustHostKey' }
  /** A changed host key the instance confirms (or the host name typed): replace it, then re-run. */
  | { kind: 'replaceHostKey' }
  /** An unknown or changed key of a Tencent Cloud instance: re-run with the in-guest check. */
  | { kind: 'verifyHostKey' }
  /** A passed SSH verdict: hand the target to Remote-SSH (remoteSsh/remoteSsh.ts). */
  | { kind: 'connectRemoteSsh' }
  /** Remote-SSH can only learn the identity file, port or bastions from ~/.ssh/config. */
  | { kind: 'addSshConfig' }
  /** REMOTE_DOWNLOAD_BLOCKED: let Remote-SSH download VS Code's server on this machine. */
  | { kind: 'localServerDownload' }
  /** Put back the last file CVM Doctor changed for this target (remoteSsh/fileUndo.ts). */
  | { kind: 'undoFileChange' }
  /** A failed verdict without path evidence: run the diagnosis again with the traces both ways. */
  | { kind: 'collectTrace' }
  /** Save the redacted ticket pack (Markdown + JSON) for Tencent Cloud support. */
  | { kind: 'saveTicketPack' };

export type ReportActionKind = ReportAction['kind'];

export interface ReportActionView {
  action: ReportAction;
  /** Already localised in the report's language. */
  label: string;
  /** The one step the verdict calls for first. */
  primary: boolean;
}

/** A check under way: what it waits for and for how long at most, already localised. */
export interface PendingCheck {
  id: CheckId;
  text: string;
}

export interface ReportTargetView {
  /** Key of the panel: the saved instance id, or "adhoc:host:port:protocol". */
  key: string;
  name?: string;
  host: string;
  port: number;
  protocol: 'ssh' | 'rdp';
  user?: string;
}

export interface PanelState {
  target: ReportTargetView;
  lang: Lang;
  labels: ReportLabels;
  /** Checks seen so far in the current run (live), or the report's checks. */
  checks: Check[];
  running: boolean;
  report?: Report;
  /** A non-diagnostic failure (e.g. invalid input), already localised. */
  error?: string;
  /** A one-line note from the extension (e.g. after a rule was added), already localised. */
  note?: string;
  /** Cloud actions the extension can take for this saved instance. */
  cloudActions?: { openPort: boolean; undo: boolean; vnc?: boolean };
  /** The local repair the report calls for: `fix` is the command shown before it runs. */
  localActions?: { fix?: string; undo: boolean };
  /** The verdict's next steps (empty while running). */
  actions: ReportActionView[];
  /** Checks under way in the current run. */
  pending: PendingCheck[];
}

/** What the webview keeps with `setState` so the serializer can restore it after reload. */
export interface PersistedState {
  version: 1;
  target: ReportTargetView;
  report?: Report;
}

export type ToWebview =
  | { type: 'state'; state: PanelState }
  | { type: 'check'; check: Check }
  | { type: 'checkStart'; pending: PendingCheck }
  | { type: 'copied'; id: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'rerun' }
  /** The report's own Stop: cancels the run under way. */
  | { type: 'stop' }
  /** One of the verdict's next steps (PanelState.actions). */
  | { type: 'action'; action: ReportAction }
  | { type: 'copyMarkdown' }
  | { type: 'saveHtml' }
  | { type: 'copyText'; text: string; id: string }
  | { type: 'openLink'; url: string }
  /** "Open port for my IP": the extension builds, confirms and applies the rule. */
  | { type: 'openPort' }
  /** "Remove the rule CVM Doctor added". */
  | { type: 'undoOpenPort' }
  /** "Fix the permissions": the extension shows the command, confirms and runs it. */
  | { type: 'fixLocal' }
  /** "Restore the previous permissions". */
  | { type: 'undoFixLocal' }
  /** "Open VNC console": the extension asks for a fresh console URL and opens it. */
  | { type: 'openVnc' };

/** Validates a message from the webview (it is a separate, less trusted context). */
export function isFromWebview(m: unknown): m is FromWebview {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'rerun':
    case 'stop':
    case 'copyMarkdown':
    case 'saveHtml':
    case 'openPort':
    case 'undoOpenPort':
    case 'fixLocal':
    case 'undoFixLocal':
    case 'openVnc':
      return true;
    case 'copyText':
      return typeof o.text === 'string' && typeof o.id === 'string' && o.text.length < 100_000;
    case 'openLink':
      return typeof o.url === 'string' && o.url.length < 2048;
    case 'action':
      return isReportAction(o.action);
    default:
      return false;
  }
}

/** Validates an action sent back by the webview: a known kind with well-formed fields only. */
export function isReportAction(a: unknown): a is ReportAction {
  if (!a || typeof a !== 'object') return false;
  const o = a as Record<string, unknown>;
  switch (o.kind) {
    case 'usePort':
      return Object.keys(o).length === 2 && typeof o.port === 'number' && Number.isInteger(o.port) && o.port > 0 && o.port < 65536;
    case 'setCredentials':
    case 'saveInstance':
    case 'trustHostKey':
    case 'replaceHostKey':
    case 'verifyHostKey':
    case 'connectRemoteSsh':
    case 'addSshConfig':
    case 'localServerDownload':
    case 'undoFileChange':
    case 'collectTrace':
    case 'saveTicketPack':
      return Object.keys(o).length === 1;
    default:
      return false;
  }
}

export function isPersistedState(s: unknown): s is PersistedState {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  const t = o.target as Record<string, unknown> | undefined;
  return o.version === 1 && !!t && typeof t.key === 'string' && typeof t.host === 'string'
    && typeof t.port === 'number' && (t.protocol === 'ssh' || t.protocol === 'rdp');
}
