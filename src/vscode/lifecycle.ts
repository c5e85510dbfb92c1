/**
 * Ownership of disposables: a class that owns listeners, emitters or UI items extends
 * `Disposable` and registers each with `_register()`; disposing the owner disposes them all,
 * newest first, exactly once. Something registered after disposal is disposed at once, so a
 * late subscription cannot leak. (The pattern of vscode-pull-request-github's lifecycle.ts.)
 */
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposedFlag = false;

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposedFlag) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    while (this.owned.length) {
      try {
        this.owned.pop()!.dispose();
      } catch {
        // One failing child must not keep the others alive.
      }
    }
  }
}
