// Test entry run inside code-server's extension host by exports.e2e.test.ts: another
// extension asks for CVM Doctor's exports, as any installed extension could.
import * as fs from 'fs';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('cvm-doctor.cvm-doctor');
  const exported: unknown = ext ? await ext.activate() : undefined;
  const result = {
    found: !!ext,
    active: !!ext?.isActive,
    exportsType: exported === undefined ? 'undefined' : exported === null ? 'null' : typeof exported,
    keys: exported && typeof exported === 'object' ? Object.keys(exported) : [],
    diagnoseRegistered: (await vscode.commands.getCommands(true)).includes('cvmDoctor.diagnose'),
  };
  fs.writeFileSync(process.env.CVM_EXPORT_PROBE_RESULT!, JSON.stringify(result));
}
