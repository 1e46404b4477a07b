/**
 * `orchestrator.watch`: calls back when the config file's content changes.
 *
 * It watches the file's folder, not the file: editors that save by writing a temporary file and
 * renaming it over the config (vim, VS Code, JetBrains) replace the inode a file watch would hold,
 * and a deleted then recreated file has a new one too. Events come in bursts (truncate, write,
 * attributes), so they are debounced, and a burst that leaves the content as it was (`touch`, a save
 * without edits) is not a change. A watcher that fails (too many watches, the folder gone) is
 * re-armed after `retryMs` (and so is one whose folder was removed, until it is back); nothing here
 * throws into the daemon.
 */
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface WatchOptions {
  debounceMs?: number;
  /** How soon a watcher that failed, or could not be set up, is tried again. */
  retryMs?: number;
}

/** Starts watching; the returned function stops it. */
export function watchConfig(path: string, onChange: () => void, { debounceMs = 200, retryMs = 1_000 }: WatchOptions = {}): () => void {
  const folder = dirname(path);
  const name = basename(path);
  let last = contentOf(path);
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;

  const settle = () => {
    debounce = undefined;
    const now = contentOf(path);
    if (now === last) return;
    last = now;
    try {
      onChange();
    } catch {
      // The caller's to report; a throw here would escape as an uncaught exception.
    }
  };
  const arm = () => {
    retry = undefined;
    if (stopped) return;
    try {
      watcher = watch(folder, { persistent: false }, (event, file) => {
        // A removed folder is reported as an event named after it, then the watcher falls silent.
        if (event === 'rename' && file === basename(folder) && !existsSync(folder)) return rearm();
        // Some platforms give no file name: then any event in the folder may be ours.
        if (file !== null && file !== name) return;
        clearTimeout(debounce);
        debounce = setTimeout(settle, debounceMs);
      });
      watcher.on('error', rearm);
      // Whatever happened while no watcher was armed counts too.
      settle();
    } catch {
      rearm();
    }
  };
  const rearm = () => {
    watcher?.close();
    watcher = undefined;
    if (!stopped && retry === undefined) retry = setTimeout(arm, retryMs);
  };

  arm();
  return () => {
    stopped = true;
    clearTimeout(debounce);
    clearTimeout(retry);
    watcher?.close();
  };
}

/** The file's text, or undefined while it does not exist or cannot be read. */
function contentOf(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
