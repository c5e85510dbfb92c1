/**
 * Every command registers through `registerCommand`: a cancel (Escape in a picker, Cancel on a
 * progress notification: core's CancelledError) ends the command quietly; any other error is
 * logged with the command's id and shown once, never thrown back into VS Code.
 */
import * as vscode from 'vscode';
import { isCancelled } from '../core/model';
import { errorMessage } from './errorText';
import { userMessage } from './errors';
import type { Logger } from './log';

export function registerCommand(id: string, log: Logger, handler: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      if (isCancelled(e)) {
        log.info('command', `${id}: cancelled`);
        return undefined;
      }
      log.error('command', `${id}: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(userMessage(e));
      return undefined;
    }
  });
}
