/** Setting keys as constants (one place to rename), and typed readers with safe defaults. */
import * as vscode from 'vscode';
import { DEFAULT_ALT_PORTS, DEFAULT_TIMEOUT_MS, type Lang, type Protocol } from '../core/model';
import { parseAltPorts } from '../core/validate';
import { DEFAULT_VSCODE_DOWNLOAD_URL, validDownloadUrl } from '../core/readiness';

export const SECTION = 'cvmDoctor';
export const Keys = {
  probeTimeoutMs: 'probeTimeoutMs',
  alternativePorts: 'alternativePorts',
  rdpAlternativePorts: 'rdpAlternativePorts',
  pollIntervalSeconds: 'pollIntervalSeconds',
  maxConcurrentChecks: 'maxConcurrentChecks',
  icmp: 'icmp',
  knownHostsPath: 'knownHostsPath',
  sshPath: 'sshPath',
  language: 'language',
  tencentEndpoint: 'tencent.endpoint',
  tencentCallerIp: 'tencent.callerIp',
  tencentCallerIpUrl: 'tencent.callerIpUrl',
  tencentRegions: 'tencent.regions',
  vscodeServerDownloadUrl: 'vscodeServerDownloadUrl',
} as const;

export type LanguageSetting = 'auto' | Lang;

export interface Settings {
  probeTimeoutMs: number;
  /** Alternative ports per protocol (cvmDoctor.alternativePorts for SSH, rdpAlternativePorts for RDP). */
  alternativePorts: Record<Protocol, number[]>;
  pollIntervalSeconds: number;
  maxConcurrentChecks: number;
  icmp: boolean;
  knownHostsPath?: string;
  /** The system `ssh` (the Local layer's ssh -G, OpenSSH's second opinion); undefined: from PATH. */
  sshPath?: string;
  language: LanguageSetting;
  /** What the VS Code readiness checks fetch from the instance (HEAD): CVM_DOCTOR_VSCODE_DOWNLOAD_URL,
   *  else the setting, else VS Code's update host; an invalid value falls back to the default. */
  vscodeServerDownloadUrl: string;
}

function int(v: unknown, def: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : def;
}

/** A setting's port list through core's validator; a list it refuses falls back to the defaults. */
function altPorts(v: unknown, protocol: Protocol): number[] {
  try {
    return parseAltPorts(v, 'alternativePorts', protocol);
  } catch {
    return [...DEFAULT_ALT_PORTS[protocol]];
  }
}

/** cvmDoctor.language: anything but 'en' or 'ko' follows the display language. */
function language(v: unknown): LanguageSetting {
  return v === 'en' || v === 'ko' ? v : 'auto';
}

/** cvmDoctor.language alone (read for every string the UI shows: i18n.ts `t`). */
export function readLanguage(): LanguageSetting {
  return language(vscode.workspace.getConfiguration(SECTION).get(Keys.language));
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const kh = c.get<string>(Keys.knownHostsPath);
  return {
    probeTimeoutMs: int(c.get(Keys.probeTimeoutMs), DEFAULT_TIMEOUT_MS, 200, 60_000),
    alternativePorts: { ssh: altPorts(c.get(Keys.alternativePorts), 'ssh'), rdp: altPorts(c.get(Keys.rdpAlternativePorts), 'rdp') },
    pollIntervalSeconds: int(c.get(Keys.pollIntervalSeconds), 60, 0, 86_400),
    maxConcurrentChecks: int(c.get(Keys.maxConcurrentChecks), 4, 1, 64),
    icmp: c.get<boolean>(Keys.icmp) !== false,
    knownHostsPath: kh && kh.trim() ? kh.trim() : undefined,
    sshPath: c.get<string>(Keys.sshPath)?.trim() || undefined,
    language: language(c.get(Keys.language)),
    vscodeServerDownloadUrl: validDownloadUrl(process.env.CVM_DOCTOR_VSCODE_DOWNLOAD_URL ?? '')
      ?? validDownloadUrl(c.get<string>(Keys.vscodeServerDownloadUrl) ?? '') ?? DEFAULT_VSCODE_DOWNLOAD_URL,
  };
}

export function affects(e: vscode.ConfigurationChangeEvent, key: string): boolean {
  return e.affectsConfiguration(`${SECTION}.${key}`);
}
