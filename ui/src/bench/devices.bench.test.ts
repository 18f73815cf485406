// @vitest-environment happy-dom
// The UI benchmark (issue #18): the real Devices screen and grid components, mounted in a DOM (happy-dom, so
// no layout or paint: these are the components' own costs) with a 5,000-device project's rows from a stand-in
// for the backend. It PRINTS figures (first render of the screen, a filter keystroke, a scroll step, grouping,
// sorting) for BENCHMARKS.md and asserts behaviour only: the rows in the page stay bounded whatever the
// project's size, and each step shows the right rows. It never fails on a slow machine.
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DeviceRow } from '../lib/bindings/DeviceRow';
import type { StepState } from '../lib/bindings/StepState';
import { NO_FILTER, filterDevices } from '../lib/devices';
import { DEFAULT_SORT, groupDevices, sortDevices } from '../lib/grid';

const N = Number(process.env.HANDOVER_BENCH_DEVICES ?? 5000);

const { rows } = vi.hoisted(() => {
  const n = Number(process.env.HANDOVER_BENCH_DEVICES ?? 5000);
  const states: StepState[] = ['done', 'done', 'done', 'attention', 'pending', 'waived'];
  const makers = [['AXIS', 'P3265-LVE'], ['Hanwha', 'XNV-8080R'], ['Hikvision', 'DS-2CD2143G2'], ['Dahua', 'IPC-HFW2431S']];
  const rows: DeviceRow[] = [];
  for (let i = 0; i < n; i++) {
    const vlan = [20, 30, 40][i % 3];
    const [manufacturer, model] = makers[i % makers.length];
    const pick = (k: number) => states[(i * 7 + k * 3) % states.length];
    rows.push({
      id: i + 1,
      label: `cam-${String(i + 1).padStart(4, '0')}`,
      location: i % 4 === 0 ? `Building ${(i % 9) + 1}` : null,
      named: false,
      address: `127.${vlan}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      mac: `00:40:8c:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      role: 'camera',
      manufacturer,
      model,
      firmware: '10.12.5',
      vlan,
      open_findings: i % 5,
      steps: { identified: 'done', credentials: pick(1), firmware: pick(2), placement: pick(3), services: pick(4) },
    });
  }
  return { rows };
});

vi.mock('../lib/api', () => ({
  api: {
    devices: async () => rows,
    unidentifiedHosts: async () => [
      { subnet: '127.20.0.0/24', vlan: 20, address: '127.20.0.250', reason: 'a service answers on port 80 but not the camera protocol (ONVIF)', next: 'Open its web page' },
    ],
  },
  newJobId: (k: string) => k,
}));

const { default: Devices } = await import('../screens/Devices.svelte');

