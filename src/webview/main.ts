/**
 * The report webview (bundled to media/report.js). Renders PanelState messages with DOM
 * APIs only: every string from the report — banners, summaries, evidence — goes through
 * textContent, never innerHTML. Links and clipboard go through the extension.
 */
import { verdictPassed, type Check, type FirewallRuleRef, type Report, type SecurityGroupRuleRef } from '../core/model';
import { firewallRuleText, securityGroupRuleText } from '../core/ruleText';
import { formatLocalTime, formatMs } from '../core/format';
import { checkRank } from '../core/checkOrder';
import { pathText } from '../core/jump';
import type { CheckId } from '../core/model';
import type { FromWebview, PanelState, PendingCheck, PersistedState, ReportActionView, ReportLabels, ToWebview } from '../shared/protocol';

interface VsCodeApi {
  postMessage(m: FromWebview): void;
  setState(s: PersistedState): void;
  getState(): PersistedState | undefined;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
let state: PanelState | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: { cls?: string; text?: string; id?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.cls) e.className = opts.cls;
  if (opts.id) e.id = opts.id;
  if (opts.text !== undefined) e.textContent = opts.text;
  for (const c of children) e.appendChild(c);
  return e;
}

function button(label: string, action: () => void, cls = 'btn'): HTMLButtonElement {
  const b = el('button', { cls, text: label });
  b.type = 'button';
  b.addEventListener('click', action);
  return b;
}

/** "TCP connect", or "Hop 2 · TCP connect" in a diagnosis through bastions (core/jump.ts ids). */
function checkName(l: ReportLabels, c: Pick<Check, 'id'>): string {
  const m = /^hop(\d+)\.(.+)$/.exec(c.id);
  const layer = (m ? m[2] : c.id) as CheckId;
  const base = l.checkNames[layer] ?? layer;
  return m ? `${l.hopName.replace('{n}', m[1]!)} · ${base}` : base;
}

/** A check under way: its name, what it waits for and how long at most. */
function pendingRow(l: ReportLabels, p: PendingCheck): HTMLElement {
  const li = el('li', { cls: 'check status-running' });
  li.dataset.check = p.id;
  li.dataset.status = 'running';
  li.appendChild(el('div', { cls: 'check-head' },
    el('span', { cls: 'badge badge-running', text: l.inProgress }),
    el('span', { cls: 'check-name', text: checkName(l, p) })));
  li.appendChild(el('div', { cls: 'check-summary', text: p.text }));
  return li;
}

/** Finished checks and, while running, those under way: in the one order (core/checkOrder.ts). */
function renderChecks(l: ReportLabels, checks: Check[], id = 'timeline', pending: PendingCheck[] = []): HTMLElement {
  const list = el('ol', { cls: 'timeline', id });
  const rows: Array<{ id: Check['id']; node: () => HTMLElement }> = [
    ...checks.map((c) => ({ id: c.id, node: () => checkRow(l, c) })),
    ...pending.filter((p) => !checks.some((c) => c.id === p.id)).map((p) => ({ id: p.id, node: () => pendingRow(l, p) })),
  ];
  rows.sort((a, b) => checkRank(a.id) - checkRank(b.id));
  for (const r of rows) list.appendChild(r.node());
  return list;
}

function checkRow(l: ReportLabels, c: Check): HTMLElement {
  const li = el('li', { cls: `check status-${c.status}` });
  li.dataset.check = c.id;
  li.dataset.status = c.status;
  const head = el('div', { cls: 'check-head' },
    el('span', { cls: `badge badge-${c.status}`, text: l.status[c.status] }),
    el('span', { cls: 'check-name', text: checkName(l, c) }),
    el('span', { cls: 'check-time', text: formatMs(c.durationMs) }));
  li.appendChild(head);
  li.appendChild(el('div', { cls: 'check-summary', text: c.summary }));
  if (c.evidence && Object.keys(c.evidence).length > 0) {
    const det = el('details', { cls: 'evidence' }, el('summary', { text: l.evidence }));
    det.appendChild(el('pre', { text: JSON.stringify(c.evidence, null, 2) }));
    li.appendChild(det);
  }
  return li;
}

