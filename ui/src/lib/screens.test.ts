import { describe, expect, it } from 'vitest';
import { SCREENS, canOpen, screenForKey } from './screens';

describe('screens', () => {
  it('every screen has a unique shortcut', () => {
    expect(new Set(SCREENS.map((s) => s.key)).size).toBe(SCREENS.length);
    expect(new Set(SCREENS.map((s) => s.id)).size).toBe(SCREENS.length);
  });
  it('project screens need a project; projects and review never do', () => {
    expect(screenForKey('1', false)).toBe('projects');
    expect(screenForKey('8', false)).toBe('review');
    expect(screenForKey('4', false)).toBeNull();
    expect(screenForKey('4', true)).toBe('devices');
    expect(screenForKey('9', true)).toBeNull();
    expect(SCREENS.filter((s) => canOpen(s, false)).map((s) => s.id)).toEqual(['projects', 'review']);
  });
});
