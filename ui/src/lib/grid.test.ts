import { describe, expect, it } from 'vitest';
import type { DeviceRow } from './bindings/DeviceRow';
import type { Steps } from './bindings/Steps';
import {
  NO_SELECTION,
  clickSelect,
  groupDevices,
  ipKey,
  keepShown,
  moveCursor,
  nextSort,
  rowOrder,
  scrollToShow,
  selectAll,
  sortDevices,
  toggleMany,
  virtualWindow,
  type Selection,
} from './grid';

const steps = (p: Partial<Steps> = {}): Steps => ({ identified: 'done', credentials: 'done', firmware: 'done', placement: 'done', services: 'done', ...p });
const row = (id: number, address: string, p: Partial<DeviceRow> = {}, s: Partial<Steps> = {}): DeviceRow => ({
  id, label: `cam-${id}`, location: null, named: false, address, mac: null, role: 'camera', manufacturer: 'Axis', model: 'P3245', firmware: '10.12', vlan: 20, open_findings: 0, steps: steps(s), ...p,
});
const ids = (s: Selection) => [...s.ids].sort((a, b) => a - b);

describe('selection', () => {
  const order = [5, 3, 9, 1, 7];
  it('a plain click selects one row and sets the anchor', () => {
    let s = clickSelect(NO_SELECTION, order, 9);
    s = clickSelect(s, order, 3);
    expect(ids(s)).toEqual([3]);
    expect(s.anchor).toBe(3);
  });
  it('shift-click selects the range in the order shown, either direction, from the anchor', () => {
    let s = clickSelect(NO_SELECTION, order, 3);
    s = clickSelect(s, order, 1, { shift: true });
    expect(ids(s)).toEqual([1, 3, 9]);
    // Shift again from the same anchor replaces the range (the anchor stays).
    s = clickSelect(s, order, 5, { shift: true });
    expect(ids(s)).toEqual([3, 5]);
    expect(s.anchor).toBe(3);
  });
  it('ctrl/cmd-click toggles one row and keeps the rest; ctrl+shift adds a range', () => {
    let s = clickSelect(NO_SELECTION, order, 5);
    s = clickSelect(s, order, 1, { toggle: true });
    expect(ids(s)).toEqual([1, 5]);
    s = clickSelect(s, order, 5, { toggle: true });
    expect(ids(s)).toEqual([1]);
    // The anchor is the row last ctrl-clicked (5): ctrl+shift adds 5…7 in the order shown.
    s = clickSelect(s, order, 7, { toggle: true, shift: true });
    expect(ids(s)).toEqual([1, 3, 5, 7, 9]);
    s = clickSelect(clickSelect(NO_SELECTION, order, 5), order, 9, { toggle: true });
    s = clickSelect(s, order, 7, { toggle: true, shift: true });
    expect(ids(s)).toEqual([1, 5, 7, 9]);
  });
  it('shift-click without an anchor in view selects just that row', () => {
    const s = clickSelect({ ids: new Set([42]), anchor: 42 }, order, 9, { shift: true });
    expect(ids(s)).toEqual([9]);
  });
  it('select all matching takes exactly the rows shown; a filter change drops hidden rows', () => {
    const s = selectAll(order);
    expect(ids(s)).toEqual([1, 3, 5, 7, 9]);
    const narrowed = keepShown(s, [3, 7]);
    expect(ids(narrowed)).toEqual([3, 7]);
    expect(narrowed.anchor).toBeNull();
    expect(keepShown(narrowed, [3, 7, 11])).toBe(narrowed);
  });
  it('a group toggles as one: all in, then all out', () => {
    let s = clickSelect(NO_SELECTION, order, 5);
    s = toggleMany(s, [5, 3]);
    expect(ids(s)).toEqual([3, 5]);
    s = toggleMany(s, [5, 3]);
    expect(ids(s)).toEqual([]);
  });
});

