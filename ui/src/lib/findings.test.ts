import { describe, expect, it } from 'vitest';
import { ALL_FINDINGS, countBy, filterFindings, severityRank } from './findings';

const f = (title: string, severity: string, status: string, device_label = 'cam-1') => ({ title, severity, status, device_label, check: 'x.y', evidence: '' });
const items = [f('Telnet open', 'low', 'open'), f('Default password', 'critical', 'open', 'nvr-1'), f('Old firmware', 'high', 'waived'), f('Odd', 'weird', 'fixed')];

describe('findings', () => {
  it('sorts worst first, unknown severities last', () => {
    expect(filterFindings(items, ALL_FINDINGS).map((x) => x.severity)).toEqual(['critical', 'high', 'low', 'weird']);
    expect(severityRank('info')).toBe(4);
    expect(severityRank('nonsense')).toBe(5);
  });
  it('filters by severity, status and words', () => {
    const titles = (p: object) => filterFindings(items, { ...ALL_FINDINGS, ...p }).map((x) => x.title);
    expect(titles({ status: 'open' })).toEqual(['Default password', 'Telnet open']);
    expect(titles({ severity: 'high' })).toEqual(['Old firmware']);
    expect(titles({ text: 'nvr' })).toEqual(['Default password']);
    expect(titles({ text: 'password nvr', status: 'waived' })).toEqual([]);
  });
  it('counts by a key', () => {
    expect(countBy(items, (x) => x.status)).toEqual({ open: 2, waived: 1, fixed: 1 });
  });
});
