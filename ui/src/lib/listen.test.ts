import { describe, expect, it } from 'vitest';
import type { DeviceHeard } from './bindings/DeviceHeard';
import { heardText, listenerBadge, pushHeard } from './listen';

const ev = (p: Partial<DeviceHeard> = {}): DeviceHeard => ({ kind: 'hello', device: 3, label: 'cam-dock', address: '127.20.0.12', change: 'new', at: '2026-11-22T06:00:00Z', ...p });

describe('the listener', () => {
  it('keeps the newest announcements first, bounded', () => {
    let list: DeviceHeard[] = [];
    for (let i = 1; i <= 5; i++) list = pushHeard(list, ev({ device: i }), 3);
    expect(list.map((e) => e.device)).toEqual([5, 4, 3]);
  });

  it('says where it listens, or that it does not', () => {
    expect(listenerBadge({ state: 'listening', on: ['eth0', 'wlan0'], detail: '', heard: 0 })).toEqual({ text: 'Listening on eth0, wlan0', tone: 'ok' });
    expect(listenerBadge({ state: 'failed', on: [], detail: 'no interface', heard: 0 }).tone).toBe('bad');
    expect(listenerBadge({ state: 'off', on: [], detail: '', heard: 0 }).text).toBe('Listening off');
    expect(listenerBadge({ state: 'stopped', on: [], detail: '', heard: 0 }).text).toBe('Not listening');
    expect(listenerBadge(null).text).toBe('Listener…');
  });

  it('describes each announcement', () => {
    expect(heardText(ev())).toBe('cam-dock (127.20.0.12) said Hello: new device');
    expect(heardText(ev({ change: 'moved' }))).toContain('new address');
    expect(heardText(ev({ change: 'seen' }))).toContain('known device');
    expect(heardText(ev({ kind: 'bye', change: 'left', label: '127.20.0.12', device: null }))).toBe('127.20.0.12 said Bye: leaving or rebooting');
  });
});
