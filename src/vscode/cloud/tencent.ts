/**
 * Tencent Cloud in the extension, wired: the credentials (credentials.ts), the import
 * (import.ts), the cloud's part of a diagnosis with the in-guest consent (guestConsent.ts) and
 * the open-port fix with its undo (openPortFix.ts), the VNC console (vncConsole.ts), and the
 * commands that reach them. Each
 * part owns its own state; this class only builds them and registers the commands.
 */
import * as vscode from 'vscode';
import { registerCommand } from '../commandRegistry';
import type { InstanceStore } from '../instances/store';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import { TencentCredentials } from './credentials';
import { CloudInspection } from './guestConsent';
import { TencentImport, type ImportArgs } from './import';
import { OpenPortFix } from './openPortFix';
import { VncConsole } from './vncConsole';

export const TencentCommands = {
  setCredentials: 'cvmDoctor.setTencentCredentials',
  clearCredentials: 'cvmDoctor.clearTencentCredentials',
  importInstances: 'cvmDoctor.importTencent',
  undoOpenPort: 'cvmDoctor.undoOpenPort',
  openVncConsole: 'cvmDoctor.openVncConsole',
} as const;

export class TencentCloud extends Disposable {
  readonly credentials: TencentCredentials;
  readonly import: TencentImport;
  readonly inspection: CloudInspection;
  readonly openPort: OpenPortFix;
  readonly vnc: VncConsole;

  constructor(state: vscode.Memento, secrets: vscode.SecretStorage, store: InstanceStore, private readonly log: Logger) {
    super();
    this.credentials = new TencentCredentials(secrets, log);
    this.import = new TencentImport(this.credentials, store, log);
    this.inspection = this._register(new CloudInspection(state, store, this.credentials, log));
    this.openPort = this._register(new OpenPortFix(state, store, this.credentials, log));
    this.vnc = new VncConsole(this.credentials, store, log);
  }

  register(): vscode.Disposable[] {
    return [
      registerCommand(TencentCommands.setCredentials, this.log, () => this.credentials.prompt()),
      registerCommand(TencentCommands.clearCredentials, this.log, () => this.credentials.clear(true)),
      // From the view title the argument is absent; from a script or a test it is ImportArgs.
      registerCommand(TencentCommands.importInstances, this.log, (a) => this.import.run(a && typeof a === 'object' && !('kind' in a) ? a as ImportArgs : undefined)),
      registerCommand(TencentCommands.undoOpenPort, this.log, (a) => this.openPort.undoCommand(a)),
      registerCommand(TencentCommands.openVncConsole, this.log, (a) => this.vnc.open(a)),
    ];
  }
}
