/**
 * The undo record of a one-rule cloud fix (a security group's rule, a Lighthouse firewall's
 * rule), as kept in the extension's globalState until the rule is removed again, and the one
 * check of what is read back: the record's envelope here, the fix's own fields in `isUndo`.
 * Pure: no `vscode`.
 */

/** Which instance, its name for the pick list, and what removes exactly the rule. */
export interface StoredRuleUndo<U> { instanceId: string; instanceName: string; undo: U }

/** The records in `v` that are well formed: the envelope, a region, an ACCEPT rule with a
 *  port, whose description (`descriptionField`) says CVM Doctor added it, and what `isUndo`
 *  asks of the fix's own fields. */
export function sanitizeStoredUndos<U>(
  v: unknown, descriptionField: string, isUndo: (undo: Record<string, unknown>) => boolean,
): Array<StoredRuleUndo<U>> {
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is StoredRuleUndo<U> => {
    if (!x || typeof x !== 'object') return false;
    const o = x as Record<string, unknown>;
    const u = o.undo as Record<string, unknown> | undefined;
    const rule = u?.rule as Record<string, unknown> | undefined;
    const description = rule?.[descriptionField];
    return typeof o.instanceId === 'string' && typeof o.instanceName === 'string' && !!u && typeof u.region === 'string'
      && isUndo(u) && !!rule && rule.Action === 'ACCEPT' && typeof rule.Port === 'string'
      && typeof description === 'string' && description.startsWith('CVM Doctor');
  });
}