const figures: [string, string][] = [];
const ms = (t: number) => `${t.toFixed(1)} ms`;
function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe(`Devices screen with ${N} devices`, { timeout: 120_000 }, () => {
  const target = document.createElement('div');
  document.body.appendChild(target);
  let screen: Record<string, unknown>;
  const grid = () => target.querySelector('[data-testid=device-grid]') as HTMLElement;
  const rendered = () => target.querySelectorAll('[data-testid^=device-row-]');
  const count = () => target.querySelector('[data-testid=device-count]')?.textContent;

  afterAll(() => {
    unmount(screen);
    console.log(`\nUI benchmark (happy-dom, real components), ${N} devices:\n${figures.map(([k, v]) => `  ${k.padEnd(44)} ${v}`).join('\n')}\n`);
  });

  it('first render: the grid shows its first rows, not all of them', async () => {
    const t0 = performance.now();
    screen = mount(Devices, { target });
    for (let i = 0; i < 200 && count() !== `${N} of ${N} devices`; i++) await tick();
    flushSync();
    const first = performance.now() - t0;
    for (let i = 0; i < 200 && !target.querySelector('[data-testid=unidentified]'); i++) await tick();
    figures.push(['first render of Devices (load + grid)', ms(first)]);
    expect(count()).toBe(`${N} of ${N} devices`);
    expect(rendered().length).toBeGreaterThan(20);
    expect(rendered().length).toBeLessThan(60);
    expect(target.querySelector('[data-testid=device-row-1]')).not.toBeNull();
    expect(target.querySelector(`[data-testid=device-row-${N}]`)).toBeNull();
    expect(target.querySelector('[data-testid=unidentified]')?.textContent).toContain('127.20.0.250');
  });

  it('a filter keystroke narrows the rows', () => {
    const input = target.querySelector('[data-testid=device-search]') as HTMLInputElement;
    const times: number[] = [];
    let last = '';
    for (const text of ['1', '12', '127', '127.', '127.3', '127.30', '127.30.', '127.30.1', '127.30.1.']) {
      input.value = text;
      const [, t] = timed(() => {
        input.dispatchEvent(new Event('input', { bubbles: true }));
        flushSync();
      });
      times.push(t);
      last = count()!;
    }
    figures.push(['filter keystroke (median of 9)', ms(median(times))]);
    figures.push(['filter keystroke (worst of 9)', ms(Math.max(...times))]);
    const expected = rows.filter((r) => r.address.includes('127.30.1.')).length;
    expect(last).toBe(`${expected} of ${N} devices`);
    expect(rendered().length).toBeLessThan(60);
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect(count()).toBe(`${N} of ${N} devices`);
  });

  it('scrolling renders a bounded window at every position', () => {
    const g = grid();
    const times: number[] = [];
    let most = 0;
    for (let step = 1; step <= 40; step++) {
      const top = Math.floor((step / 40) * (N - 30)) * 24;
      g.scrollTop = top;
      const [, t] = timed(() => {
        g.dispatchEvent(new Event('scroll'));
        flushSync();
      });
      times.push(t);
      most = Math.max(most, rendered().length);
    }
    figures.push(['scroll step (median of 40 jumps)', ms(median(times))]);
    figures.push(['scroll step (worst of 40 jumps)', ms(Math.max(...times))]);
    figures.push(['rows in the page at most', String(most)]);
    expect(most).toBeLessThan(60);
    // At the bottom, the last device (address order) is in the page.
    g.scrollTop = N * 24;
    g.dispatchEvent(new Event('scroll'));
    flushSync();
    const last = [...rows].sort((a, b) => a.id - b.id).length;
    expect(rendered().length).toBeGreaterThan(20);
    expect(last).toBe(N);
    g.scrollTop = 0;
    g.dispatchEvent(new Event('scroll'));
    flushSync();
  });

  it('group by VLAN and sort by a column', () => {
    const group = target.querySelector('[data-testid=group-by]') as HTMLSelectElement;
    // happy-dom does not match `:checked` on options, where Svelte reads a select's value; Svelte then takes the
    // first enabled option, so the others are disabled for the moment of the change.
    const choose = (v: string) => {
      for (const o of group.options) o.disabled = o.value !== v;
      group.dispatchEvent(new Event('change', { bubbles: true }));
      for (const o of group.options) o.disabled = false;
    };
    const [, tg] = timed(() => {
      choose('vlan');
      flushSync();
    });
    figures.push(['group by VLAN', ms(tg)]);
    expect(target.querySelector('[data-testid="group-vlan:20"]')?.textContent).toContain(String(rows.filter((r) => r.vlan === 20).length));
    choose('none');
    flushSync();
    const header = target.querySelector('[data-testid=sort-label]') as HTMLButtonElement;
    const [, ts] = timed(() => {
      header.click();
      flushSync();
      header.click();
      flushSync();
    });
    figures.push(['sort by name, then reversed (two clicks)', ms(ts)]);
    const firstShown = rendered()[0].getAttribute('data-testid');
    expect(firstShown).toBe(`device-row-${N}`);
  });

  it('the grid logic alone (no DOM): filter, sort and group 5,000 rows', () => {
    const logic = (text: string) => groupDevices(sortDevices(filterDevices(rows, { ...NO_FILTER, text }), DEFAULT_SORT), 'vlan');
    logic('warm');
    const times: number[] = [];
    let items = logic('');
    for (const text of ['1', '12', '127', '127.3', '127.30.1', '']) {
      const [r, t] = timed(() => logic(text));
      times.push(t);
      items = r;
    }
    figures.push(['filter + sort + group, logic only (median)', ms(median(times))]);
    expect(items.filter((i) => i.kind === 'row')).toHaveLength(N);
  });

  it('select all matching, then keyboard moves', () => {
    const all = target.querySelector('[data-testid=select-matching]') as HTMLButtonElement;
    const [, t] = timed(() => {
      all.click();
      flushSync();
    });
    figures.push(['select all matching', ms(t)]);
    expect(target.querySelector('[data-testid=selected-count]')?.textContent).toBe(`${N} selected`);
    const g = grid();
    const keys: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [, tk] = timed(() => {
        g.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
        flushSync();
      });
      keys.push(tk);
    }
    figures.push(['arrow key (median of 20)', ms(median(keys))]);
    g.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    flushSync();
    expect(target.querySelector('[data-testid=selected-count]')).toBeNull();
    g.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
    flushSync();
    expect(target.querySelector('[data-testid=selected-count]')?.textContent).toBe('1 selected');
  });
});
