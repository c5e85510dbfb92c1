/**
 * What a report says about the host key and the address for the "from OK to working" actions
 * (pure: no `vscode`, so it is unit-tested). When each action is offered is a row of the one
 * rule table, report/actions.ts.
 */
import type { HostKeyInfo, Report } from '../../core/model';

/** The host key the report saw (the `hostkey` check's evidence), with its blob. */
export function reportHostKey(r: Report): (HostKeyInfo & { key: string }) | undefined {
  const ev = r.checks.find((c) => c.id === 'hostkey')?.evidence as Partial<HostKeyInfo> | undefined;
  return ev && typeof ev.key === 'string' && typeof ev.fingerprint === 'string' && typeof ev.type === 'string' ? ev as HostKeyInfo & { key: string } : undefined;
}

/** The address the probes connected to (the `tcp` check's evidence). */
export function reportAddress(r: Report): string | undefined {
  const a = r.checks.find((c) => c.id === 'tcp')?.evidence.address;
  return typeof a === 'string' ? a : r.target.addresses[0];
}
