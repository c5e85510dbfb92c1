// (unit) The report's next steps, decided from real reports (the demo lab's loopback servers):
// which verdict offers which action, what the webview may send back, and Save HTML's name.
import * as assert from 'assert';
import { startDemoLab, type DemoLab } from '../../../src/cli/demoTargets';
import { diagnose } from '../../../src/core/diagnose';
import type { Report } from '../../../src/core/model';
import { createProbes } from '../../../src/probes';
import { isFromWebview, isReportAction } from '../../../src/shared/protocol';
import { actionLabel, actionsFor as allActions, actionViews, answeringPort, EVIDENCE_ACTIONS, type ActionContext } from '../../../src/vscode/report/actions';
import { htmlFileName, ticketFileName } from '../../../src/vscode/report/exportName';
import { keyPickerStart } from '../../../src/vscode/report/keyPicker';

// The verdict's own next steps: the evidence actions (path evidence, ticket pack) are tested on
// their own below.
const actionsFor = (r: Report | undefined, ctx: ActionContext) => allActions(r, ctx).filter((a) => !EVIDENCE_ACTIONS.has(a.kind));

describe('(unit) report actions', () => {
  let lab: DemoLab;
  const reports: Record<string, Report> = {};
  before(async function () {
    this.timeout(20_000);
    lab = await startDemoLab(1000);
    for (const name of ['healthy', 'wrong-password', 'moved', 'closed']) {
      const c = lab.cases.find((x) => x.target.name === name)!;
      reports[name] = await diagnose(c.target, { probes: createProbes(), credentials: c.credentials });
    }
    const healthy = lab.cases.find((x) => x.target.name === 'healthy')!;
    reports['no-credentials'] = await diagnose(healthy.target, { probes: createProbes() });
  });
  after(async () => { await lab?.close(); });

  it('SERVICE_ON_OTHER_PORT where SSH was seen: "Use port N", N from the scan', () => {
    const r = reports.moved!;
    assert.strictEqual(r.verdict.code, 'SERVICE_ON_OTHER_PORT');
    const port = lab.cases.find((x) => x.target.name === 'moved')!.target.altPorts[0];
    assert.strictEqual(answeringPort(r), port);
    assert.deepStrictEqual(actionsFor(r, { saved: true }), [{ kind: 'usePort', port }]);
    assert.deepStrictEqual(actionsFor(r, { saved: false }), [{ kind: 'usePort', port }, { kind: 'saveInstance' }]);
    // Inferred only (no scan evidence of SSH there): no one-click port change.
    const inferred: Report = { ...r, checks: r.checks.filter((c) => c.id !== 'altports') };
    assert.deepStrictEqual(actionsFor(inferred, { saved: true }), []);
  });

  it('OK without credentials (LOGIN_NOT_ATTEMPTED) and AUTH_FAILED: "Set credentials…"', () => {
    assert.strictEqual(reports['no-credentials']!.verdict.code, 'OK');
    assert.ok(reports['no-credentials']!.findings.some((f) => f.code === 'LOGIN_NOT_ATTEMPTED'));
    // The one rule table holds the Remote-SSH step too: an OK verdict offers Connect beside it.
    assert.deepStrictEqual(actionsFor(reports['no-credentials'], { saved: true }), [{ kind: 'setCredentials' }, { kind: 'connectRemoteSsh' }]);
    assert.strictEqual(reports['wrong-password']!.verdict.code, 'AUTH_FAILED');
    assert.deepStrictEqual(actionsFor(reports['wrong-password'], { saved: true }), [{ kind: 'setCredentials' }]);
    // A login that worked needs nothing; a closed port is not a credentials problem.
    assert.strictEqual(reports.healthy!.verdict.code, 'OK');
    assert.deepStrictEqual(actionsFor(reports.healthy, { saved: true }), [{ kind: 'connectRemoteSsh' }]);
    assert.deepStrictEqual(actionsFor(reports.closed, { saved: true }), []);
    assert.deepStrictEqual(actionsFor(reports.closed, { saved: false }), [{ kind: 'saveInstance' }]);
  });

  it('RDP gets no SSH credentials step; a cancelled or missing report offers nothing', () => {
    const r = reports['no-credentials']!;
    assert.deepStrictEqual(actionsFor({ ...r, target: { ...r.target, protocol: 'rdp' } }, { saved: true }), []);
    assert.deepStrictEqual(actionsFor({ ...r, cancelled: true }, { saved: false }), []);
    assert.deepStrictEqual(actionsFor(undefined, { saved: false }), []);
  });

  it('views: labels in the report\'s language, the first action primary', () => {
    const t = (m: string, ...a: Array<string | number>) => `[${m.replace(/\{(\d+)\}/g, (_x, i: string) => String(a[Number(i)]))}]`;
    const v = actionViews(reports.moved, { saved: false }, t).filter((x) => !EVIDENCE_ACTIONS.has(x.action.kind));
    assert.deepStrictEqual(v.map((x) => [x.label, x.primary]), [[`[Use port ${answeringPort(reports.moved!)} for this instance]`, true], ['[Save as instance]', false]]);
    assert.strictEqual(actionLabel({ kind: 'setCredentials' }, t), '[Set credentials…]');
  });

  it('path evidence until collected (failed verdicts only), a ticket pack always; neither is the primary step', () => {
    const t = (m: string) => m;
    const kinds = (r: Report | undefined, saved = true) => allActions(r, { saved }).filter((a) => EVIDENCE_ACTIONS.has(a.kind)).map((a) => a.kind);
    assert.deepStrictEqual(kinds(reports.closed), ['collectTrace', 'saveTicketPack']);
    assert.deepStrictEqual(kinds(reports.healthy), ['saveTicketPack']);
    const traced: Report = { ...reports.closed!, checks: [...reports.closed!.checks, { id: 'path.out', status: 'warn', durationMs: 1, summary: 's', evidence: {} }] };
    assert.deepStrictEqual(kinds(traced), ['saveTicketPack']);
    const chained: Report = { ...reports.closed!, target: { ...reports.closed!.target, jump: [{ host: '10.213.0.2', port: 22 }] } };
    assert.deepStrictEqual(kinds(chained), ['saveTicketPack']);
    assert.deepStrictEqual(kinds({ ...reports.closed!, cancelled: true }), []);
    const v = actionViews(reports.closed, { saved: true }, t);
    assert.deepStrictEqual(v.map((x) => [x.label, x.primary]), [['Collect path evidence', false], ['Save ticket pack…', false]]);
    assert.ok(isReportAction({ kind: 'collectTrace' }) && isReportAction({ kind: 'saveTicketPack' }));
    assert.ok(!isReportAction({ kind: 'saveTicketPack', path: '/etc/passwd' }));
  });

  it('the webview may send only well-formed actions', () => {
    assert.ok(isFromWebview({ type: 'action', action: { kind: 'usePort', port: 2222 } }));
    assert.ok(isFromWebview({ type: 'action', action: { kind: 'saveInstance' } }));
    assert.ok(isFromWebview({ type: 'stop' }));
    for (const bad of [
      { kind: 'usePort', port: 0 }, { kind: 'usePort', port: 70000 }, { kind: 'usePort', port: '22' }, { kind: 'usePort', port: 22.5 },
      { kind: 'usePort', port: 22, host: 'evil' }, { kind: 'setCredentials', password: 'x' }, { kind: 'runCommand' }, null, 'usePort',
    ]) {
      assert.ok(!isReportAction(bad), JSON.stringify(bad));
      assert.ok(!isFromWebview({ type: 'action', action: bad }), JSON.stringify(bad));
    }
  });

  it('Save ticket pack suggests cvm-doctor-<name>-<local date>-ticket.md (and .json beside it)', () => {
    assert.strictEqual(ticketFileName('web-1', '2026-12-01T21:13:32.000Z', 9 * 60), 'cvm-doctor-web-1-2026-12-02-ticket.md');
    assert.strictEqual(ticketFileName('../../etc/passwd', '2026-12-01T21:13:32.000Z', 0), 'cvm-doctor-etc_passwd-2026-12-01-ticket.md');
  });

  it('Save HTML suggests cvm-doctor-<name>-<local date>.html with a safe name', () => {
    assert.strictEqual(htmlFileName('web-1', '2026-12-01T21:13:32.000Z', 9 * 60), 'cvm-doctor-web-1-2026-12-02.html');
    assert.strictEqual(htmlFileName('../../etc/passwd', '2026-12-01T21:13:32.000Z', 0), 'cvm-doctor-etc_passwd-2026-12-01.html');
    assert.strictEqual(htmlFileName('fe80::1%eth0', '2026-12-01T01:00:00.000Z', 0), 'cvm-doctor-fe80_1_eth0-2026-12-01.html');
    assert.strictEqual(htmlFileName('웹 서버', '2026-12-01T01:00:00.000Z', 0), 'cvm-doctor-웹_서버-2026-12-01.html');
    assert.strictEqual(htmlFileName('///', '2026-12-01T01:00:00.000Z', 0), 'cvm-doctor-report-2026-12-01.html');
  });
});

describe('(unit) the key file picker', () => {
  it('opens in ~/.ssh on the first default key that exists, else on id_ed25519; the home folder without ~/.ssh', () => {
    const fs = require('fs') as typeof import('fs');
    const os = require('os') as typeof import('os');
    const path = require('path') as typeof import('path');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-keypicker-'));
    try {
      assert.strictEqual(keyPickerStart(home), home);
      fs.mkdirSync(path.join(home, '.ssh'));
      assert.strictEqual(keyPickerStart(home), path.join(home, '.ssh', 'id_ed25519'));
      fs.writeFileSync(path.join(home, '.ssh', 'id_rsa'), '');
      assert.strictEqual(keyPickerStart(home), path.join(home, '.ssh', 'id_rsa'));
      fs.writeFileSync(path.join(home, '.ssh', 'id_ecdsa'), '');
      assert.strictEqual(keyPickerStart(home), path.join(home, '.ssh', 'id_ecdsa'));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
