/** The report page's static labels in the report's language (cvmDoctor.language). */
import type { Lang } from '../../core/model';
import type { ReportLabels } from '../../shared/protocol';
import type { Localizer } from '../i18n';

export function reportLabels(loc: Localizer, lang: Lang): ReportLabels {
  const t = (m: string) => loc.t(lang, m);
  return {
    heading: t('CVM Doctor report'),
    running: t('Diagnosing… each check appears as it finishes.'),
    cancelled: t('The run was cancelled; the verdict reflects what was seen so far.'),
    failed: t('The diagnosis could not run.'),
    verdict: t('Verdict'),
    checks: t('Checks'),
    remediation: t('What to do'),
    findings: t('Other findings'),
    evidence: t('Evidence'),
    copy: t('Copy'),
    copied: t('Copied'),
    rerun: t('Re-run'),
    copyMarkdown: t('Copy report as Markdown'),
    saveHtml: t('Save HTML'),
    docs: t('Documentation'),
    target: t('Target'),
    duration: t('Duration'),
    waiting: t('No checks finished yet.'),
    cloud: t('Cloud (Tencent Cloud)'),
    decidingRule: t('Deciding rule'),
    implicitDeny: t('No rule accepts this port for this source (implicit deny)'),
    instanceState: t('Instance state'),
    openPort: t('Open port for my IP'),
    undoOpenPort: t('Remove the rule CVM Doctor added'),
    status: { pass: t('pass'), fail: t('fail'), warn: t('warn'), skip: t('skip') },
    checkNames: {
      dns: t('DNS'),
      icmp: t('ICMP ping'),
      tcp: t('TCP connect'),
      banner: t('SSH banner'),
      kex: t('Key exchange'),
      hostkey: t('Host key'),
      auth: t('Auth methods'),
      login: t('Login'),
      rdp: t('RDP handshake'),
      altports: t('Alternative ports'),
      'cloud.instance': t('Cloud: instance'),
      'cloud.securityGroups': t('Cloud: security groups'),
      'cloud.networkAcl': t('Cloud: network ACL'),
      'cloud.guest': t('Cloud: in-guest checks'),
    },
  };
}
