// Bulk work on a selection of devices: which open findings a waiver covers, the fix plan in one sentence, and
// a bulk result in words. Pure, unit-tested.
import type { FindingDto } from './bindings/FindingDto';
import type { FixPlanDto } from './bindings/FixPlanDto';
import { plural } from './format';

/** The open findings of the selected devices, narrowed to one check unless `check` is 'any'. */
export function waivable(findings: FindingDto[], devices: Set<number>, check: string): FindingDto[] {
  return findings.filter((f) => f.status === 'open' && devices.has(f.device) && (check === 'any' || f.check === check));
}

/** Each check among `findings` with its title and how many, most frequent first. */
export function checksOf(findings: FindingDto[]): { check: string; title: string; count: number }[] {
  const m = new Map<string, { check: string; title: string; count: number }>();
  for (const f of findings) {
    const e = m.get(f.check) ?? { check: f.check, title: f.title, count: 0 };
    e.count += 1;
    m.set(f.check, e);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.check.localeCompare(b.check));
}

const need = (n: number) => (n === 1 ? 'needs' : 'need');

/** "7 changes on 5 devices" (and what is left for the technician). */
export function fixPlanHeadline(p: FixPlanDto): string {
  const devices = new Set(p.changes.map((c) => c.device)).size;
  if (p.changes.length === 0) {
    return p.not_fixable
      ? `Nothing Handover can fix on the devices: ${plural(p.not_fixable, 'open finding')} ${need(p.not_fixable)} fixing by hand or a waiver.`
      : 'Nothing to fix: no open finding.';
  }
  const rest = p.not_fixable ? ` ${plural(p.not_fixable, 'other open finding')} ${need(p.not_fixable)} fixing by hand or a waiver.` : '';
  return `Handover will make ${plural(p.changes.length, 'change')} on ${plural(devices, 'device')}, each read back from the device.${rest}`;
}

/** The plan's changes by action, most frequent first: what a confirmation of hundreds of changes leads with. */
export function fixPlanByAction(p: FixPlanDto): { description: string; count: number }[] {
  const m = new Map<string, number>();
  for (const c of p.changes) m.set(c.description, (m.get(c.description) ?? 0) + 1);
  return [...m.entries()].map(([description, count]) => ({ description, count })).sort((a, b) => b.count - a.count || a.description.localeCompare(b.description));
}
