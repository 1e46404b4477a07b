/**
 * Which servers the user last started or stopped, kept in `state.json` so that after `orch shutdown`
 * a new daemon runs the same set (PM2's save and resurrect, without the ceremony).
 */
import type { StorageProblems } from '../storage/problems.js';
import { StateFile } from '../storage/state-file.js';
import { readJson } from './atomic-file.js';

type Wish = 'started' | 'stopped';

export class WantedState {
  private readonly wishes: Map<string, Wish>;
  private readonly file: StateFile;

  constructor(path: string, problems: StorageProblems) {
    this.file = new StateFile(path, problems);
    const saved = (readJson(path) as { servers?: Record<string, unknown> } | undefined)?.servers ?? {};
    this.wishes = new Map(
      Object.entries(saved).filter((entry): entry is [string, Wish] => entry[1] === 'started' || entry[1] === 'stopped'),
    );
  }

  record(names: string[], wish: Wish): void {
    for (const name of names) this.wishes.set(name, wish);
    this.file.write({ servers: Object.fromEntries(this.wishes) });
  }

  close(): void {
    this.file.close();
  }

  /** Enabled servers unless the user stopped them, and disabled ones the user started. */
  toStart(servers: { name: string; disabled: boolean }[]): string[] {
    return servers
      .filter(({ name, disabled }) => {
        const wish = this.wishes.get(name);
        return wish === undefined ? !disabled : wish === 'started';
      })
      .map(({ name }) => name);
  }
}
