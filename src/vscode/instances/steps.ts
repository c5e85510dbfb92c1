/**
 * A guided input as a list of steps, each an input box or a quick pick with VS Code's own Back
 * button (QuickInputButtons.Back) from the second step on — or on the first, when the caller
 * has somewhere to go back to (Edit's field list). A step that does not apply to the current
 * draft (the identity file of an RDP instance) is skipped both ways. Escape cancels the whole
 * thing. The add/edit wizard and ad-hoc Diagnose share it; a new step is one more entry.
 */
import * as vscode from 'vscode';

export type StepResult = 'next' | 'back' | 'cancel';

export interface StepContext {
  /** "Add Instance (3/8)" */
  title: string;
  /** Show the Back button. */
  canGoBack: boolean;
}

export interface Step<D> {
  id: string;
  /** Default: always. */
  applies?(draft: D): boolean;
  run(draft: D, ctx: StepContext): Promise<StepResult>;
}

/** Runs `steps` over `draft`. Resolves 'done', 'cancel', or 'back' (Back on the first step,
 *  only offered with `backAtStart`). */
export async function runSteps<D>(steps: ReadonlyArray<Step<D>>, draft: D, title: string, o: { backAtStart?: boolean; numbered?: boolean } = {}): Promise<'done' | 'cancel' | 'back'> {
  const history: number[] = [];
  let i = 0;
  for (;;) {
    while (i < steps.length && steps[i].applies && !steps[i].applies!(draft)) i++;
    if (i >= steps.length) return 'done';
    const applicable = steps.filter((s) => !s.applies || s.applies(draft));
    const n = applicable.indexOf(steps[i]) + 1;
    const numbered = o.numbered !== false && applicable.length > 1;
    const r = await steps[i].run(draft, { title: numbered ? `${title} (${n}/${applicable.length})` : title, canGoBack: history.length > 0 || !!o.backAtStart });
    if (r === 'cancel') return 'cancel';
    if (r === 'back') {
      const prev = history.pop();
      if (prev === undefined) return 'back';
      i = prev;
      continue;
    }
    history.push(i);
    i++;
  }
}

export interface InputStepOptions {
  prompt: string;
  value?: string;
  placeHolder?: string;
  password?: boolean;
  /** A message means "not yet" (shown under the box; Enter does nothing). */
  validate?: (value: string) => string | undefined;
}

/** One input box as a step: the accepted value, or Back / Escape. */
export function inputStep(ctx: StepContext, o: InputStepOptions): Promise<{ value: string } | 'back' | 'cancel'> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = ctx.title;
    box.prompt = o.prompt;
    box.value = o.value ?? '';
    box.valueSelection = [0, box.value.length];
    if (o.placeHolder) box.placeholder = o.placeHolder;
    box.password = !!o.password;
    box.ignoreFocusOut = true;
    box.buttons = ctx.canGoBack ? [vscode.QuickInputButtons.Back] : [];
    let settled = false;
    const finish = (r: { value: string } | 'back' | 'cancel') => {
      if (settled) return;
      settled = true;
      resolve(r);
      box.dispose();
    };
    const check = (v: string) => { box.validationMessage = o.validate?.(v); };
    const subs = [
      box.onDidChangeValue(check),
      box.onDidTriggerButton((b) => { if (b === vscode.QuickInputButtons.Back) finish('back'); }),
      box.onDidAccept(() => {
        const msg = o.validate?.(box.value);
        box.validationMessage = msg;
        if (!msg) finish({ value: box.value });
      }),
      box.onDidHide(() => finish('cancel')),
    ];
    box.onDidHide(() => subs.forEach((s) => s.dispose()));
    check(box.value);
    box.show();
  });
}

/** One quick pick as a step: the accepted item, or Back / Escape. `active` is focused first. */
export function pickStep<T extends vscode.QuickPickItem>(ctx: StepContext, items: readonly T[], o: { placeHolder?: string; active?: T } = {}): Promise<{ item: T } | 'back' | 'cancel'> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = ctx.title;
    pick.placeholder = o.placeHolder;
    pick.items = items;
    if (o.active) pick.activeItems = [o.active];
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.buttons = ctx.canGoBack ? [vscode.QuickInputButtons.Back] : [];
    let settled = false;
    const finish = (r: { item: T } | 'back' | 'cancel') => {
      if (settled) return;
      settled = true;
      resolve(r);
      pick.dispose();
    };
    const subs = [
      pick.onDidTriggerButton((b) => { if (b === vscode.QuickInputButtons.Back) finish('back'); }),
      pick.onDidAccept(() => { const item = pick.selectedItems[0] ?? pick.activeItems[0]; if (item) finish({ item }); }),
      pick.onDidHide(() => finish('cancel')),
    ];
    pick.onDidHide(() => subs.forEach((s) => s.dispose()));
    pick.show();
  });
}
