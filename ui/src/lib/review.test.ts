import { describe, expect, it } from 'vitest';
import type { ReviewDevice } from './bindings/ReviewDevice';
import { VERDICT, exportName, filterReviewDevices, intact, trustworthy } from './review';

const d = (id: string, name: string, maker: string, tls: string | null = null): ReviewDevice => ({
  id, name, vlan_id: 20, address: '10.20.0.5', mac: 'aa:bb:cc:dd:ee:ff', maker, model: 'M1', serial: 'S1', firmware: '1.0', firmware_status: 'compliant',
  credential: 'rotated', placement_verified: true, placement_evidence: 'sw1 Gi1/0/1', services: ['443/tcp https', '554/tcp rtsp'],
  tls_sha256: tls,
});

describe('review', () => {
  it('four verdicts: only a trusted signer is green, an unconfirmed one amber, the rest red', () => {
    expect(trustworthy('trusted')).toBe(true);
    expect(VERDICT.trusted.tone).toBe('ok');
    expect(trustworthy('intact-untrusted')).toBe(false);
    expect(intact('intact-untrusted')).toBe(true);
    expect(VERDICT['intact-untrusted'].tone).toBe('warn');
    expect(VERDICT['intact-untrusted'].title).not.toBe(VERDICT.trusted.title);
    for (const v of ['changed', 'not-signed'] as const) {
      expect(trustworthy(v)).toBe(false);
      expect(intact(v)).toBe(false);
      expect(VERDICT[v].tone).toBe('bad');
    }
  });
  it('searches devices by any field', () => {
    const rows = [d('D1', 'Lobby', 'Axis', 'AB:CD:EF'), d('D2', 'Dock', 'Hanwha')];
    expect(filterReviewDevices(rows, 'hanwha').map((x) => x.id)).toEqual(['D2']);
    expect(filterReviewDevices(rows, 'lobby axis').map((x) => x.id)).toEqual(['D1']);
    expect(filterReviewDevices(rows, 'vlan 20')).toHaveLength(2);
    expect(filterReviewDevices(rows, 'lobby hanwha')).toHaveLength(0);
  });
  it('suggests an export name next to the report that is none of its twins', () => {
    expect(exportName('/tmp/site.pdf', 'findings')).toBe('/tmp/site-selected-findings.csv');
    expect(exportName('/tmp/SITE.PDF', 'devices')).toBe('/tmp/SITE-selected-devices.csv');
    expect(exportName('/tmp/site.pdf', 'netbox')).toBe('/tmp/site-selected-netbox.csv');
  });
});
