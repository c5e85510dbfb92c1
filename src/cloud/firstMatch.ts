/**
 * The evaluation security groups and a Lighthouse instance's firewall share: an ordered list of
 * rules already narrowed to the wanted protocol and port, each with its source ranges, ACCEPT
 * or DROP; first match wins and no match drops. For a known caller the first rule whose source
 * holds it decides; for an unknown caller ("any source") the first rule covering the whole
 * address space of the family decides for everyone, and the narrower rules before it are named
 * (`exceptFor`, `partial`). A caller of the other family than the probed address cannot be the
 * source of the probe's packets: it is set aside, with a note. Pure.
 */
import { type Family, type IpRange, type IpValue, anySourceDecision, formatRange, parseIp, rangeContains } from './ipMatch';

export interface OrderedRule<T> { ranges: IpRange[]; accept: boolean; rule: T }

export interface CallerContext {
  /** The caller as an address of the evaluated family; undefined = any source. */
  caller?: IpValue;
  family: Family;
  evaluatedFor: string;
  notes: string[];
}

export interface FirstMatchResult<T> {
  verdict: 'allow' | 'deny';
  decidingRule?: T;
  evaluatedFor: string;
  exceptFor?: string[];
  notes: string[];
}

/** Shown `exceptFor` entries at most (the rest are counted). */
const MAX_EXCEPT = 8;

/** Who the rules are evaluated for: the caller's address when it is one of the probed family. */
export function callerContext(callerIp: string | undefined, family: Family | undefined): CallerContext {
  const parsed: IpValue | undefined = callerIp === undefined ? undefined : parseIp(callerIp);
  const notes: string[] = [];
  if (callerIp !== undefined && !parsed) notes.push(`caller address "${callerIp}" is not an IP address; evaluated for any source`);
  // The probe's packets have the probed address's family: a caller of the other family is not their source.
  const caller = parsed && family !== undefined && parsed.family !== family ? undefined : parsed;
  if (parsed && !caller) notes.push(`caller address ${callerIp} is IPv${parsed.family} but the probed address is IPv${family}; evaluated for any IPv${family} source`);
  return { ...(caller ? { caller } : {}), family: caller?.family ?? family ?? 4, evaluatedFor: caller ? callerIp as string : 'any source', notes };
}

/** Evaluates `rules` (in the order the cloud evaluates them) for `ctx`; `label` names a rule in
 *  the "applies to some sources only" notes. */
export function firstMatch<T>(rules: ReadonlyArray<OrderedRule<T>>, ctx: CallerContext, label: (rule: T) => string): FirstMatchResult<T> {
  const { caller, family, evaluatedFor } = ctx;
  const notes = [...ctx.notes];
  if (caller) {
    const hit = rules.find((r) => r.ranges.some((x) => rangeContains(x, caller)));
    return hit ? { verdict: hit.accept ? 'allow' : 'deny', decidingRule: hit.rule, evaluatedFor, notes } : { verdict: 'deny', evaluatedFor, notes };
  }
  const d = anySourceDecision(rules, family);
  for (const c of rules) {
    if (c.rule === d.rule) break;
    if (c.ranges.some((r) => r.family === family)) notes.push(`rule ${label(c.rule)} applies to some sources only`);
  }
  const except = d.exceptFor.map(formatRange);
  const exceptFor = except.length > MAX_EXCEPT ? [...except.slice(0, MAX_EXCEPT), `… (${except.length - MAX_EXCEPT} more)`] : except;
  return {
    verdict: d.accept ? 'allow' : 'deny', evaluatedFor, notes,
    ...(d.rule !== undefined ? { decidingRule: d.rule } : {}),
    ...(exceptFor.length ? { exceptFor } : {}),
  };
}
