import { describe, expect, it } from 'vitest';
import type { FindingDto } from './bindings/FindingDto';
import { checksOf, fixPlanByAction, fixPlanHeadline, waivable } from './bulk';

const f = (id: number, device: number, check: string, status = 'open'): FindingDto => ({
  id, device, device_label: `d${device}`, check, severity: 'low', title: `T ${check}`, evidence: '', clauses: [], status, waiver: null, fixable: false,
});
const all = [f(1, 1, 'services.wsd'), f(2, 2, 'services.wsd'), f(3, 2, 'time.ntp'), f(4, 3, 'services.wsd'), f(5, 1, 'time.ntp', 'waived')];

describe('bulk work', () => {
  it('waives only open findings of the selected devices, of one check or all', () => {
    expect(waivable(all, new Set([1, 2]), 'any').map((x) => x.id)).toEqual([1, 2, 3]);
    expect(waivable(all, new Set([1, 2]), 'services.wsd').map((x) => x.id)).toEqual([1, 2]);
    expect(waivable(all, new Set([]), 'any')).toEqual([]);
  });
  it('lists checks most frequent first', () => {
    expect(checksOf(waivable(all, new Set([1, 2, 3]), 'any'))).toEqual([
      { check: 'services.wsd', title: 'T services.wsd', count: 3 },
      { check: 'time.ntp', title: 'T time.ntp', count: 1 },
    ]);
  });
  it('says what a fix plan changes and what it leaves', () => {
    const change = (finding: number, device: number) => ({ finding, device, device_label: '', title: '', description: '' });
    expect(fixPlanHeadline({ changes: [change(1, 1), change(2, 1), change(3, 2)], not_fixable: 2 })).toBe(
      'Handover will make 3 changes on 2 devices, each read back from the device. 2 other open findings need fixing by hand or a waiver.',
    );
    expect(fixPlanHeadline({ changes: [change(1, 1)], not_fixable: 0 })).toBe('Handover will make 1 change on 1 device, each read back from the device.');
    expect(fixPlanHeadline({ changes: [], not_fixable: 0 })).toBe('Nothing to fix: no open finding.');
    expect(fixPlanHeadline({ changes: [], not_fixable: 1 })).toBe('Nothing Handover can fix on the devices: 1 open finding needs fixing by hand or a waiver.');
  });
  it('leads a long plan with its actions and how many of each', () => {
    const c = (finding: number, description: string) => ({ finding, device: finding, device_label: '', title: '', description });
    const plan = { changes: [c(1, 'wsd off'), c(2, 'ntp'), c(3, 'wsd off'), c(4, 'http off'), c(5, 'wsd off'), c(6, 'ntp')], not_fixable: 0 };
    expect(fixPlanByAction(plan)).toEqual([
      { description: 'wsd off', count: 3 },
      { description: 'ntp', count: 2 },
      { description: 'http off', count: 1 },
    ]);
    expect(fixPlanByAction({ changes: [], not_fixable: 3 })).toEqual([]);
  });
});
