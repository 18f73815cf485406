// @vitest-environment happy-dom
// The audit panel pages through the log newest first: 50 entries, then older ones on request until the first
// entry, and a hostile detail is shown as text, never as markup. The backend is replaced by a stub of `api`
// that pages a 120-entry log as `Session::audit_recent` does (the Tauri IPC cannot run under Vitest).
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, expect, it, vi } from 'vitest';
import type { AuditEntryDto } from '../lib/bindings/AuditEntryDto';

const N = 120;
const log: AuditEntryDto[] = Array.from({ length: N }, (_, i) => ({
  seq: i + 1,
  at: '2026-12-07T10:00:00Z',
  actor: 'Ana',
  action: 'device.labelled',
  subject: `D${i + 1}`,
  detail: i === N - 1 ? '{"name":"<img src=x onerror=alert(1)>"}' : '{}',
  hash: `h${i + 1}`,
}));
const calls: (number | null)[] = [];

vi.mock('../lib/api', () => ({
  api: {
    auditLog: (before: number | null, limit: number) => {
      calls.push(before);
      const end = before === null ? N : before - 1;
      return Promise.resolve(log.slice(Math.max(0, end - limit), end).reverse());
    },
  },
}));

const { default: AuditLog } = await import('./AuditLog.svelte');

let panel: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (panel) unmount(panel);
  panel = null;
  document.body.innerHTML = '';
});

async function settle() {
  for (let i = 0; i < 5; i++) await tick();
  flushSync();
}

const seqs = () =>
  [...document.querySelectorAll('[data-testid="audit-entry"] .seq')].map((td) => Number(td.textContent));

it('pages newest first until the first entry, and shows details as text', async () => {
  panel = mount(AuditLog, { target: document.body });
  await settle();
  expect(seqs()).toEqual(Array.from({ length: 50 }, (_, i) => N - i));
  expect(document.querySelector('img')).toBeNull();
  expect(document.body.textContent).toContain('<img src=x onerror=alert(1)>');

  (document.querySelector('[data-testid="audit-older"]') as HTMLButtonElement).click();
  await settle();
  expect(calls).toEqual([null, 71]);
  expect(seqs().length).toBe(100);

  (document.querySelector('[data-testid="audit-older"]') as HTMLButtonElement).click();
  await settle();
  expect(seqs()).toEqual(Array.from({ length: N }, (_, i) => N - i));
  expect(document.querySelector('[data-testid="audit-older"]')).toBeNull();
});