describe('sorting', () => {
  const rows = [
    row(1, '10.0.0.10', { label: 'Lobby 10', vlan: 30, open_findings: 2 }, { firmware: 'attention' }),
    row(2, '10.0.0.9', { label: 'lobby 9', vlan: null }, { firmware: 'pending' }),
    row(3, '9.255.0.1', { label: 'Dock', vlan: 20, open_findings: 5 }, { firmware: 'waived' }),
  ];
  const by = (key: never | string, dir: 'asc' | 'desc' = 'asc') => sortDevices(rows, { key: key as never, dir }).map((r) => r.id);
  it('addresses sort as numbers, not text', () => {
    expect(ipKey('10.0.0.9')).toBeLessThan(ipKey('10.0.0.10'));
    expect(by('address')).toEqual([3, 2, 1]);
    expect(by('address', 'desc')).toEqual([1, 2, 3]);
  });
  it('names sort naturally and case-insensitively', () => {
    expect(by('label')).toEqual([3, 2, 1]);
  });
  it('no VLAN sorts last in both directions', () => {
    expect(by('vlan')).toEqual([3, 1, 2]);
    expect(by('vlan', 'desc')).toEqual([1, 3, 2]);
  });
  it('step columns put what needs attention first; open findings by count', () => {
    expect(by('firmware')).toEqual([1, 2, 3]);
    expect(by('open', 'desc')).toEqual([3, 1, 2]);
  });
  it('a header click flips the same column and starts another ascending', () => {
    expect(nextSort({ key: 'address', dir: 'asc' }, 'address')).toEqual({ key: 'address', dir: 'desc' });
    expect(nextSort({ key: 'address', dir: 'desc' }, 'vlan')).toEqual({ key: 'vlan', dir: 'asc' });
  });
  it('does not change the rows it was given', () => {
    by('label');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});

describe('grouping', () => {
  const rows = [
    row(1, '10.0.0.1', { vlan: 30 }, { credentials: 'done' }),
    row(2, '10.0.0.2', { vlan: null }, { credentials: 'attention' }),
    row(3, '10.0.0.3', { vlan: 20 }, { credentials: 'attention' }),
    row(4, '10.0.0.4', { vlan: 30 }, { credentials: 'pending' }),
  ];
  it('by VLAN: numeric order, the plan name in the title, devices outside the plan last', () => {
    const items = groupDevices(rows, 'vlan', { 30: 'Cameras' });
    const heads = items.filter((i) => i.kind === 'group');
    expect(heads.map((h) => h.kind === 'group' && h.title)).toEqual(['VLAN 20', 'VLAN 30 · Cameras', 'Outside the planned VLANs']);
    expect(rowOrder(items)).toEqual([3, 1, 4, 2]);
    expect(heads[1].kind === 'group' && heads[1].ids).toEqual([1, 4]);
  });
  it('by a step state: attention first, empty states left out', () => {
    const items = groupDevices(rows, 'credentials');
    const titles = items.flatMap((i) => (i.kind === 'group' ? [i.title] : []));
    expect(titles).toEqual(['Credentials: Needs attention', 'Credentials: Not yet', 'Credentials: Done']);
    expect(rowOrder(items)).toEqual([2, 3, 4, 1]);
  });
  it('none: rows only', () => {
    expect(groupDevices(rows, 'none').every((i) => i.kind === 'row')).toBe(true);
  });
});

describe('keyboard cursor', () => {
  const items = groupDevices(
    [row(1, '10.0.0.1', { vlan: 20 }), row(2, '10.0.0.2', { vlan: 20 }), row(3, '10.0.0.3', { vlan: 30 })],
    'vlan',
  );
  // items: [group20, 1, 2, group30, 3]
  it('moves over rows, skipping group headers, and stops at the ends', () => {
    expect(moveCursor(items, -1, 1)).toBe(1);
    expect(moveCursor(items, 1, 1)).toBe(2);
    expect(moveCursor(items, 2, 1)).toBe(4);
    expect(moveCursor(items, 4, 1)).toBe(4);
    expect(moveCursor(items, 4, -1)).toBe(2);
    expect(moveCursor(items, 1, -1)).toBe(1);
    expect(moveCursor(items, 1, 100)).toBe(4);
    expect(moveCursor(items, 4, -100)).toBe(1);
  });
  it('from a header: down to the next row, up to the previous one', () => {
    expect(moveCursor(items, 3, 1)).toBe(4);
    expect(moveCursor(items, 3, -1)).toBe(2);
    expect(moveCursor([], 0, 1)).toBe(-1);
  });
});

describe('virtual window', () => {
  it('renders only what fits plus the overscan, with padding standing in for the rest', () => {
    const w = virtualWindow(0, 600, 30, 5000, 5);
    expect(w).toEqual({ start: 0, end: 25, padTop: 0, padBottom: (5000 - 25) * 30 });
    const mid = virtualWindow(30 * 1000 + 10, 600, 30, 5000, 5);
    expect(mid.start).toBe(995);
    expect(mid.end).toBe(1000 + 21 + 5);
    expect(mid.padTop + (mid.end - mid.start) * 30 + mid.padBottom).toBe(5000 * 30);
  });
  it('stays bounded whatever the scroll position, and clamps past the end', () => {
    for (const top of [-50, 0, 12345, 10 ** 9]) {
      const w = virtualWindow(top, 768, 28, 5000, 8);
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(768 / 28) + 1 + 16);
      expect(w.end).toBeLessThanOrEqual(5000);
      expect(w.start).toBeGreaterThanOrEqual(0);
    }
    expect(virtualWindow(10 ** 9, 768, 28, 5000, 8).end).toBe(5000);
    expect(virtualWindow(0, 768, 28, 3, 8)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
  });
  it('scrolls just enough to show a row below the sticky header', () => {
    expect(scrollToShow(10, 0, 300, 30, 30)).toBe(10 * 30 + 30 + 30 - 300);
    expect(scrollToShow(2, 0, 300, 30, 30)).toBe(0);
    expect(scrollToShow(3, 200, 300, 30, 30)).toBe(90);
    expect(scrollToShow(8, 100, 300, 30, 30)).toBe(100);
  });
});
