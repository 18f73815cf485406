// A project the OS hands to the app after the page has started (macOS "open documents"; on Linux and
// Windows the project named on the command line is open before the page asks): src-tauri/src/launch.rs emits
// `project-opened` with the project's status.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { StatusDto } from './bindings/StatusDto';

export function onProjectOpened(f: (status: StatusDto) => void): Promise<UnlistenFn> {
  return listen<StatusDto>('project-opened', (e) => f(e.payload));
}
