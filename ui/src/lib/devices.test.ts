import { describe, expect, it } from 'vitest';
import type { DeviceRow } from './bindings/DeviceRow';
import type { Steps } from './bindings/Steps';
import { NO_FILTER, filterDevices, isComplete, stepCounts } from './devices';

const steps = (p: Partial<Steps> = {}): Steps => ({ identified: 'done', credentials: 'done', firmware: 'done', placement: 'done', services: 'done', ...p });
const row = (id: number, label: string, p: Partial<DeviceRow> = {}, s: Partial<Steps> = {}): DeviceRow => ({
  id, label, location: null, named: false, address: `10.20.0.${id}`, mac: null, role: 'camera', manufacturer: 'Axis', model: 'P3245', firmware: '10.12', vlan: 20, open_findings: 0, steps: steps(s), ...p,
});
const rows = [
  row(1, 'cam-lobby', {}, { firmware: 'attention' }),
  row(2, 'cam-dock', { manufacturer: 'Hanwha', model: 'XNV-8080R' }, { credentials: 'pending' }),
  row(3, 'nvr-1', { role: 'nvr', vlan: null, address: '192.168.1.9' }, { placement: 'waived' }),
];

describe('device grid', () => {
  it('search matches every word anywhere in the row', () => {
    const ids = (text: string) => filterDevices(rows, { ...NO_FILTER, text }).map((d) => d.id);
    expect(ids('')).toEqual([1, 2, 3]);
    expect(ids('cam')).toEqual([1, 2]);
    expect(ids('HANWHA')).toEqual([2]);
    expect(ids('axis lobby')).toEqual([1]);
    expect(ids('vlan 20')).toEqual([1, 2]);
    expect(ids('192.168')).toEqual([3]);
    expect(ids('nothing-like-this')).toEqual([]);
  });
  it('search finds a device by the name and location the technician gave it', () => {
    const rows = [row(1, 'Gate 3 east', { location: 'Car park', named: true }), row(2, 'AXIS P3245')];
    expect(filterDevices(rows, { ...NO_FILTER, text: 'car park' }).map((d) => d.id)).toEqual([1]);
    expect(filterDevices(rows, { ...NO_FILTER, text: 'gate east' }).map((d) => d.id)).toEqual([1]);
  });

  it('filters by state on one step or on any step', () => {
    const ids = (step: never | string, state: string) => filterDevices(rows, { text: '', step: step as never, state: state as never }).map((d) => d.id);
    expect(ids('firmware', 'attention')).toEqual([1]);
    expect(ids('any', 'attention')).toEqual([1]);
    expect(ids('any', 'pending')).toEqual([2]);
    expect(ids('credentials', 'done')).toEqual([1, 3]);
    expect(ids('firmware', 'any')).toEqual([1, 2, 3]);
  });
  it('counts states per step and knows a finished device', () => {
    const c = stepCounts(rows);
    expect(c.firmware).toEqual({ done: 2, attention: 1, waived: 0, pending: 0 });
    expect(c.placement.waived).toBe(1);
    expect(rows.map(isComplete)).toEqual([false, false, true]);
  });
});
