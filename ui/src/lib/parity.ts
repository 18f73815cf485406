// Logic of the app's switch, add-by-address, labels, catalog and PKCS#12 panels: what a form lacks (said so the
// technician knows what to type next; nothing typed is cleared) and outcomes in words. Pure, unit-tested.
import type { AddSwitchRequest } from './bindings/AddSwitchRequest';
import type { CatalogsDto } from './bindings/CatalogsDto';
import type { LabelsOutcomeDto } from './bindings/LabelsOutcomeDto';
import type { SwitchQueryDto } from './bindings/SwitchQueryDto';
import { plural } from './format';

/** The switch form as typed: SNMPv2c with a community, or SNMPv3 with a user and two passwords. */
export interface SwitchForm {
  name: string;
  address: string;
  version: 'v2c' | 'v3';
  community: string;
  user: string;
  auth: string;
  privacy: string;
}

export const EMPTY_SWITCH: SwitchForm = { name: '', address: '', version: 'v2c', community: '', user: '', auth: '', privacy: '' };

/** The switch's SNMP address with the port: a bare IPv4 address or host name gets SNMP's 161. */
export function snmpAddress(typed: string): string {
  const a = typed.trim();
  if (!a || a.startsWith('[') || a.includes(':')) return a;
  return `${a}:161`;
}

/** The request for this form, or what is missing. */
export function switchRequest(f: SwitchForm): { req: AddSwitchRequest } | { missing: string } {
  if (!f.name.trim()) return { missing: 'Give the switch a name, e.g. "Core 1".' };
  if (!f.address.trim()) return { missing: 'Type the switch’s address, e.g. 10.0.0.2 (port 161 is assumed).' };
  if (f.version === 'v2c' && !f.community) return { missing: 'Type the SNMPv2c community (read-only is enough).' };
  if (f.version === 'v3' && !f.user.trim()) return { missing: 'Type the SNMPv3 user.' };
  if (f.version === 'v3' && (!f.auth || !f.privacy)) return { missing: 'SNMPv3 needs both the authentication and the privacy password.' };
  const v3 = f.version === 'v3';
  return {
    req: {
      name: f.name.trim(),
      address: snmpAddress(f.address),
      v3_user: v3 ? f.user.trim() : null,
      community: v3 ? '' : f.community,
      auth: v3 ? f.auth : '',
      privacy: v3 ? f.privacy : '',
    },
  };
}

/** A switch query's outcome in one line. */
export function switchQueryHeadline(o: SwitchQueryDto): string {
  const asked = o.answered + o.failed.length;
  const parts = [`${o.answered} of ${plural(asked, 'switch', 'switches')} answered`, `${plural(o.located, 'device')} located`];
  if (o.not_seen) parts.push(`${o.not_seen} not seen on any switch`);
  return `${parts.join('; ')}. Run the checks to compare with the plan.`;
}

/** A labels import's outcome in one line. */
export function labelsHeadline(o: LabelsOutcomeDto): string {
  const head = `${plural(o.matched, 'row')} matched; ${plural(o.changed, 'device')} renamed or moved.`;
  if (!o.unmatched.length) return head;
  return `${head} ${plural(o.unmatched.length, 'row')} named no device Handover knows yet: import the file again after discovery.`;
}

/** Whether the typed address looks like something add-by-address takes (an IP, host:port or an http(s) URL). */
export function addressProblem(typed: string): string | null {
  const a = typed.trim();
  if (!a) return 'Type the device’s address: an IP (10.20.0.15), host:port, or its ONVIF service URL.';
  if (/\s/.test(a)) return 'One address at a time, without spaces.';
  return null;
}

/** The catalogs in words, for the panel's summary line. */
export function catalogsHeadline(c: CatalogsDto): string {
  const imported = c.in_use.filter((x) => x.source !== 'built-in').length;
  const head = imported ? `${plural(imported, 'imported catalog')} in use` : 'Built-in catalogs in use';
  return c.ignored.length ? `${head}; ${plural(c.ignored.length, 'imported file')} ignored (see why below).` : `${head}.`;
}
