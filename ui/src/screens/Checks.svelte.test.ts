// @vitest-environment happy-dom
// The Checks screen with 5,000 findings in a DOM: only the rows in view are in the page, the first shown finding
// opens with its actions, a click opens another, and a filter narrows the rows. The backend is replaced by a
// stub of `api` (the only mock here: the Tauri IPC cannot run under Vitest).
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FindingDto } from '../lib/bindings/FindingDto';

const N = 5000;
const finding = (id: number): FindingDto => ({
  id,
  device: id,
  device_label: `cam-${id}`,
  check: id % 2 ? 'services.discovery-on' : 'time.ntp-not-set',
  severity: id % 3 ? 'medium' : 'high',
  title: id % 2 ? 'WS-Discovery is still on' : 'NTP is not set',
  evidence: `evidence of ${id}`,
  clauses: [],
  status: 'open',
  waiver: null,
  fixable: id % 2 === 0,
});
const all = Array.from({ length: N }, (_, i) => finding(i + 1));

vi.mock('../lib/api', () => ({
  api: new Proxy({} as Record<string, unknown>, {
    get: (_, name) => (name === 'findings' ? () => Promise.resolve(all) : () => Promise.resolve(null)),
  }),
  newJobId: (kind: string) => `${kind}-1`,
}));

const { default: Checks } = await import('./Checks.svelte');

let screen: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = '';
});

async function setup() {
  const target = document.createElement('div');
  document.body.appendChild(target);
  screen = mount(Checks, { target });
  for (let i = 0; i < 5; i++) await tick();
  flushSync();
  return target;
}

describe('Checks screen', () => {
  it('keeps a bounded number of rows in the page for 5,000 findings and opens the first', async () => {
    const t = await setup();
    const rows = t.querySelectorAll('[data-testid^=finding-row-]');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    // Most severe first: F3 is the first high finding, a WS-Discovery one Handover cannot fix in this stub.
    expect(rows[0].getAttribute('data-testid')).toBe('finding-row-3');
    const detail = t.querySelector('[data-testid=finding-detail]')!;
    expect(detail.textContent).toContain('evidence of 3');
    expect(detail.querySelector('[data-testid=waive-open-3]')).not.toBeNull();
    expect(detail.querySelector('[data-testid=fix-open-3]'), 'no Fix… where there is no fix').toBeNull();
  });

  it('opens the finding clicked, with its fix offered', async () => {
    const t = await setup();
    (t.querySelector('[data-testid=finding-row-6]') as HTMLElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    flushSync();
    const detail = t.querySelector('[data-testid=finding-detail]')!;
    expect(detail.textContent).toContain('evidence of 6');
    expect(detail.querySelector('[data-testid=fix-open-6]')).not.toBeNull();
    expect(t.querySelector('[data-testid=finding-row-6]')!.getAttribute('aria-selected')).toBe('true');
  });

  it('narrows the rows to the filter', async () => {
    const t = await setup();
    const search = t.querySelector('input[type=search]') as HTMLInputElement;
    search.value = 'cam-4999';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    const rows = t.querySelectorAll('[data-testid^=finding-row-]');
    expect(rows.length).toBe(1);
    expect(t.querySelector('[data-testid=finding-detail]')!.textContent).toContain('evidence of 4999');
  });
});
