/**
 * Connect with Remote-SSH, Add to SSH config, and Remote-SSH's local server download, for a
 * saved instance or an ad-hoc target. Remote-SSH installed: its documented command
 * `opensshremotes.openEmptyWindow` with host, user and port — or with the ~/.ssh/config alias
 * when the instance needs one (an identity file, a non-default port, a ProxyJump chain).
 * Not installed: install it, or open the saved ssh command in a terminal. Every write is
 * previewed, confirmed, backed up and undoable (fileUndo.ts).
 */
import * as vscode from 'vscode';
import { t } from '../i18n';
import { matchingAlias, needsSshConfig, openWindowArgs, sshAliasFor, type OpenWindowArgs } from '../../core/remoteSshHandoff';
import type { Instance } from '../../core/savedInstance';
import { sshArgs } from '../../core/sshCommand';
import { readSshConfigHosts } from '../../probes/sshConfigImport';
import { applyHostBlock, planHostBlock, type HostBlockSpec } from '../../probes/sshConfigWrite';
import { defaultSshConfigPath } from '../../probes/homePath';
import { registerCommand } from '../commandRegistry';
import type { TargetSpec } from '../diagnosis/instanceDiagnosis';
import type { InstanceStore } from '../instances/store';
import { resolveInstance } from '../instances/resolve';
import type { Logger } from '../log';
import { readSettings } from '../settings';
import type { FileUndo } from './fileUndo';

export const REMOTE_SSH_EXTENSION = 'ms-vscode-remote.remote-ssh';
export const OPEN_EMPTY_WINDOW = 'opensshremotes.openEmptyWindow';
export const RemoteCommands = { connect: 'cvmDoctor.connectRemoteSsh', addToSshConfig: 'cvmDoctor.addToSshConfig' } as const;

/** A target to connect to: a saved instance or an ad-hoc one, with an optional ssh -J chain. */
export type ConnectSpec = TargetSpec & { proxyJump?: string };

export class RemoteSshActions {
  constructor(private readonly store: InstanceStore, private readonly log: Logger, private readonly undo: FileUndo) {}

  register(): vscode.Disposable[] {
    const withInstance = (arg: unknown, fn: (i: Instance) => Promise<unknown>) =>
      resolveInstance(arg, this.store).then((i) => (i ? fn(i) : undefined));
    return [
      registerCommand(RemoteCommands.connect, this.log, (arg) => withInstance(arg, (i) => this.connect(i))),
      registerCommand(RemoteCommands.addToSshConfig, this.log, (arg) => withInstance(arg, (i) => this.addToSshConfig(i, i.id))),
    ];
  }

  /** Opens a Remote-SSH window, or offers the ways there when Remote-SSH is missing. */
  async connect(spec: ConnectSpec): Promise<OpenWindowArgs | undefined> {
    if (spec.protocol !== 'ssh') {
      void vscode.window.showInformationMessage(t('"{0}" is an RDP instance: use a Remote Desktop client.', spec.name ?? spec.host));
      return undefined;
    }
    if (!vscode.extensions.getExtension(REMOTE_SSH_EXTENSION)) return this.withoutRemoteSsh(spec);
    let alias = matchingAlias(spec, readSshConfigHosts());
    if (!alias && needsSshConfig(spec, spec.proxyJump)) {
      const add = t('Add to SSH config');
      const anyway = t('Connect without it');
      const why = spec.proxyJump ? t('its jump host') : spec.identityFile ? t('its identity file') : t('its port');
      const a = await vscode.window.showInformationMessage(
        t('Remote-SSH learns {0} only from ~/.ssh/config. Add a Host block for "{1}" first?', why, spec.name ?? spec.host),
        { modal: true }, add, anyway,
      );
      if (a === undefined) return undefined;
      if (a === add) alias = await this.addToSshConfig(spec, spec.id ?? `adhoc:${spec.host}:${spec.port}:ssh`);
      if (a === add && !alias) return undefined;
    }
    const args = openWindowArgs(spec, alias);
    this.log.info('remote', `${OPEN_EMPTY_WINDOW} ${JSON.stringify(args)}`);
    await vscode.commands.executeCommand(OPEN_EMPTY_WINDOW, args);
    return args;
  }

  private async withoutRemoteSsh(spec: ConnectSpec): Promise<undefined> {
    const install = t('Install Remote - SSH');
    const terminal = t('Open ssh in a terminal');
    const a = await vscode.window.showInformationMessage(
      t('The Remote - SSH extension ({0}) is not installed. Install it, or open the ssh command in a terminal?', REMOTE_SSH_EXTENSION),
      install, terminal,
    );
    if (a === install) {
      await vscode.commands.executeCommand('workbench.extensions.installExtension', REMOTE_SSH_EXTENSION);
    } else if (a === terminal) {
      const args = [...(spec.proxyJump ? ['-J', spec.proxyJump] : []), ...sshArgs(spec, readSettings().knownHostsPath)];
      const term = vscode.window.createTerminal({ name: `ssh ${spec.name ?? spec.host}`, shellPath: 'ssh', shellArgs: args });
      term.show();
    }
    return undefined;
  }

