// @vitest-environment happy-dom
// The grid component in a DOM: mouse selection (click, shift-click, ctrl/cmd-click, the checkboxes), the
// keyboard (arrows, shift+arrows, space, enter, ctrl+A, escape), sorting by a header, and group headers.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceRow } from '../lib/bindings/DeviceRow';
import { DEFAULT_SORT, NO_SELECTION, groupDevices, type GroupBy, type Selection, type SortKey } from '../lib/grid';
import DeviceGrid from './DeviceGrid.svelte';

const row = (id: number, vlan: number | null): DeviceRow => ({
  id, label: `cam-${id}`, location: null, named: false, address: `127.20.0.${id}`, mac: null, role: 'camera', manufacturer: 'AXIS', model: 'P3265', firmware: '1',
  vlan, open_findings: 0, steps: { identified: 'done', credentials: 'done', firmware: 'done', placement: 'done', services: 'done' },
});
const rows = [row(1, 20), row(2, 20), row(3, 30), row(4, 30), row(5, null)];

function setup(group: GroupBy = 'none') {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const state = $state({ selection: NO_SELECTION as Selection, opened: [] as number[], sorted: [] as SortKey[] });
  const grid = mount(DeviceGrid, {
    target,
    props: {
      get items() {
        return groupDevices(rows, group);
      },
      get selection() {
        return state.selection;
      },
      sort: DEFAULT_SORT,
      onselect: (s: Selection) => {
        state.selection = s;
      },
      onopen: (id: number) => state.opened.push(id),
      onsort: (k: SortKey) => state.sorted.push(k),
    },
  });
  flushSync();
  const el = (css: string) => target.querySelector(css) as HTMLElement;
  const click = (id: number, init: MouseEventInit = {}) => {
    el(`[data-testid=device-row-${id}]`).dispatchEvent(new MouseEvent('click', { bubbles: true, ...init }));
    flushSync();
  };
  const key = (k: string, init: KeyboardEventInit = {}) => {
    el('[data-testid=device-grid]').dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, ...init }));
    flushSync();
  };
  const selected = () => [...state.selection.ids].sort((a, b) => a - b);
  const cleanup = () => {
    unmount(grid);
    target.remove();
  };
  return { el, click, key, selected, state, cleanup };
}

let done: (() => void) | null = null;
afterEach(() => done?.());

describe('device grid component', () => {
  it('click, shift-click and ctrl-click select as in a file manager', () => {
    const g = setup();
    done = g.cleanup;
    g.click(2);
    expect(g.selected()).toEqual([2]);
    g.click(4, { shiftKey: true });
    expect(g.selected()).toEqual([2, 3, 4]);
    g.click(1, { ctrlKey: true });
    expect(g.selected()).toEqual([1, 2, 3, 4]);
    g.click(3, { metaKey: true });
    expect(g.selected()).toEqual([1, 2, 4]);
    expect(g.el('[data-testid=device-row-1]').getAttribute('aria-selected')).toBe('true');
    expect(g.el('[data-testid=device-row-3]').getAttribute('aria-selected')).toBe('false');
  });

  it('the keyboard moves, extends, selects, opens, selects all and clears', () => {
    const g = setup();
    done = g.cleanup;
    g.key('ArrowDown');
    g.key(' ');
    expect(g.selected()).toEqual([1]);
    g.key('ArrowDown', { shiftKey: true });
    g.key('ArrowDown', { shiftKey: true });
    expect(g.selected()).toEqual([1, 2, 3]);
    g.key('Enter');
    expect(g.state.opened).toEqual([3]);
    g.key('a', { ctrlKey: true });
    expect(g.selected()).toEqual([1, 2, 3, 4, 5]);
    g.key('Escape');
    expect(g.selected()).toEqual([]);
    g.key('End');
    g.key(' ');
    expect(g.selected()).toEqual([5]);
  });

  it('the link opens details without changing the selection; a header sorts', () => {
    const g = setup();
    done = g.cleanup;
    g.click(1);
    g.el('[data-testid=device-link-4]').click();
    flushSync();
    expect(g.state.opened).toEqual([4]);
    expect(g.selected()).toEqual([1]);
    g.el('[data-testid=sort-vlan]').click();
    expect(g.state.sorted).toEqual(['vlan']);
    expect(g.el('[role=columnheader][aria-sort=ascending]').textContent).toContain('Address');
  });

  it('groups have headers whose checkbox takes the whole group; the keyboard skips headers', () => {
    const g = setup('vlan');
    done = g.cleanup;
    expect(g.el('[data-testid="group-vlan:20"]').textContent).toContain('VLAN 20');
    expect(g.el('[data-testid="group-vlan:none"]').textContent).toContain('Outside the planned VLANs');
    (g.el('[data-testid="group-vlan:30"] input') as HTMLInputElement).click();
    flushSync();
    expect(g.selected()).toEqual([3, 4]);
    g.key('Escape');
    g.key('ArrowDown');
    g.key('ArrowDown');
    g.key('ArrowDown');
    g.key(' ');
    // Items: [VLAN 20] 1 2 [VLAN 30] 3 4 [outside] 5. The cursor is on the VLAN 30 header (its checkbox was
    // clicked): down to 3, to 4, then over the next header to 5.
    expect(g.selected()).toEqual([5]);
    g.key('ArrowUp');
    g.key(' ');
    expect(g.selected()).toEqual([4, 5]);
  });
});
