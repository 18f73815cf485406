import { describe, expect, it } from 'vitest';
import { SCREENS, canOpen, screenForKey } from './screens';

describe('screens', () => {
  it('every screen has a unique shortcut, numbered in the order of the walk', () => {
    expect(SCREENS.map((s) => s.key).join('')).toBe('123456789');
    expect(new Set(SCREENS.map((s) => s.key)).size).toBe(SCREENS.length);
    expect(new Set(SCREENS.map((s) => s.id)).size).toBe(SCREENS.length);
  });
  it('project screens need a project; projects and review never do', () => {
    expect(screenForKey('1', false)).toBe('projects');
    expect(screenForKey('9', false)).toBe('review');
    expect(screenForKey('4', false)).toBeNull();
    expect(screenForKey('4', true)).toBe('devices');
    expect(screenForKey('7', true)).toBe('firmware');
    expect(screenForKey('7', false)).toBeNull();
    expect(screenForKey('0', true)).toBeNull();
    expect(SCREENS.filter((s) => canOpen(s, false)).map((s) => s.id)).toEqual(['projects', 'review']);
  });
});
