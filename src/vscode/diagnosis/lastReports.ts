/**
 * The last report of each saved instance, kept so clicking the instance in the tree shows it
 * again (after the panel was closed, or after a reload) instead of running a new diagnosis.
 * One JSON file per instance under the extension's global storage. A report is shown only
 * while it is the one the tree's verdict came from (same start time): after an edit clears
 * the verdict, the old report is never offered again. Reports hold no secrets (core's Report
 * carries no credentials).
 */
import * as vscode from 'vscode';
import type { Report } from '../../core/model';
import type { LastVerdict } from '../instances/store';

export class LastReports {
  constructor(private readonly dir: vscode.Uri) {}

  private file(id: string): vscode.Uri {
    // Instance ids are random hex (store.ts); anything else is refused rather than used as a path.
    if (!/^[0-9a-f]{1,64}$/.test(id)) throw new Error(`bad instance id ${JSON.stringify(id)}`);
    return vscode.Uri.joinPath(this.dir, `${id}.json`);
  }

  async save(id: string, report: Report): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.dir);
    await vscode.workspace.fs.writeFile(this.file(id), Buffer.from(JSON.stringify(report), 'utf8'));
  }

  /** The report behind `verdict`, or undefined (none saved, unreadable, or another run's). */
  async load(id: string, verdict: LastVerdict | undefined): Promise<Report | undefined> {
    if (!verdict) return undefined;
    try {
      const r = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(this.file(id))).toString('utf8')) as Report;
      const ok = r && typeof r === 'object' && r.startedAt === verdict.at && r.verdict?.code === verdict.code && Array.isArray(r.checks) && typeof r.target?.host === 'string';
      return ok ? r : undefined;
    } catch {
      return undefined;
    }
  }

  async remove(id: string): Promise<void> {
    await vscode.workspace.fs.delete(this.file(id)).then(undefined, () => undefined);
  }
}
