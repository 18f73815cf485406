import { describe, expect, it } from 'vitest';
import { commonName, formatDuration, pdfDate, plural, progressText, shortTime } from './format';
import type { ProgressEvent } from './bindings/ProgressEvent';

const ev = (p: Partial<ProgressEvent>): ProgressEvent => ({
  job: 'j', label: 'Running checks', done: 0, total: 10, elapsed_ms: 0, eta_ms: null, detail: '', finished: false, cancelled: false, ...p,
});

describe('format', () => {
  it('durations read like a person would say them', () => {
    const cases: [number, string][] = [
      [0, 'less than a second'], [999, 'less than a second'], [1000, '1 s'], [59_400, '59 s'],
      [60_000, '1 min'], [185_000, '3 min 5 s'], [3_600_000, '1 h'], [3_720_000, '1 h 2 min'], [NaN, 'less than a second'],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms), `${ms}`).toBe(text);
  });
  it('progress says counts and time left, then how it ended', () => {
    expect(progressText(ev({ done: 0 }))).toBe('0 of 10 · estimating time left');
    expect(progressText(ev({ done: 3, eta_ms: 12_000 }))).toBe('3 of 10 · about 12 s left');
    expect(progressText(ev({ done: 10, finished: true, elapsed_ms: 4000 }))).toBe('Done: 10 of 10 in 4 s');
    expect(progressText(ev({ done: 4, finished: true, cancelled: true, elapsed_ms: 2000 }))).toBe('Cancelled after 4 of 10 in 2 s');
    expect(progressText(ev({ total: 0, elapsed_ms: 3000 }))).toBe('Working · 3 s so far');
    expect(progressText(ev({ total: 0, finished: true, elapsed_ms: 2000 }))).toBe('Done in 2 s');
  });
  it('PDF dates become readable, odd ones pass through', () => {
    expect(pdfDate('D:20261120163000Z')).toBe('2026-11-20 16:30:00 UTC');
    expect(pdfDate("D:20261120163000+01'00'")).toBe('2026-11-20 16:30:00 UTC+01:00');
    expect(pdfDate('yesterday')).toBe('yesterday');
    expect(pdfDate(null)).toBe('unknown');
  });
  it('small helpers', () => {
    expect(plural(1, 'device')).toBe('1 device');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(shortTime('2026-11-20T16:30:05Z')).toBe('2026-11-20 16:30 UTC');
    expect(commonName('CN=Ana Lopez, O=Brightline')).toBe('Ana Lopez');
    expect(commonName('O=Only Org')).toBe('O=Only Org');
  });
});
