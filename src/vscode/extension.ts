/**
 * Activation: builds the few long-lived objects (store, scheduler service, tree, status bar,
 * diagnose controller) and registers everything into context.subscriptions. Activation does
 * no I/O beyond reading globalState, so it cannot fail on a missing native module: probes
 * load lazily when a diagnosis runs.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { TencentCloud } from './cloud/tencent';
import { registerCommand } from './commandRegistry';
import { DiagnoseController } from './diagnosis/controller';
import { initL10n, Localizer } from './i18n';
import { Commands, InstanceCommands } from './instances/commands';
import { InstanceStore } from './instances/store';
import { InstanceTreeProvider, TREE_VIEW_ID } from './instances/tree';
import { LastReports } from './diagnosis/lastReports';
import { Logger } from './log';
import { ReachabilityService } from './reachability/service';
import { LocalPermissionFix } from './report/localFix';
import { VIEW_TYPE } from './report/panel';
import { affects, Keys } from './settings';
import { PinnedStatusBar } from './statusBar';
import { DiagnoseAll } from './sweep/diagnoseAll';
import { FileUndo } from './remoteSsh/fileUndo';
import { RemoteSshActions } from './remoteSsh/remoteSsh';

export { TREE_VIEW_ID };

/**
 * Returned from activate() only to the integration tests (ExtensionMode.Test): it reaches the
 * store's secrets and the Tencent Cloud credentials, so any other extension calling
 * `getExtension(…).exports` in a normal window gets nothing.
 */
export interface CvmDoctorApi {
  store: InstanceStore;
  reach: ReachabilityService;
  /** The Instances view's data provider: what VS Code renders, read back by the tests. */
  tree: InstanceTreeProvider;
  controller: DiagnoseController;
  diagnoseAll: DiagnoseAll;
  tencent: TencentCloud;
  /** The report's local permission repair and its undo. */
  localFix: LocalPermissionFix;
  /** The extension's globalState, so tests can prove what is (not) stored there. */
  globalState: vscode.Memento;
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): CvmDoctorApi | undefined {
  const started = performance.now();
  initL10n(context.extensionPath);
  const log = new Logger('CVM Doctor');
  const store = new InstanceStore(context.globalState, context.secrets);
  const reach = new ReachabilityService(store, log);
  const tree = new InstanceTreeProvider(store, (id) => reach.get(id));
  const view = vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
  const status = new PinnedStatusBar(store, reach);
  const loc = new Localizer(context.extensionPath);
  const tencent = new TencentCloud(context.globalState, context.secrets, store, log);
  const undo = new FileUndo();
  const remoteSsh = new RemoteSshActions(store, log, undo);
  const localFix = new LocalPermissionFix(context.globalState, path.join(context.globalStorageUri.fsPath, 'acl-backups'), log);
  const reports = new LastReports(vscode.Uri.joinPath(context.globalStorageUri, 'reports'));
  const controller = new DiagnoseController(context.extensionUri, store, reach, log, loc, tencent, { undo, ssh: remoteSsh }, localFix, reports);
  const commands = new InstanceCommands(store, reach, log, reports);
  const diagnoseAll = new DiagnoseAll(context.extensionUri, store, reach, log, tencent, controller);

  context.subscriptions.push(
    log, store, reach, tree, view, status,
    reach.onDidChange((id) => tree.refreshInstance(id)),
    tencent,
    ...commands.register(),
    ...tencent.register(),
    tencent.openPort.onDidChange(() => controller.refreshPanels()),
    undo, undo.onDidChange(() => controller.refreshPanels()),
    ...remoteSsh.register(),
    localFix, localFix.onDidChange(() => controller.refreshPanels()),
    registerCommand(Commands.diagnose, log, (arg) => controller.command(arg)),
    diagnoseAll,
    registerCommand(Commands.diagnoseAll, log, (arg) => diagnoseAll.run(arg)),
    registerCommand(Commands.diagnoseHost, log, () => controller.diagnoseHost()),
    registerCommand(Commands.openInstance, log, (arg) => controller.open(arg)),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, controller.serializer()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affects(e, Keys.language)) return;
      // Every string of ours follows the setting at once: open reports, the tree, the status bar.
      controller.refreshPanels();
      tree.refresh();
      status.update();
    }),
  );
  const activationMs = Math.round((performance.now() - started) * 10) / 10;
  log.info('activate', `activated in ${activationMs} ms; ${store.list().length} saved instance(s)`);
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return { store, reach, tree, controller, diagnoseAll, tencent, localFix, globalState: context.globalState, activationMs };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
