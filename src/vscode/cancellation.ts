/**
 * VS Code's cancellation at the edge: the engine and the cloud layer only know AbortSignal
 * (and reject with core's CancelledError), so a CancellationToken becomes a signal here, and
 * a cancellable progress notification hands its task a signal it disposes afterwards.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../core/model';

export function toAbortSignal(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort(new CancelledError());
  const sub = token.onCancellationRequested(() => ac.abort(new CancelledError()));
  return { signal: ac.signal, dispose: () => sub.dispose() };
}

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

/**
 * A cancellable notification with a title; `task` gets the progress and an AbortSignal that
 * fires (with CancelledError) when the user presses Cancel.
 */
export function withCancellableProgress<T>(title: string, task: (progress: ProgressReporter, signal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = toAbortSignal(token);
    try {
      return await task(progress, abort.signal);
    } finally {
      abort.dispose();
    }
  }));
}
