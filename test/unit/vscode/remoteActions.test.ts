/**
 * (unit) Which host-key and Remote-SSH actions a report offers, and what Remote-SSH is handed.
 * A key the instance disowns is never offered for trust or replacement; a changed key is
 * only ever replaced (never "trusted"); Connect only on a passed verdict.
 */
import * as assert from 'assert/strict';
import type { Check, Report } from '../../../src/core/model';
import { matchingAlias, needsSshConfig, openWindowArgs, sshAliasFor } from '../../../src/core/remoteSshHandoff';
import { isFromWebview } from '../../../src/shared/protocol';
import { actionLabel, actionsFor, actionViews, EVIDENCE_ACTIONS, type ActionContext } from '../../../src/vscode/report/actions';

const hostkey = (status: string): Check => ({ id: 'hostkey', status: 'warn', durationMs: 0, summary: '', evidence: { type: 'ssh-ed25519', fingerprint: 'SHA256:x', key: 'AAAA', status, knownHostsPath: '/k', knownEntries: [] } });
function report(code: string, findings: string[] = [], status = 'unknown', loginTested?: false): Report {
  return {
    schemaVersion: 1, target: { host: 'cvm.example.com', port: 22, protocol: 'ssh', addresses: ['203.0.113.10'] },
    verdict: { code: code as Report['verdict']['code'], title: '', summary: '', remediation: [], ...(loginTested === false ? { loginTested } : {}) },
    findings: findings.map((c) => ({ code: c as Report['findings'][number]['code'], message: '' })),
    checks: [hostkey(status)], durationMs: 1, startedAt: '', lang: 'en',
  };
}
const ctx = { cloudInstance: false, needsSshConfig: false, canUndo: false };
/** The host-key and Remote-SSH rows of the report's one rule table (a saved instance); the
 *  evidence actions (path evidence, ticket pack) are tested in reportActions.test.ts. */
const remoteActionsFor = (r: Report, c: Omit<ActionContext, 'saved'>) => actionsFor(r, { saved: true, ...c }).map((a) => a.kind).filter((k) => !EVIDENCE_ACTIONS.has(k));

