// App-wide reactive state (Svelte 5 runes): the open project's status, the keyring, running jobs.
import type { AppInfo } from './bindings/AppInfo';
import type { DeviceHeard } from './bindings/DeviceHeard';
import type { KeyringStatus } from './bindings/KeyringStatus';
import type { ListenerStatus } from './bindings/ListenerStatus';
import type { ProgressEvent } from './bindings/ProgressEvent';
import type { StatusDto } from './bindings/StatusDto';
import type { ScreenId } from './screens';
import { api } from './api';

export type Theme = 'light' | 'dark';

export const app = $state({
  screen: 'projects' as ScreenId,
  status: null as StatusDto | null,
  keyring: null as KeyringStatus | null,
  info: null as AppInfo | null,
  theme: 'light' as Theme,
  jobs: {} as Record<string, ProgressEvent>,
  /** The Hello/Bye listener (runs while a project is open). */
  listener: null as ListenerStatus | null,
  /** Announcements heard while the project is open, newest first. */
  heard: [] as DeviceHeard[],
  /** A report to open on the Review screen (set by the Handover screen after signing). */
  reviewPath: '',
  reviewTrust: '',
});

export function go(screen: ScreenId) {
  app.screen = screen;
}

export async function refreshStatus() {
  try {
    app.status = await api.status();
  } catch {
    app.status = null;
  }
}

export async function refreshListener() {
  try {
    app.listener = await api.listenerStatus();
  } catch {
    app.listener = null;
  }
}

export async function refreshKeyring() {
  try {
    app.keyring = await api.keyringStatus();
  } catch (e) {
    app.keyring = { state: 'unavailable', message: `Keyring status unknown: ${String((e as { message?: string }).message ?? e)}` };
  }
}
