// The device grid at the size of a real site: multi-select (click, shift, ctrl/cmd, all matching), sorting by any
// column, grouping by VLAN or by a step's state, keyboard cursor moves and the virtual window (which rows to
// render for a scroll position). Pure, unit-tested; the Devices and Credentials screens render what it says.
import type { DeviceRow } from './bindings/DeviceRow';
import type { StepState } from './bindings/StepState';
import { STATE_LABEL, STEPS, type StepName } from './devices';

// ---- Selection -------------------------------------------------------------------------------------------

export interface Selection {
  ids: Set<number>;
  /** Where a shift-click range starts: the last row clicked without shift. */
  anchor: number | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null };

export interface Modifiers {
  /** Shift: a range from the anchor. */
  shift?: boolean;
  /** Ctrl (Cmd on macOS): add or remove one row, keep the rest. */
  toggle?: boolean;
}

/** What a click on `id` does to the selection, `order` being the rows as shown (filtered, sorted, grouped). */
export function clickSelect(sel: Selection, order: number[], id: number, m: Modifiers = {}): Selection {
  if (m.shift && sel.anchor !== null) {
    const a = order.indexOf(sel.anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) {
      const range = order.slice(Math.min(a, b), Math.max(a, b) + 1);
      const ids = m.toggle ? new Set(sel.ids) : new Set<number>();
      for (const r of range) ids.add(r);
      return { ids, anchor: sel.anchor };
    }
  }
  if (m.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id };
  }
  return { ids: new Set([id]), anchor: id };
}

/** Every row the filter shows ("select all matching"). */
export function selectAll(order: number[]): Selection {
  return { ids: new Set(order), anchor: order[0] ?? null };
}

/** Adds (or, when all are in, removes) a set of rows, e.g. a group. */
export function toggleMany(sel: Selection, ids: number[]): Selection {
  const all = ids.length > 0 && ids.every((i) => sel.ids.has(i));
  const next = new Set(sel.ids);
  for (const i of ids) {
    if (all) next.delete(i);
    else next.add(i);
  }
  return { ids: next, anchor: sel.anchor };
}

/** The selection restricted to rows still shown: a filter change never leaves hidden rows selected. */
export function keepShown(sel: Selection, order: number[]): Selection {
  const shown = new Set(order);
  const ids = new Set([...sel.ids].filter((i) => shown.has(i)));
  if (ids.size === sel.ids.size && (sel.anchor === null || shown.has(sel.anchor))) return sel;
  return { ids, anchor: sel.anchor !== null && shown.has(sel.anchor) ? sel.anchor : null };
}

// ---- Sorting ---------------------------------------------------------------------------------------------

export type SortKey = 'label' | 'address' | 'vlan' | 'open' | StepName;
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export const DEFAULT_SORT: Sort = { key: 'address', dir: 'asc' };

/** Attention first: what needs the technician sorts to the top in ascending order. */
const STATE_RANK: Record<StepState, number> = { attention: 0, pending: 1, waived: 2, done: 3 };

/** An IPv4 address as a number (so 10.0.0.9 sorts before 10.0.0.10); anything else after every address. */
export function ipKey(a: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a.trim());
  if (!m) return Number.MAX_SAFE_INTEGER;
  return ((+m[1] * 256 + +m[2]) * 256 + +m[3]) * 256 + +m[4];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** A number to sort by for every key but the name (computed once per row, not once per comparison). */
function numericKey(key: Exclude<SortKey, 'label'>, d: DeviceRow): number {
  switch (key) {
    case 'address':
      return ipKey(d.address);
    case 'vlan':
      return d.vlan ?? 0;
    case 'open':
      return d.open_findings;
    default:
      return STATE_RANK[d.steps[key]];
  }
}

/** A sorted copy; ties keep the address order, rows without a VLAN stay last when sorting by VLAN. */
export function sortDevices(rows: DeviceRow[], s: Sort): DeviceRow[] {
  const sign = s.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row) => ({
    row,
    k: s.key === 'label' ? 0 : numericKey(s.key, row),
    ip: ipKey(row.address),
    none: s.key === 'vlan' && row.vlan === null,
  }));
  keyed.sort((a, b) => {
    if (a.none !== b.none) return a.none ? 1 : -1;
    const primary = s.key === 'label' ? collator.compare(a.row.label, b.row.label) : a.k - b.k;
    return sign * primary || a.ip - b.ip || collator.compare(a.row.address, b.row.address) || a.row.id - b.row.id;
  });
  return keyed.map((x) => x.row);
}