describe('(unit) report actions for Remote-SSH and host keys', () => {
  it('HOST_KEY_UNKNOWN: Trust, and Verify when the instance is a Tencent Cloud one', () => {
    assert.deepEqual(remoteActionsFor(report('HOST_KEY_UNKNOWN'), ctx), ['trustHostKey']);
    assert.deepEqual(remoteActionsFor(report('HOST_KEY_UNKNOWN'), { ...ctx, cloudInstance: true }), ['trustHostKey', 'verifyHostKey']);
    assert.deepEqual(remoteActionsFor(report('HOST_KEY_UNKNOWN', ['HOST_KEY_CONFIRMED']), { ...ctx, cloudInstance: true }), ['trustHostKey']);
  });

  it('HOST_KEY_MISMATCH: Replace (never Trust); HOST_KEY_NOT_INSTANCE: nothing at all', () => {
    assert.deepEqual(remoteActionsFor(report('HOST_KEY_MISMATCH', [], 'mismatch'), { ...ctx, cloudInstance: true }), ['replaceHostKey', 'verifyHostKey']);
    assert.deepEqual(remoteActionsFor(report('HOST_KEY_MISMATCH', ['HOST_KEY_CONFIRMED_CHANGED'], 'mismatch'), { ...ctx, cloudInstance: true }), ['replaceHostKey']);
    assert.deepEqual(remoteActionsFor(report('HOST_KEY_MISMATCH', ['HOST_KEY_NOT_INSTANCE'], 'mismatch'), { ...ctx, cloudInstance: true }), []);
    assert.deepEqual(remoteActionsFor(report('HOST_KEY_UNKNOWN', ['HOST_KEY_NOT_INSTANCE']), { ...ctx, cloudInstance: true }), []);
  });

  it('OK: Connect, Add to SSH config when needed, the local download when the instance cannot fetch; undo last', () => {
    assert.deepEqual(remoteActionsFor(report('OK', [], 'match'), ctx), ['connectRemoteSsh']);
    assert.deepEqual(remoteActionsFor(report('OK', ['REMOTE_DOWNLOAD_BLOCKED'], 'match'), { ...ctx, needsSshConfig: true, canUndo: true }),
      ['connectRemoteSsh', 'addSshConfig', 'localServerDownload', 'undoFileChange']);
    // An OK whose login was not tested is no "working": no Connect.
    assert.deepEqual(remoteActionsFor(report('OK', [], 'match', false), ctx), []);
    assert.deepEqual(remoteActionsFor(report('REMOTE_SERVER_UNSUPPORTED', [], 'match'), ctx), []);
  });

  it('one table, one message: the host-key steps come back as `action` messages, labelled like the others', () => {
    const v = actionViews(report('HOST_KEY_UNKNOWN'), { saved: false, ...ctx, cloudInstance: true, canUndo: true }, (m) => `<${m}>`).filter((x) => !EVIDENCE_ACTIONS.has(x.action.kind));
    assert.deepEqual(v.map((x) => [x.action.kind, x.label, x.primary]), [
      ['trustHostKey', '<Trust this key>', true], ['verifyHostKey', '<Verify through the instance>', false],
      ['saveInstance', '<Save as instance>', false], ['undoFileChange', '<Undo the last change>', false],
    ]);
    assert.equal(actionLabel({ kind: 'localServerDownload' }, (m) => m), 'Download the server on this machine');
    assert.ok(isFromWebview({ type: 'action', action: { kind: 'trustHostKey' } }));
    assert.ok(!isFromWebview({ type: 'action', action: { kind: 'trustHostKey', key: 'AAAA' } }), 'no fields the extension did not offer');
    assert.ok(!isFromWebview({ type: 'remoteAction', action: 'trustHostKey' }), 'the second message type is gone');
  });

  it('the undo of a file change does not read the verdict: offered without a finished report too', () => {
    assert.deepEqual(remoteActionsFor({ ...report('HOST_KEY_UNKNOWN'), cancelled: true }, { ...ctx, canUndo: true }), ['undoFileChange']);
    assert.deepEqual(actionsFor(undefined, { saved: false, canUndo: true }).map((a) => a.kind), ['undoFileChange']);
    assert.deepEqual(actionsFor(undefined, { saved: false }), []);
  });

  it('Remote-SSH gets host, user and port, or the ssh config alias', () => {
    assert.deepEqual(openWindowArgs({ host: '10.213.0.2', port: 2222, user: 'ubuntu' }), { host: '10.213.0.2', userName: 'ubuntu', port: 2222 });
    assert.deepEqual(openWindowArgs({ host: '10.213.0.2', port: 22 }), { host: '10.213.0.2' });
    assert.deepEqual(openWindowArgs({ host: '10.213.0.2', port: 22, user: 'u' }, 'cvm-web'), { host: 'cvm-web' });
    assert.equal(sshAliasFor('Web server (Seoul)'), 'cvm-web-server-seoul');
    assert.equal(sshAliasFor('서울'), 'cvm-instance');
    assert.equal(matchingAlias({ host: '10.213.0.2', port: 22, user: 'u' }, [{ alias: 'a', hostName: '10.213.0.2', port: 2222 }, { alias: 'b', hostName: '10.213.0.2', port: 22, user: 'u' }]), 'b');
    assert.ok(needsSshConfig({ protocol: 'ssh', port: 22, identityFile: '/k' }) && needsSshConfig({ protocol: 'ssh', port: 2222 }) && needsSshConfig({ protocol: 'ssh', port: 22 }, 'j@h'));
    assert.ok(!needsSshConfig({ protocol: 'ssh', port: 22 }) && !needsSshConfig({ protocol: 'rdp', port: 3389, identityFile: '/k' }));
  });
});