  /** Appends a Host block after a preview. Returns the alias that leads to the instance. */
  async addToSshConfig(spec: ConnectSpec, undoKey: string): Promise<string | undefined> {
    if (spec.protocol !== 'ssh') return undefined;
    const existing = matchingAlias(spec, readSshConfigHosts());
    if (existing) {
      void vscode.window.showInformationMessage(t('~/.ssh/config already has Host {0} for this instance: nothing to add.', existing));
      return existing;
    }
    const block: HostBlockSpec = {
      alias: sshAliasFor(spec.name ?? spec.host), hostName: spec.host,
      ...(spec.user ? { user: spec.user } : {}), ...(spec.port !== 22 ? { port: spec.port } : {}),
      ...(spec.identityFile ? { identityFile: spec.identityFile } : {}), ...(spec.proxyJump ? { proxyJump: spec.proxyJump } : {}),
    };
    const file = defaultSshConfigPath();
    const plan = await planHostBlock(block, file);
    if (!plan.ok) {
      void vscode.window.showErrorMessage(t('~/.ssh/config could not be read ({0}).', plan.code));
      return undefined;
    }
    if (plan.value.kind === 'exists') {
      void vscode.window.showWarningMessage(t('Host {0} already exists in {1} and leads elsewhere: CVM Doctor does not replace it. Rename the instance or edit that file.', plan.value.alias, plan.value.source));
      return undefined;
    }
    const go = t('Add');
    const detail = [
      t('This block is added to {0} (line {1}):', plan.value.file, plan.value.line),
      plan.value.block,
      t('A copy of the file is kept in {0}. Files it includes are not changed.', plan.value.backup),
    ].join('\n\n');
    if (await vscode.window.showInformationMessage(t('Add "{0}" to your SSH config?', block.alias), { modal: true, detail }, go) !== go) return undefined;
    const r = await applyHostBlock(block, plan.value);
    if (!r.ok) {
      void vscode.window.showErrorMessage(t('~/.ssh/config could not be changed ({0}).', r.code));
      return undefined;
    }
    if (r.value) this.undo.rememberFile(undoKey, t('adding Host {0} to {1}', block.alias, file), file, r.value);
    this.log.info('remote', `added Host ${block.alias} to ${file}`);
    const undo = t('Undo');
    void vscode.window.showInformationMessage(t('Host {0} added to {1}.', block.alias, file), undo)
      .then((a) => (a === undo ? this.undo.undo(undoKey) : undefined));
    return block.alias;
  }

  /** Sets remote.SSH.localServerDownload to "always" (user settings) after a confirmation. */
  async localServerDownload(undoKey: string): Promise<boolean> {
    const c = vscode.workspace.getConfiguration('remote.SSH');
    const before = c.inspect<string>('localServerDownload')?.globalValue;
    if (before === 'always') {
      void vscode.window.showInformationMessage(t('remote.SSH.localServerDownload is already "always".'));
      return false;
    }
    const go = t('Set to "always"');
    const detail = t('Your user setting remote.SSH.localServerDownload changes from {0} to "always": Remote-SSH then downloads VS Code\'s server on this machine and copies it to the instance over SSH.', before === undefined ? t('(not set: auto)') : `"${before}"`);
    if (await vscode.window.showInformationMessage(t('Let Remote-SSH download the server on this machine?'), { modal: true, detail }, go) !== go) return false;
    try {
      await c.update('localServerDownload', 'always', vscode.ConfigurationTarget.Global);
    } catch (e) {
      // Unregistered until Remote-SSH is installed.
      this.log.warn('remote', `remote.SSH.localServerDownload not set: ${(e as Error).message}`);
      void vscode.window.showWarningMessage(t('remote.SSH.localServerDownload could not be set: install the Remote - SSH extension ({0}) first.', REMOTE_SSH_EXTENSION));
      return false;
    }
    this.undo.rememberRun(undoKey, t('setting remote.SSH.localServerDownload to "always"'), async () => {
      await vscode.workspace.getConfiguration('remote.SSH').update('localServerDownload', before, vscode.ConfigurationTarget.Global);
    });
    this.log.info('remote', `remote.SSH.localServerDownload: ${before ?? '(unset)'} → always`);
    return true;
  }
}