/** The verdict's next steps: one click each (the extension carries them out). */
function renderActions(l: ReportLabels, actions: ReportActionView[]): HTMLElement | undefined {
  if (actions.length === 0) return undefined;
  const row = el('div', { cls: 'actions next-steps', id: 'next-steps' }, el('span', { cls: 'next-label', text: `${l.nextStep}:` }));
  for (const a of actions) {
    const b = button(a.label, () => vscode.postMessage({ type: 'action', action: a.action }), a.primary ? 'btn' : 'btn btn-secondary');
    b.id = `action-${a.action.kind}`;
    row.appendChild(b);
  }
  return row;
}

function renderReport(l: ReportLabels, r: Report, actions?: PanelState['cloudActions']): HTMLElement {
  // OK with the login asked for untested is neither a pass nor a failure.
  const look = verdictPassed(r.verdict) ? 'ok' : r.verdict.code === 'OK' ? 'warn' : 'problem';
  const sec = el('section', { cls: `verdict verdict-${look}`, id: 'verdict' });
  const h = el('h1', { cls: 'verdict-heading' },
    el('span', { cls: 'verdict-code', id: 'verdict-code', text: r.verdict.code }),
    el('span', { cls: 'verdict-title', id: 'verdict-title', text: r.verdict.title }));
  sec.appendChild(h);
  sec.appendChild(el('p', { cls: 'verdict-summary', id: 'verdict-summary', text: r.verdict.summary }));
  if (r.cancelled) sec.appendChild(el('p', { cls: 'note', text: l.cancelled }));
  const frag = el('div');
  frag.appendChild(sec);
  const next = state ? renderActions(l, state.actions) : undefined;
  if (next) frag.appendChild(next);
  if (r.verdict.remediation.length > 0) {
    frag.appendChild(el('h2', { text: l.remediation }));
    const ol = el('ol', { cls: 'remediation', id: 'remediation' });
    r.verdict.remediation.forEach((step, i) => {
      const li = el('li', { cls: 'step' }, el('div', { cls: 'step-text', text: step.text }));
      if (step.command) {
        const id = `cmd-${i}`;
        const row = el('div', { cls: 'command' }, el('code', { text: step.command }));
        const b = button(l.copy, () => vscode.postMessage({ type: 'copyText', text: step.command ?? '', id }), 'btn btn-small');
        b.dataset.copyId = id;
        row.appendChild(b);
        li.appendChild(row);
      }
      // A step done through the console's VNC login: the console, one click away.
      if (step.action === 'vnc-console' && actions?.vnc) {
        const b = button(l.openVnc, () => vscode.postMessage({ type: 'openVnc' }), 'btn btn-small step-vnc');
        li.appendChild(el('div', {}, b));
      }
      if (step.doc) {
        const doc = step.doc;
        const a = el('a', { cls: 'doc-link', text: `${l.docs}: ${doc}` });
        a.href = '#';
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          vscode.postMessage({ type: 'openLink', url: doc });
        });
        li.appendChild(el('div', {}, a));
      }
      ol.appendChild(li);
    });
    frag.appendChild(ol);
  }
  if (r.findings.length > 0) {
    frag.appendChild(el('h2', { text: l.findings }));
    const ul = el('ul', { cls: 'findings', id: 'findings' });
    for (const f of r.findings) {
      ul.appendChild(el('li', {}, el('code', { text: f.code }), document.createTextNode(' ' + f.message)));
    }
    frag.appendChild(ul);
  }
  return frag;
}

/** A check's layer without its hop (`hop2.cloud.instance` → `cloud.instance`). */
const layerOf = (c: Pick<Check, 'id'>) => c.id.replace(/^hop\d+\./, '');
const isCloud = (c: Pick<Check, 'id'>) => layerOf(c).startsWith('cloud.');
const isReadiness = (c: Pick<Check, 'id'>) => layerOf(c).startsWith('vscode.');

function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** The cloud's view as its own section: instance state, the deciding security-group rule,
 *  then every cloud.* check (network ACL, in-guest results), and the fix buttons. */
