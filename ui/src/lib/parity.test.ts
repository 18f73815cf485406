// Tests of the switch, add-by-address, labels and catalog panels' logic.
import { describe, expect, it } from 'vitest';
import { EMPTY_SWITCH, addressProblem, catalogsHeadline, labelsHeadline, snmpAddress, switchQueryHeadline, switchRequest } from './parity';

describe('switch form', () => {
  it('gives a bare address the SNMP port and keeps a typed one', () => {
    expect(snmpAddress(' 10.0.0.2 ')).toBe('10.0.0.2:161');
    expect(snmpAddress('10.0.0.2:1161')).toBe('10.0.0.2:1161');
    expect(snmpAddress('[fe80::1]:161')).toBe('[fe80::1]:161');
    expect(snmpAddress('')).toBe('');
  });

  it('sends a community for v2c and the passwords for v3, never both', () => {
    const v2 = switchRequest({ ...EMPTY_SWITCH, name: ' Core ', address: '10.0.0.2', community: 'c', user: 'ops', auth: 'a' });
    expect(v2).toEqual({ req: { name: 'Core', address: '10.0.0.2:161', v3_user: null, community: 'c', auth: '', privacy: '' } });
    const v3 = switchRequest({ ...EMPTY_SWITCH, version: 'v3', name: 'Core', address: '10.0.0.2:161', community: 'c', user: 'ops', auth: 'a', privacy: 'p' });
    expect(v3).toEqual({ req: { name: 'Core', address: '10.0.0.2:161', v3_user: 'ops', community: '', auth: 'a', privacy: 'p' } });
  });

  it('says what is missing, first things first', () => {
    expect(switchRequest(EMPTY_SWITCH)).toEqual({ missing: expect.stringContaining('name') });
    expect(switchRequest({ ...EMPTY_SWITCH, name: 'Core' })).toEqual({ missing: expect.stringContaining('address') });
    expect(switchRequest({ ...EMPTY_SWITCH, name: 'Core', address: '10.0.0.2' })).toEqual({ missing: expect.stringContaining('community') });
    expect(switchRequest({ ...EMPTY_SWITCH, version: 'v3', name: 'Core', address: '10.0.0.2', user: 'ops', auth: 'a' })).toEqual({ missing: expect.stringContaining('privacy') });
  });
});

describe('outcomes in words', () => {
  it('counts switches that answered out of those asked', () => {
    expect(switchQueryHeadline({ answered: 1, failed: [{ name: 'edge', why: 'timeout' }], located: 3, not_seen: 0 })).toBe(
      '1 of 2 switches answered; 3 devices located. Run the checks to compare with the plan.',
    );
    expect(switchQueryHeadline({ answered: 1, failed: [], located: 1, not_seen: 2 })).toContain('2 not seen on any switch');
  });

  it('tells what to do about label rows that matched nothing', () => {
    expect(labelsHeadline({ matched: 2, changed: 1, unmatched: [] })).toBe('2 rows matched; 1 device renamed or moved.');
    expect(labelsHeadline({ matched: 0, changed: 0, unmatched: [{ line: 3, key: 'aa:bb' }] })).toContain('import the file again after discovery');
  });

  it('refuses an empty or spaced address before asking the backend', () => {
    expect(addressProblem('  ')).toContain('IP');
    expect(addressProblem('10.0.0.1 10.0.0.2')).toContain('One address');
    expect(addressProblem('http://10.0.0.5/onvif/device_service')).toBeNull();
  });

  it('says when imported catalogs are in use or ignored', () => {
    const cat = (source: string) => ({ kind: 'firmware-baseline', version: '1', published: '2026-01-01', source, sha256: 'ab' });
    expect(catalogsHeadline({ in_use: [cat('built-in')], ignored: [] })).toBe('Built-in catalogs in use.');
    expect(catalogsHeadline({ in_use: [cat('/data/fw.toml')], ignored: [{ kind: 'k', path: 'p', why: 'w' }] })).toBe(
      '1 imported catalog in use; 1 imported file ignored (see why below).',
    );
  });
});
