/**
 * The report page's static labels in the report's language (cvmDoctor.language). What the
 * exported reports also show — section headings, check names, statuses — comes from core's
 * messages, so the webview, the HTML/Markdown export and the CLI name each thing the same way;
 * only the page's own controls are translated here.
 */
import { MESSAGE_KEYS, msg, type MessageKey } from '../../core/messages';
import type { CheckId, Lang } from '../../core/model';
import type { ReportLabels } from '../../shared/protocol';
import type { Localizer } from '../i18n';

const CHECK_NAME_KEYS = MESSAGE_KEYS.filter((k): k is MessageKey & `check.${CheckId}` => k.startsWith('check.'));

export function reportLabels(loc: Localizer, lang: Lang): ReportLabels {
  const t = (m: string) => loc.t(lang, m);
  const core = (k: MessageKey) => msg(lang, k);
  return {
    heading: t('CVM Doctor report'),
    running: t('Diagnosing… each check appears as it finishes.'),
    cancelled: t('The run was cancelled; the verdict reflects what was seen so far.'),
    failed: t('The diagnosis could not run.'),
    verdict: t('Verdict'),
    checks: core('report.checks'),
    remediation: core('report.remediation'),
    findings: core('report.findings'),
    evidence: core('report.evidence'),
    copy: t('Copy'),
    copied: t('Copied'),
    rerun: t('Re-run'),
    copyMarkdown: t('Copy report as Markdown'),
    saveHtml: t('Save HTML'),
    docs: core('report.docs'),
    target: core('report.target'),
    duration: t('Duration'),
    waiting: t('No checks finished yet.'),
    cloud: t('Cloud (Tencent Cloud)'),
    readiness: core('report.readiness'),
    decidingRule: t('Deciding rule'),
    implicitDeny: t('No rule accepts this port for this source (implicit deny)'),
    instanceState: t('Instance state'),
    openPort: t('Open port for my IP'),
    undoOpenPort: t('Remove the rule CVM Doctor added'),
    fixLocal: t('Fix the permissions'),
    undoFixLocal: t('Restore the previous permissions'),
    openVnc: t('Open VNC console'),
    stop: t('Stop'),
    inProgress: t('running'),
    nextStep: t('Next step'),
    status: { pass: core('status.pass'), fail: core('status.fail'), warn: core('status.warn'), skip: core('status.skip') },
    hopName: core('jump.hopLabel'),
    path: core('jump.path'),
    checkNames: Object.fromEntries(CHECK_NAME_KEYS.map((k) => [k.slice('check.'.length), core(k)])),
  };
}