function renderCloud(l: ReportLabels, checks: Check[], actions: PanelState['cloudActions'], running: boolean): HTMLElement | undefined {
  const cloud = checks.filter(isCloud);
  const canOpen = !!actions?.openPort && !running;
  const canUndo = !!actions?.undo;
  const canVnc = !!actions?.vnc;
  if (cloud.length === 0 && !canUndo && !canVnc) return undefined;
  const sec = el('section', { cls: 'cloud', id: 'cloud' }, el('h2', { text: l.cloud }));
  const inst = cloud.find((c) => layerOf(c) === 'cloud.instance')?.evidence.instance as Record<string, unknown> | undefined;
  if (inst) {
    const restrict = str(inst.restrictState);
    sec.appendChild(el('p', { cls: 'cloud-line' }, el('span', { cls: 'cloud-label', text: `${l.instanceState}: ` }),
      el('code', { id: 'cloud-instance-state', text: restrict && restrict !== 'NORMAL' ? `${str(inst.state)} / ${restrict}` : str(inst.state) })));
  }
  // The rule that decided: a security group's, or a Lighthouse instance's own firewall's.
  const sgCheck = cloud.find((c) => layerOf(c) === 'cloud.securityGroups');
  const fwCheck = cloud.find((c) => layerOf(c) === 'cloud.firewall');
  const sg = (sgCheck ?? fwCheck)?.evidence;
  if (sg) {
    const r = sg.decidingRule as (SecurityGroupRuleRef & FirewallRuleRef) | undefined;
    const rule = r ? (sgCheck ? securityGroupRuleText(r) : firewallRuleText(r)) : sg.verdict === 'deny' ? l.implicitDeny : '';
    if (rule) {
      sec.appendChild(el('p', { cls: 'cloud-line' }, el('span', { cls: 'cloud-label', text: `${l.decidingRule}: ` }),
        el('code', { id: 'cloud-deciding-rule', cls: sg.verdict === 'deny' ? 'rule-deny' : 'rule-allow', text: rule })));
    }
  }
  if (canOpen || canUndo || canVnc) {
    const row = el('div', { cls: 'actions cloud-actions' });
    if (canOpen) {
      const b = button(l.openPort, () => vscode.postMessage({ type: 'openPort' }));
      b.id = 'open-port';
      row.appendChild(b);
    }
    if (canUndo) {
      const b = button(l.undoOpenPort, () => vscode.postMessage({ type: 'undoOpenPort' }), 'btn btn-secondary');
      b.id = 'undo-open-port';
      row.appendChild(b);
    }
    if (canVnc) {
      const b = button(l.openVnc, () => vscode.postMessage({ type: 'openVnc' }), 'btn btn-secondary');
      b.id = 'open-vnc';
      row.appendChild(b);
    }
    sec.appendChild(row);
  }
  if (cloud.length) sec.appendChild(renderChecks(l, cloud, 'cloud-checks'));
  return sec;
}

/** The local repair: the command it would run, shown before the button that asks to run it. */
function renderLocalFix(l: ReportLabels, actions: PanelState['localActions'], running: boolean): HTMLElement | undefined {
  if (!actions || running || (!actions.fix && !actions.undo)) return undefined;
  const sec = el('div', { cls: 'actions local-actions', id: 'local-actions' });
  if (actions.fix) {
    sec.appendChild(el('code', { cls: 'local-fix-preview', id: 'local-fix-preview', text: actions.fix }));
    const b = button(l.fixLocal, () => vscode.postMessage({ type: 'fixLocal' }));
    b.id = 'fix-local';
    sec.appendChild(b);
  }
  if (actions.undo) {
    const b = button(l.undoFixLocal, () => vscode.postMessage({ type: 'undoFixLocal' }), 'btn btn-secondary');
    b.id = 'undo-fix-local';
    sec.appendChild(b);
  }
  return sec;
}

