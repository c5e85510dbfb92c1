/**
 * Instance commands: add, import from ~/.ssh/config, edit, rename, duplicate, remove, copy
 * the ssh command, open it in a terminal (argv only: shellPath 'ssh' + shellArgs), pin to the
 * status bar, credentials (SecretStorage only), check now.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { LastReports } from '../diagnosis/lastReports';
import { userMessage } from '../errors';
import { t } from '../i18n';
import { pickIdentityFile } from '../identityPicker';
import type { Logger } from '../log';
import type { ReachabilityService } from '../reachability/service';
import { readSettings } from '../settings';
import { sshArgs, sshCommandLine } from '../../core/sshCommand';
import { formatJumpChain } from '../../core/jump';
import { connectionChanged, uniqueName, type Instance } from '../../core/savedInstance';
import { targetLine } from '../reachability/presentation';
import { ReportPanel } from '../report/panel';
import { registerCommand } from '../commandRegistry';
import { resolveInstance } from './resolve';
import { readSshConfigHosts } from '../../probes/sshConfigImport';
import { defaultSshConfigPath } from '../../probes/homePath';
import type { InstanceStore } from './store';
import { TREE_VIEW_ID } from './tree';
import { editInstanceWizard, instanceWizard, validateInstanceName } from './wizard';

export const Commands = {
  add: 'cvmDoctor.addInstance',
  importSshConfig: 'cvmDoctor.importSshConfig',
  diagnose: 'cvmDoctor.diagnose',
  diagnoseAll: 'cvmDoctor.diagnoseAll',
  diagnoseHost: 'cvmDoctor.diagnoseHost',
  openInstance: 'cvmDoctor.openInstance',
  edit: 'cvmDoctor.editInstance',
  rename: 'cvmDoctor.renameInstance',
  duplicate: 'cvmDoctor.duplicateInstance',
  remove: 'cvmDoctor.removeInstance',
  copySsh: 'cvmDoctor.copySshCommand',
  openTerminal: 'cvmDoctor.openInTerminal',
  pin: 'cvmDoctor.pinInstance',
  unpin: 'cvmDoctor.unpinInstance',
  credentials: 'cvmDoctor.setCredentials',
  checkNow: 'cvmDoctor.checkNow',
  refresh: 'cvmDoctor.refresh',
  showLog: 'cvmDoctor.showLog',
} as const;

export class InstanceCommands {
  constructor(private readonly store: InstanceStore, private readonly reach: ReachabilityService, private readonly log: Logger, private readonly reports?: LastReports) {}

  register(): vscode.Disposable[] {
    const r = (id: string, fn: (arg?: unknown) => unknown) => registerCommand(id, this.log, (arg) => fn(arg));
    return [
      r(Commands.add, () => this.add()),
      r(Commands.importSshConfig, () => this.importSshConfig()),
      r(Commands.edit, (a) => this.withInstance(a, (i) => this.edit(i))),
      r(Commands.rename, (a) => this.withInstance(a, (i) => this.rename(i))),
      r(Commands.duplicate, (a) => this.withInstance(a, (i) => this.duplicate(i))),
      r(Commands.remove, (a) => this.withInstance(a, (i) => this.remove(i))),
      r(Commands.copySsh, (a) => this.withInstance(a, (i) => this.copySsh(i))),
      r(Commands.openTerminal, (a) => this.withInstance(a, (i) => this.openTerminal(i))),
      r(Commands.pin, (a) => this.withInstance(a, (i) => this.store.setPinned(i.id).then(() => this.reach.checkNow(i.id)))),
      r(Commands.unpin, () => this.store.setPinned(undefined)),
      r(Commands.credentials, (a) => this.withInstance(a, (i) => this.credentials(i))),
      r(Commands.checkNow, (a) => this.withInstance(a, (i) => this.reach.checkNow(i.id))),
      r(Commands.refresh, () => this.checkAll()),
      r(Commands.showLog, () => this.log.channel.show(true)),
    ];
  }

  /** Tree node, instance id, or (from the palette) a quick pick. */
  private async withInstance<T>(arg: unknown, fn: (i: Instance) => T | Promise<T>): Promise<T | undefined> {
    const inst = await resolveInstance(arg, this.store);
    return inst ? fn(inst) : undefined;
  }

  async add(): Promise<Instance | undefined> {
    const data = await instanceWizard(undefined, this.store.list().map((i) => i.name), this.store.list());
    if (!data) return undefined;
    const inst = await this.store.add(data);
    this.log.info('store', `added ${inst.name} (${inst.protocol} ${inst.host}:${inst.port})`);
    return inst;
  }

  /** Edit asks which field to change. A new host, port, protocol, user or key clears the
   *  last verdict (store.update) and the reachability (the scheduler re-targets and checks
   *  again at once), so the row never shows what was true of the old target. */
  private async edit(i: Instance): Promise<void> {
    const data = await editInstanceWizard(i, this.store.list().map((x) => x.name), this.store.list());
    if (!data) return;
    // What the last cloud import set stays the base of the next re-sync: a field the user
    // just changed differs from it and is kept; the others keep following the cloud.
    await this.store.update({ ...data, id: i.id, ...(i.imported ? { imported: i.imported } : {}), ...(i.cloudState ? { cloudState: i.cloudState } : {}) });
    this.log.info('store', `edited ${data.name} (${data.protocol} ${data.host}:${data.port})`);
    // An open report of the old target says what it is about, and Re-run checks the new one.
    const panel = ReportPanel.get(i.id);
    if (panel && !panel.isRunning && connectionChanged(i, data)) {
      panel.setNote(t('This report is for {0}; the instance now connects to {1}. Re-run to diagnose it.', targetLine(i), targetLine(data)));
    }
    this.reach.checkNow(i.id);
  }

  /** "Check All Now", with the view's own progress bar until every instance has answered. */
  private checkAll(): Thenable<void> {
    return vscode.window.withProgress({ location: { viewId: TREE_VIEW_ID } }, () => this.reach.checkAll());
  }

  private async rename(i: Instance): Promise<void> {
    const others = this.store.list().filter((x) => x.id !== i.id).map((x) => x.name);
    const name = await vscode.window.showInputBox({
      title: t('Rename Instance'),
      value: i.name,
      validateInput: (v) => validateInstanceName(v, others),
    });
    if (name === undefined || name.trim() === i.name) return;
    await this.store.update({ ...i, name: name.trim() });
  }

  private async duplicate(i: Instance): Promise<Instance> {
    const { id: _id, ...data } = i;
    return this.store.add({ ...data, name: uniqueName(i.name, this.store.list().map((x) => x.name), t('copy')) });
  }

  private async remove(i: Instance): Promise<void> {
    const yes = t('Remove');
    const answer = await vscode.window.showWarningMessage(
      t('Remove "{0}"? Its saved password and passphrase are deleted too.', i.name),
      { modal: true },
      yes,
    );
    if (answer !== yes) return;
    await this.store.remove(i.id);
    await this.reports?.remove(i.id);
    this.log.info('store', `removed ${i.name}`);
  }

  private async copySsh(i: Instance): Promise<void> {
    if (i.protocol !== 'ssh') {
      void vscode.window.showInformationMessage(t('"{0}" is an RDP instance: use a Remote Desktop client.', i.name));
      return;
    }
    await vscode.env.clipboard.writeText(sshCommandLine(i, readSettings().knownHostsPath));
    void vscode.window.showInformationMessage(t('SSH command copied.'));
  }

  private openTerminal(i: Instance): vscode.Terminal | undefined {
    if (i.protocol !== 'ssh') {
      void vscode.window.showInformationMessage(t('"{0}" is an RDP instance: use a Remote Desktop client.', i.name));
      return undefined;
    }
    // No shell: the terminal's process is ssh itself, with each option as its own argv entry.
    const term = vscode.window.createTerminal({ name: `ssh ${i.name}`, shellPath: 'ssh', shellArgs: sshArgs(i, readSettings().knownHostsPath) });
    term.show();
    return term;
  }

  private async credentials(i: Instance): Promise<void> {
    const items = [
      { label: t('Set password…'), action: 'password' as const },
      { label: t('Choose identity file…'), action: 'identity' as const },
      { label: t('Set key passphrase…'), action: 'passphrase' as const },
      { label: t('Forget saved password and passphrase'), action: 'forget' as const },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: t('Credentials for {0}', i.name), placeHolder: t('Stored in VS Code secret storage, never in settings') });
    if (!pick) return;
    if (pick.action === 'identity') {
      // The one key picker (the wizard's identity step): ~/.ssh's keys, none, or Browse….
      const r = await pickIdentityFile({ title: t('Choose identity file…'), canGoBack: false }, i.identityFile ?? '', { none: true });
      if (r === 'back' || r === 'cancel' || r.file === (i.identityFile ?? '')) return;
      const { identityFile: _old, ...rest } = i;
      await this.store.update(r.file ? { ...rest, identityFile: r.file } : rest);
      return;
    }
    if (pick.action === 'forget') {
      await this.store.setSecret(i.id, 'password', undefined);
      await this.store.setSecret(i.id, 'passphrase', undefined);
      return;
    }
    const value = await vscode.window.showInputBox({
      title: pick.label,
      password: true,
      ignoreFocusOut: true,
      prompt: t('Leave empty to remove the saved value.'),
    });
    if (value === undefined) return;
    this.log.addSecret(value);
    await this.store.setSecret(i.id, pick.action, value || undefined);
  }

  private async importSshConfig(): Promise<Instance[]> {
    const file = defaultSshConfigPath();
    try {
      await fs.promises.access(file, fs.constants.R_OK);
    } catch (e) {
      // Missing or unreadable is not "no hosts": say which, and where we looked.
      void vscode.window.showWarningMessage(t('Cannot read {0}: {1}.', file, userMessage(e)));
      return [];
    }
    const hosts = readSshConfigHosts(file);
    if (hosts.length === 0) {
      void vscode.window.showInformationMessage(t('No hosts found in ~/.ssh/config.'));
      return [];
    }
    const existing = this.store.list();
    // A ProxyJump that loops (or names a bad hop) is refused, with ssh_config's own words.
    const refused = hosts.filter((h) => h.jumpError);
    if (refused.length) {
      void vscode.window.showWarningMessage(t('Not imported: {0}', refused.map((h) => `${h.alias} (${h.jumpError})`).join('; ')));
    }
    const picks = await vscode.window.showQuickPick(
      hosts.filter((h) => !h.jumpError).map((h) => ({
        label: h.alias,
        description: `${h.user ? h.user + '@' : ''}${h.hostName}:${h.port}${h.jump ? ` ${t('through {0}', formatJumpChain(h.jump))}` : ''}`,
        picked: !existing.some((e) => e.host === h.hostName && e.port === h.port),
        host: h,
      })),
      { canPickMany: true, title: t('Import from ~/.ssh/config'), placeHolder: t('Choose the hosts to import') },
    );
    if (!picks?.length) return [];
    const added: Instance[] = [];
    const names = existing.map((e) => e.name);
    for (const p of picks) {
      const name = uniqueName(p.host.alias, names);
      names.push(name);
      added.push(await this.store.add({
        name, host: p.host.hostName, port: p.host.port, protocol: 'ssh', user: p.host.user, identityFile: p.host.identityFile,
        ...(p.host.jump ? { jump: p.host.jump } : {}), ...(p.host.proxyCommand ? { proxyCommand: p.host.proxyCommand } : {}),
      }));
    }
    this.log.info('import', `imported ${added.length} host(s) from ssh config`);
    return added;
  }
}
