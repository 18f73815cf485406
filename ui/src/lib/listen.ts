// The Hello/Bye listener as the header and the Discover screen show it: its status in a few words, the
// announcements heard (newest first, bounded), one line per announcement. Pure, unit-tested.
import type { DeviceHeard } from './bindings/DeviceHeard';
import type { ListenerStatus } from './bindings/ListenerStatus';

/** How many announcements the Discover screen keeps. */
export const HEARD_KEPT = 20;

/** The newest first, at most `max`. */
export function pushHeard(list: DeviceHeard[], ev: DeviceHeard, max = HEARD_KEPT): DeviceHeard[] {
  return [ev, ...list].slice(0, max);
}

/** The header badge: short text and tone. */
export function listenerBadge(s: ListenerStatus | null): { text: string; tone: 'ok' | 'warn' | 'bad' | '' } {
  if (!s) return { text: 'Listener…', tone: '' };
  switch (s.state) {
    case 'listening':
      return { text: `Listening on ${s.on.join(', ')}`, tone: 'ok' };
    case 'failed':
      return { text: 'Not listening', tone: 'bad' };
    case 'off':
      return { text: 'Listening off', tone: 'warn' };
    default:
      return { text: 'Not listening', tone: '' };
  }
}

/** One line for people: "cam-dock (127.20.0.12) said Hello: new device". */
export function heardText(ev: DeviceHeard): string {
  const who = ev.label === ev.address ? ev.address : `${ev.label} (${ev.address})`;
  if (ev.kind === 'bye') return `${who} said Bye: leaving or rebooting`;
  const what = ev.change === 'new' ? 'new device' : ev.change === 'moved' ? 'known device at a new address' : 'known device';
  return `${who} said Hello: ${what}`;
}
