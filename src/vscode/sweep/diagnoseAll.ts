/**
 * "Diagnose all" (the view's title bar) and "Diagnose group" (a group's context menu): the
 * CLI's sweep (core/sweep.ts: bounded concurrency and sockets) over the saved instances,
 * under one cancellable progress. Each verdict lands in the tree as it arrives; the summary
 * panel lists them by verdict, and a row opens that instance's report. Report panels already
 * open are left alone. In-guest checks are not run (one consent modal per instance would stall
 * a fleet run); the cloud's view is read once per security group for the whole run.
 */
import * as vscode from 'vscode';
import { DEFAULT_SOCKET_BUDGET, DEFAULT_SWEEP_CONCURRENCY, runSweep, type SweepItem, type SweepResult } from '../../core/sweep';
import { sweepProgressLine } from '../../core/render/sweep';
import type { Credentials, Report } from '../../core/model';
import { prepareKey } from '../../probes/ssh';
import type { Instance } from '../../core/savedInstance';
import { withCancellableProgress } from '../cancellation';
import type { TencentCloud } from '../cloud/tencent';
import type { DiagnoseController } from '../diagnosis/controller';
import { buildTarget, gatherCredentials, runDiagnosis } from '../diagnosis/instanceDiagnosis';
import { errorMessage } from '../errorText';
import { effectiveLang, t } from '../i18n';
import type { InstanceStore } from '../instances/store';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { ReachabilityService } from '../reachability/service';
import { readSettings } from '../settings';
import { SweepSummaryPanel } from './summaryPanel';
import type { SummaryLabels, SummaryView } from './summaryHtml';

export interface DiagnoseAllOutcome { results: SweepResult[]; cancelled: boolean }

/** A group node of the tree (its context menu), or nothing (the title bar: every instance). */
function groupOf(arg: unknown): string | undefined {
  const node = arg as { kind?: unknown; name?: unknown } | undefined;
  return node && node.kind === 'group' && typeof node.name === 'string' ? node.name : undefined;
}

export class DiagnoseAll extends Disposable {
  private running = false;
  /** The last fleet run's reports, by instance id, for the summary's rows. */
  private readonly reports = new Map<string, Report>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: InstanceStore,
    private readonly reach: ReachabilityService,
    private readonly log: Logger,
    private readonly tencent: TencentCloud,
    private readonly controller: DiagnoseController,
  ) {
    super();
  }

  async run(arg?: unknown): Promise<DiagnoseAllOutcome | undefined> {
    const group = groupOf(arg);
    const list = this.store.list().filter((i) => group === undefined || i.group === group).sort((a, b) => a.name.localeCompare(b.name));
    if (!list.length) {
      void vscode.window.showInformationMessage(t('No saved instances yet. Add one first.'));
      return undefined;
    }
    if (this.running) {
      void vscode.window.showInformationMessage(t('"Diagnose all" is already running.'));
      return undefined;
    }
    this.running = true;
    try {
      return await this.sweep(list, group);
    } finally {
      this.running = false;
    }
  }

  private labels(done: number, total: number, results: readonly SweepResult[], running: boolean, group?: string): SummaryLabels {
    const lang = effectiveLang(readSettings().language);
    return {
      title: group ? t('CVM Doctor: diagnose all in {0}', group) : t('CVM Doctor: diagnose all'),
      progress: running ? sweepProgressLine(results, total, lang) : t('{0} of {1} instances diagnosed.', done, total),
      instance: t('Instance'),
      address: t('Address'),
      summary: t('Verdict'),
      noVerdict: t('no verdict'),
      notFinished: t('not diagnosed'),
      openHint: t('Open this instance\'s report'),
    };
  }

  private async sweep(list: Instance[], group?: string): Promise<DiagnoseAllOutcome> {
    const settings = readSettings();
    const lang = effectiveLang(settings.language);
    const cloud = list.some((i) => i.cloudInstanceId && i.region) ? await this.tencent.inspection.forSweep() : undefined;
    const results: SweepResult[] = [];
    const view = (running: boolean): SummaryView => ({
      results,
      pending: list.filter((i) => !results.some((r) => r.item.source === i.id))
        .map((i) => ({ id: i.id, name: i.name, address: `${i.user ? `${i.user}@` : ''}${i.host}:${i.port}` })),
      running,
      labels: this.labels(results.length, list.length, results, running, group),
      lang,
    });
    const panel = SweepSummaryPanel.show(this.extensionUri, this.labels(0, list.length, [], true, group).title, (id) => this.open(id));
    panel.update(view(true), true);
    this.log.info('sweep', `diagnose all${group ? ` in ${group}` : ''}: ${list.length} instance(s), ${DEFAULT_SWEEP_CONCURRENCY} at a time${cloud ? ', cloud view on' : ''}`);
    const started = performance.now();
    let cancelled = false;
    // Credentials first, and each key decrypted once before any diagnosis is timed: a
    // decryption blocks the event loop, and every other diagnosis's timers with it.
    const creds = new Map<string, Credentials | undefined>();
    for (const i of list) creds.set(i.id, await gatherCredentials(i, this.store, this.log, undefined, settings.probeTimeoutMs));
    for (const c of new Set(creds.values())) if (c) await prepareKey(c);
    // Each item carries its credentials: targets behind one bastion share its connection only
    // when the credentials for it are the same (core/bastionPool.ts).
    const items: SweepItem[] = list.map((i) => {
      const credentials = creds.get(i.id);
      return { label: i.name, target: buildTarget(i, settings), source: i.id, ...(credentials ? { credentials } : {}) };
    });
    await withCancellableProgress(t('Diagnosing {0} instances', list.length), async (progress, signal) => {
      const outcome = await runSweep(items, {
        concurrency: DEFAULT_SWEEP_CONCURRENCY,
        socketBudget: DEFAULT_SOCKET_BUDGET,
        signal,
        log: (l) => this.log.info('sweep', l),
        diagnose: async (item, s, bastions) => {
          const credentials = creds.get(item.source!);
          return (await runDiagnosis(item.target, { lang, credentials, log: this.log, signal: s, onCheck: () => undefined, cloud: item.target.cloud ? cloud : undefined, guestChecks: false, ...(bastions ? { bastions } : {}) })).report;
        },
        onResult: (r) => {
          results.push(r);
          const id = r.item.source!;
          if (r.report) {
            this.reports.set(id, r.report);
            this.log.info('sweep', `${r.item.label}: ${r.report.verdict.code} in ${Math.round(r.report.durationMs)} ms`);
            void this.controller.keep(id, r.report); // the tree's verdict, and the report its row opens
          } else {
            this.log.error('sweep', `${r.item.label}: ${r.error ?? 'no verdict'}`);
          }
          progress.report({ message: sweepProgressLine(results, list.length, lang), increment: 100 / list.length });
          panel.update(view(true));
        },
      });
      cancelled = outcome.cancelled;
    }).catch((e: unknown) => this.log.error('sweep', errorMessage(e)));
    panel.update(view(false), true);
    this.log.info('sweep', `diagnose all ${cancelled ? 'cancelled' : 'done'}: ${results.length}/${list.length} in ${Math.round(performance.now() - started)} ms`);
    return { results, cancelled };
  }

  private open(id: string): void {
    const inst = this.store.get(id);
    const report = this.reports.get(id);
    if (!inst) return;
    if (report) this.controller.showReport(inst, report);
    else void this.controller.run(inst);
  }
}
