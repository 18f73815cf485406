import { describe, expect, it } from 'vitest';
import type { ReviewDevice } from './bindings/ReviewDevice';
import { toCsv } from './csv';
import { DEVICE_COLUMNS, VERDICT, exportName, filterReviewDevices, intact, trustworthy } from './review';

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
  it('searches devices and exports the rows shown', () => {
    const rows = [d('D1', 'Lobby', 'Axis', 'AB:CD:EF'), d('D2', 'Dock', 'Hanwha')];
    expect(filterReviewDevices(rows, 'hanwha').map((x) => x.id)).toEqual(['D2']);
    const csv = toCsv(DEVICE_COLUMNS, filterReviewDevices(rows, 'lobby'));
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith('device_id,name,vlan_id')).toBe(true);
    expect(lines[0].endsWith(',tls_certificate_sha256')).toBe(true);
    expect(lines[1]).toContain('443/tcp https; 554/tcp rtsp');
    expect(lines[1].endsWith(',AB:CD:EF')).toBe(true);
    // A device without a pinned certificate leaves the column empty.
    expect(toCsv(DEVICE_COLUMNS, [rows[1]]).trim().endsWith(',')).toBe(true);
  });
  it('suggests an export name next to the report', () => {
    expect(exportName('/tmp/site.pdf', 'findings')).toBe('/tmp/site-findings.csv');
    expect(exportName('/tmp/SITE.PDF', 'devices')).toBe('/tmp/SITE-devices.csv');
  });
});