/** Clicking a column header: the same column flips direction, another column starts ascending. */
export function nextSort(s: Sort, key: SortKey): Sort {
  return s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}

// ---- Grouping --------------------------------------------------------------------------------------------

export type GroupBy = 'none' | 'vlan' | StepName;

export type GridItem =
  | { kind: 'group'; key: string; title: string; ids: number[] }
  | { kind: 'row'; row: DeviceRow };

const GROUP_STATE_ORDER: StepState[] = ['attention', 'pending', 'waived', 'done'];

/** The rows as the grid lists them: flat, or under one header per group (groups in a fixed order, rows in the
 * sort order inside each). */
export function groupDevices(sorted: DeviceRow[], by: GroupBy, vlanNames: Record<number, string> = {}): GridItem[] {
  if (by === 'none') return sorted.map((row) => ({ kind: 'row', row }));
  const groups = new Map<string, DeviceRow[]>();
  for (const r of sorted) {
    const k = by === 'vlan' ? (r.vlan === null ? 'none' : String(r.vlan)) : r.steps[by];
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  let keys = [...groups.keys()];
  if (by === 'vlan') keys.sort((a, b) => (a === 'none' ? 1 : b === 'none' ? -1 : +a - +b));
  else keys = GROUP_STATE_ORDER.filter((s) => groups.has(s));
  const step = STEPS.find((s) => s.name === by);
  const out: GridItem[] = [];
  for (const k of keys) {
    const rows = groups.get(k)!;
    const title =
      by === 'vlan'
        ? k === 'none'
          ? 'Outside the planned VLANs'
          : `VLAN ${k}${vlanNames[+k] ? ` · ${vlanNames[+k]}` : ''}`
        : `${step?.title ?? by}: ${STATE_LABEL[k as StepState]}`;
    out.push({ kind: 'group', key: `${by}:${k}`, title, ids: rows.map((r) => r.id) });
    for (const row of rows) out.push({ kind: 'row', row });
  }
  return out;
}

/** The device ids in the order shown (what shift-ranges and "select all" work on). */
export function rowOrder(items: GridItem[]): number[] {
  const out: number[] = [];
  for (const i of items) if (i.kind === 'row') out.push(i.row.id);
  return out;
}

// ---- Keyboard cursor -------------------------------------------------------------------------------------

/** The item index of the next row `delta` rows away from `from` (group headers skipped), clamped to the ends. */
export function moveCursor(items: GridItem[], from: number, delta: number): number {
  const rows: number[] = [];
  items.forEach((it, i) => it.kind === 'row' && rows.push(i));
  if (rows.length === 0) return -1;
  let at = rows.indexOf(from);
  if (at < 0) {
    // From a header or nowhere: the first row after it going down, the last before it going up.
    at = delta >= 0 ? rows.findIndex((i) => i > from) - 1 : rows.findIndex((i) => i >= from);
    if (delta >= 0 && at < -1) at = rows.length - 1;
    if (delta < 0 && at < 0) at = rows.length;
  }
  return rows[Math.max(0, Math.min(rows.length - 1, at + delta))];
}

// ---- Virtual window --------------------------------------------------------------------------------------

export interface VirtualWindow {
  /** First item rendered. */
  start: number;
  /** One past the last item rendered. */
  end: number;
  /** Empty space above the rendered items, px. */
  padTop: number;
  /** Empty space below them, px. */
  padBottom: number;
}

/** Which of `count` items of `rowHeight` px to render for a viewport of `viewport` px scrolled to `scrollTop`,
 * with `overscan` extra items either side so a fast scroll does not show blank space. */
export function virtualWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): VirtualWindow {
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, count * rowHeight - viewport)));
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil((viewport + (top % rowHeight)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/** The scroll position that shows item `index` whole, below a sticky header of `header` px, moving as little as
 * possible (unchanged when it is already in view). */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number, header = 0): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom + header > scrollTop + viewport) return bottom + header - viewport;
  return scrollTop;
}
