// Firmware screen logic: sizes, how an image's standing and a device's plan read, and the run's headline.
// Pure, unit-tested; the rules themselves (what blocks a device, what an outcome means) are the engine's.
import type { FirmwareImageDto } from './bindings/FirmwareImageDto';
import type { FirmwarePlanDto } from './bindings/FirmwarePlanDto';
import type { FirmwareRecoverDto } from './bindings/FirmwareRecoverDto';
import type { FirmwareUpgradeDto } from './bindings/FirmwareUpgradeDto';
import { plural } from './format';

/** Bytes as people read them: 950 B, 2.0 MB, 61.4 MB, 1.2 GB (decimal units, as vendors state image sizes). */
export function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export type Tone = 'ok' | 'warn' | 'bad' | '';

/** An image's standing as a badge: approved green, accepted amber (the technician vouched, not the catalog). */
export function imageTone(i: FirmwareImageDto): Tone {
  return i.standing === 'approved' ? 'ok' : i.standing === 'accepted' ? 'warn' : 'bad';
}

/** Whether the technician may accept the image (never one whose checksum contradicts the catalog). */
export function acceptable(i: FirmwareImageDto): boolean {
  return i.standing === 'not-in-catalog';
}

/** The plan in one sentence: what would be sent, what is blocked; nothing is sent by planning. */
export function planHeadline(p: FirmwarePlanDto): string {
  if (!p.folder) return 'Choose the folder with the firmware files you downloaded from the vendors’ portals.';
  const up = p.to_upgrade === 0 ? 'Nothing to upgrade' : `${plural(p.to_upgrade, 'device')} to upgrade (${size(p.bytes)} to send)`;
  const blocked = p.blocked ? `, ${plural(p.blocked, 'device')} blocked` : '';
  return `${up}${blocked}. Nothing is sent until you confirm.`;
}

/** The run in one sentence, saying when later waves wait for the technician. */
export function upgradeHeadline(r: FirmwareUpgradeDto): string {
  const n = r.outcomes.length;
  const base = `${r.upgraded} of ${plural(n, 'device')} upgraded and proven after reboot, ${size(r.bytes_sent)} sent in ${(r.elapsed_ms / 1000).toFixed(1)} s`;
  const waiting = r.outcomes.filter((o) => o.outcome === 'waiting').length;
  return r.stopped
    ? `${base}; stopped because a device was not upgraded (${waiting} waiting): look at it, then upgrade again.`
    : `${base}; the firmware check ran again on the devices upgraded.`;
}

export function recoverHeadline(r: FirmwareRecoverDto): string {
  if (r.devices.length === 0) return 'No upgrade was left open.';
  return `Settled ${r.upgraded} upgraded, ${r.not_upgraded} not upgraded; ${r.still_open} still open.`;
}

/** An outcome as a badge. */
export function outcomeTone(upgraded: boolean, outcome: string): Tone {
  if (upgraded) return 'ok';
  return outcome === 'waiting' ? '' : 'bad';
}
