/**
 * One LogOutputChannel ("CVM Doctor") with component tags. Callers never pass secrets; as a
 * second line of defence, `redact()` masks anything registered as secret before writing.
 */
import * as vscode from 'vscode';

export type Component = 'activate' | 'tree' | 'store' | 'diagnose' | 'probe' | 'reach' | 'panel' | 'import' | 'status' | 'cloud' | 'command' | 'sweep' | 'hostkey' | 'remote';

export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor(name: string) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Registers a value that must never appear in the log (e.g. a password just entered). */
  addSecret(s: string | undefined): void {
    if (s && s.length >= 3) this.secrets.add(s);
  }

  private redact(s: string): string {
    let out = s;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  trace(c: Component, msg: string): void { this.channel.trace(`[${c}] ${this.redact(msg)}`); }
  debug(c: Component, msg: string): void { this.channel.debug(`[${c}] ${this.redact(msg)}`); }
  info(c: Component, msg: string): void { this.channel.info(`[${c}] ${this.redact(msg)}`); }
  warn(c: Component, msg: string): void { this.channel.warn(`[${c}] ${this.redact(msg)}`); }
  error(c: Component, msg: string | Error): void {
    this.channel.error(`[${c}] ${this.redact(msg instanceof Error ? msg.message : msg)}`);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