function render(): void {
  if (!state) return;
  const l = state.labels;
  document.documentElement.lang = state.lang;
  app.replaceChildren();
  const t = state.target;
  const who = `${t.user ? t.user + '@' : ''}${t.host}:${t.port} (${t.protocol.toUpperCase()})`;
  app.appendChild(el('header', { cls: 'top' },
    el('div', { cls: 'heading', text: l.heading }),
    el('div', { cls: 'target', id: 'target', text: t.name ? `${t.name} — ${who}` : who })));
  // Through bastions: the whole path, hop by hop (remote names: text only).
  const path = state.report ? pathText(state.report.target) : '';
  if (path) app.appendChild(el('div', { cls: 'path', id: 'path', text: l.path.replace('{chain}', path) }));
  const actions = el('div', { cls: 'actions' });
  const rerun = button(l.rerun, () => vscode.postMessage({ type: 'rerun' }));
  rerun.id = 'rerun';
  rerun.disabled = state.running;
  actions.appendChild(rerun);
  if (state.running) {
    const stop = button(l.stop, () => vscode.postMessage({ type: 'stop' }), 'btn btn-secondary');
    stop.id = 'stop';
    actions.appendChild(stop);
  }
  if (state.report && !state.running) {
    actions.appendChild(button(l.copyMarkdown, () => vscode.postMessage({ type: 'copyMarkdown' }), 'btn btn-secondary'));
    actions.appendChild(button(l.saveHtml, () => vscode.postMessage({ type: 'saveHtml' }), 'btn btn-secondary'));
  }
  app.appendChild(actions);
  if (state.error) app.appendChild(el('p', { cls: 'error', id: 'error', text: state.error }));
  if (state.note) app.appendChild(el('p', { cls: 'note', id: 'note', text: state.note }));
  if (state.running) app.appendChild(el('p', { cls: 'running', id: 'running', text: l.running }));
  if (state.report && !state.running) app.appendChild(renderReport(l, state.report, state.cloudActions));
  // No report to show them under (a first run that failed): the steps that need none.
  const orphanSteps = !state.report && !state.running ? renderActions(l, state.actions) : undefined;
  if (orphanSteps) app.appendChild(orphanSteps);
  const localFix = renderLocalFix(l, state.localActions, state.running);
  if (localFix) app.appendChild(localFix);
  const all = state.running || !state.report ? state.checks : state.report.checks;
  const cloud = renderCloud(l, all, state.cloudActions, state.running);
  if (cloud) app.appendChild(cloud);
  app.appendChild(el('h2', { text: l.checks }));
  const checks = all.filter((c) => !isCloud(c) && !isReadiness(c));
  const pending = state.running ? state.pending.filter((p) => !isCloud(p) && !isReadiness(p)) : [];
  if (checks.length === 0 && pending.length === 0) app.appendChild(el('p', { cls: 'note', text: l.waiting }));
  else app.appendChild(renderChecks(l, checks, 'timeline', pending));
  const readiness = all.filter(isReadiness);
  const readinessPending = state.running ? state.pending.filter(isReadiness) : [];
  if (readiness.length || readinessPending.length) {
    app.appendChild(el('h2', { text: l.readiness, id: 'readiness-heading' }));
    app.appendChild(renderChecks(l, readiness, 'readiness', readinessPending));
  }
  if (state.report && !state.running) {
    app.appendChild(el('p', { cls: 'meta', text: `${l.duration}: ${formatMs(state.report.durationMs)} · ${formatLocalTime(state.report.startedAt)}` }));
  }
  vscode.setState({ version: 1, target: state.target, report: state.running ? undefined : state.report });
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'state') {
    state = m.state;
    render();
  } else if (m.type === 'check' && state) {
    state.checks = [...state.checks.filter((c) => c.id !== m.check.id), m.check];
    state.pending = state.pending.filter((p) => p.id !== m.check.id);
    render();
  } else if (m.type === 'checkStart' && state) {
    state.pending = [...state.pending.filter((p) => p.id !== m.pending.id), m.pending];
    render();
  } else if (m.type === 'copied' && state) {
    const b = document.querySelector<HTMLButtonElement>(`button[data-copy-id="${CSS.escape(m.id)}"]`);
    if (b) {
      b.textContent = state.labels.copied;
      setTimeout(() => { if (state) b.textContent = state.labels.copy; }, 1500);
    }
  }
});

vscode.postMessage({ type: 'ready' });
