// The device grid's logic: search, filter by step state, counts per step. Pure, unit-tested.
import type { DeviceRow } from './bindings/DeviceRow';
import type { StepState } from './bindings/StepState';
import type { Steps } from './bindings/Steps';

export type StepName = keyof Steps;

export const STEPS: { name: StepName; title: string }[] = [
  { name: 'identified', title: 'Identified' },
  { name: 'credentials', title: 'Credentials' },
  { name: 'firmware', title: 'Firmware' },
  { name: 'placement', title: 'Placement' },
  { name: 'services', title: 'Services' },
];

export const STATE_LABEL: Record<StepState, string> = {
  done: 'Done',
  attention: 'Needs attention',
  waived: 'Waived',
  pending: 'Not yet',
};

export interface DeviceFilter {
  text: string;
  step: StepName | 'any';
  state: StepState | 'any';
}

export const NO_FILTER: DeviceFilter = { text: '', step: 'any', state: 'any' };

// Built once per row object (rows are replaced, never changed, when the grid reloads): a keystroke in the
// search box then costs one substring test per row.
const haystacks = new WeakMap<DeviceRow, string>();

function haystack(d: DeviceRow): string {
  let h = haystacks.get(d);
  if (h === undefined) {
    h = [d.label, d.location, d.address, d.mac, d.role, d.manufacturer, d.model, d.firmware, d.vlan === null ? '' : `vlan ${d.vlan}`]
      .filter(Boolean)
      .join(' ')
      .toLowerCase();
    haystacks.set(d, h);
  }
  return h;
}

/** Rows matching every word of the search and the step/state filter. */
export function filterDevices(rows: DeviceRow[], f: DeviceFilter): DeviceRow[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((d) => {
    const h = haystack(d);
    if (!words.every((w) => h.includes(w))) return false;
    if (f.state === 'any') return true;
    const steps = f.step === 'any' ? STEPS.map((s) => s.name) : [f.step];
    return steps.some((s) => d.steps[s] === f.state);
  });
}

export type StepCounts = Record<StepName, Record<StepState, number>>;

export function stepCounts(rows: DeviceRow[]): StepCounts {
  const zero = (): Record<StepState, number> => ({ done: 0, attention: 0, waived: 0, pending: 0 });
  const out = Object.fromEntries(STEPS.map((s) => [s.name, zero()])) as StepCounts;
  for (const d of rows) for (const s of STEPS) out[s.name][d.steps[s.name]] += 1;
  return out;
}

/** Done or waived on every step. */
export function isComplete(d: DeviceRow): boolean {
  return STEPS.every((s) => d.steps[s.name] === 'done' || d.steps[s.name] === 'waived');
}
