/**
 * Which servers the user last started or stopped, kept in `state.json` so that after `orch shutdown`
 * a new daemon runs the same set (PM2's save and resurrect, without the ceremony).
 */
import { readJson, writeJsonAtomic } from './atomic-file.js';

type Wish = 'started' | 'stopped';

export class WantedState {
  private readonly wishes: Map<string, Wish>;

  constructor(private readonly file: string) {
    const saved = (readJson(file) as { servers?: Record<string, unknown> } | undefined)?.servers ?? {};
    this.wishes = new Map(
      Object.entries(saved).filter((entry): entry is [string, Wish] => entry[1] === 'started' || entry[1] === 'stopped'),
    );
  }

  record(names: string[], wish: Wish): void {
    for (const name of names) this.wishes.set(name, wish);
    writeJsonAtomic(this.file, { servers: Object.fromEntries(this.wishes) });
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
