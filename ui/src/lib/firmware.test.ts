// Firmware screen wording: sizes, standings, the plan's and the run's headlines.
import { describe, expect, it } from 'vitest';
import type { FirmwareImageDto } from './bindings/FirmwareImageDto';
import type { FirmwarePlanDto } from './bindings/FirmwarePlanDto';
import type { FirmwareUpgradeDto } from './bindings/FirmwareUpgradeDto';
import { acceptable, imageTone, outcomeTone, planHeadline, recoverHeadline, size, upgradeHeadline } from './firmware';

const image = (standing: string): FirmwareImageDto => ({
  file: 'digicap.dav', size: 2_000_000, sha256: 'ab'.repeat(32), vendor: 'Hikvision', family: 'DS-2CD2*', version: 'V5.7.23',
  standing, note: '',
});

describe('firmware', () => {
  it('writes sizes in decimal units', () => {
    expect(size(950)).toBe('950 B');
    expect(size(2_000_000)).toBe('2.0 MB');
    expect(size(61_400_000)).toBe('61.4 MB');
    expect(size(1_200_000_000)).toBe('1.2 GB');
  });

  it('colours an image by who vouches for it and only offers to accept one not in the catalog', () => {
    expect(imageTone(image('approved'))).toBe('ok');
    expect(imageTone(image('accepted'))).toBe('warn');
    expect(imageTone(image('not-in-catalog'))).toBe('bad');
    expect(acceptable(image('not-in-catalog'))).toBe(true);
    expect(acceptable(image('checksum-mismatch'))).toBe(false);
    expect(acceptable(image('approved'))).toBe(false);
  });

  it('says what the plan would send, and asks for a folder first', () => {
    const p: FirmwarePlanDto = { folder: '/fw', images: [], devices: [], to_upgrade: 2, bytes: 4_000_000, blocked: 1 };
    expect(planHeadline(p)).toBe('2 devices to upgrade (4.0 MB to send), 1 device blocked. Nothing is sent until you confirm.');
    expect(planHeadline({ ...p, to_upgrade: 0, blocked: 0 })).toBe('Nothing to upgrade. Nothing is sent until you confirm.');
    expect(planHeadline({ ...p, folder: null })).toMatch(/Choose the folder/);
  });

  it('says when a failure stopped the waves', () => {
    const o = (outcome: string, upgraded: boolean) => ({ device: 1, label: 'cam', from: 'a', to: 'b', image: 'x', wave: 0, outcome, upgraded, detail: '' });
    const r: FirmwareUpgradeDto = { outcomes: [o('upgraded', true), o('not-back', false), o('waiting', false)], upgraded: 1, bytes_sent: 4_000_000, elapsed_ms: 12_300, stopped: true };
    expect(upgradeHeadline(r)).toBe('1 of 3 devices upgraded and proven after reboot, 4.0 MB sent in 12.3 s; stopped because a device was not upgraded (1 waiting): look at it, then upgrade again.');
    expect(upgradeHeadline({ ...r, stopped: false, outcomes: [o('upgraded', true)] })).toMatch(/check ran again/);
    expect(outcomeTone(true, 'upgraded')).toBe('ok');
    expect(outcomeTone(false, 'waiting')).toBe('');
    expect(outcomeTone(false, 'fell-back')).toBe('bad');
    expect(recoverHeadline({ devices: [], upgraded: 0, not_upgraded: 0, still_open: 0 })).toBe('No upgrade was left open.');
  });
});
