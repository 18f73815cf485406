// The screen registry: the order of the technician's walk, what each needs, and its keyboard shortcut.
// Adding a screen for a new engine function = one entry here + its component in App.svelte's map.
export type ScreenId =
  | 'projects'
  | 'plan'
  | 'discover'
  | 'devices'
  | 'credentials'
  | 'checks'
  | 'firmware'
  | 'handover'
  | 'review';

export interface ScreenDef {
  id: ScreenId;
  title: string;
  /** Needs an open project. */
  needsProject: boolean;
  /** Alt+<key> opens it. */
  key: string;
}

export const SCREENS: ScreenDef[] = [
  { id: 'projects', title: 'Projects', needsProject: false, key: '1' },
  { id: 'plan', title: 'Site & plan', needsProject: true, key: '2' },
  { id: 'discover', title: 'Discover', needsProject: true, key: '3' },
  { id: 'devices', title: 'Devices', needsProject: true, key: '4' },
  { id: 'credentials', title: 'Credentials', needsProject: true, key: '5' },
  { id: 'checks', title: 'Checks', needsProject: true, key: '6' },
  { id: 'firmware', title: 'Firmware', needsProject: true, key: '7' },
  { id: 'handover', title: 'Handover', needsProject: true, key: '8' },
  { id: 'review', title: 'Review a report', needsProject: false, key: '9' },
];

export function canOpen(s: ScreenDef, hasProject: boolean): boolean {
  return hasProject || !s.needsProject;
}

/** The screen an Alt+key press opens, if any and if allowed. */
export function screenForKey(key: string, hasProject: boolean): ScreenId | null {
  const s = SCREENS.find((x) => x.key === key);
  return s && canOpen(s, hasProject) ? s.id : null;
}
