/**
 * Which next steps a finished report offers, read from the report itself: an ordered rule
 * table (like core/classify.ts), one row per action, so a reader can audit when each button
 * appears. No `vscode` import: unit-tested. The handlers live in actionHandlers.ts.
 */
import type { Check, Report, VerdictCode } from '../../core/model';
import type { ReportAction, ReportActionKind, ReportActionView } from '../../shared/protocol';

export interface ActionContext {
  /** The report is for a saved instance (not a host typed ad hoc). */
  saved: boolean;
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

interface Rule {
  kind: ReportActionKind;
  make(r: Report, ctx: ActionContext): ReportAction | undefined;
}

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
    kind: 'saveInstance',
    make: (_r, ctx) => (ctx.saved ? undefined : { kind: 'saveInstance' }),
  },
];

/** The report's next steps, in table order; the first is the primary one. */
export function actionsFor(r: Report | undefined, ctx: ActionContext): ReportAction[] {
  if (!r || r.cancelled) return [];
  return RULES.map((rule) => rule.make(r, ctx)).filter((a): a is ReportAction => !!a);
}

/** A translate function in the report's language (Localizer.t bound to it). */
export type Translate = (message: string, ...args: Array<string | number>) => string;

export function actionLabel(a: ReportAction, t: Translate): string {
  switch (a.kind) {
    case 'usePort': return t('Use port {0} for this instance', a.port);
    case 'setCredentials': return t('Set credentials…');
    case 'saveInstance': return t('Save as instance');
  }
}

export function actionViews(r: Report | undefined, ctx: ActionContext, t: Translate): ReportActionView[] {
  return actionsFor(r, ctx).map((action, i) => ({ action, label: actionLabel(action, t), primary: i === 0 }));
}
