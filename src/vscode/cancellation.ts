/** CancellationToken → AbortSignal, at the edge: the engine only knows AbortSignal. */
import * as vscode from 'vscode';
import { CancelledError } from '../core/model';

export function toAbortSignal(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort(new CancelledError());
  const sub = token.onCancellationRequested(() => ac.abort(new CancelledError()));
  return { signal: ac.signal, dispose: () => sub.dispose() };
}
