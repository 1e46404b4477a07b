/**
 * Which of orch's own files cannot be written right now (a full disk, a read-only mount, a deleted
 * `$ORCH_HOME`). Writers report here instead of throwing: supervision never depends on the disk. Each
 * file's trouble is one warning line when it starts and one when it ends, and is listed in `/api/health`.
 */
import { fsReason } from '../errors.js';

export interface StorageProblem {
  path: string;
  error: string;
  since: string;
}

export interface StorageListener {
  failed(path: string, error: string): void;
  recovered(path: string, afterMs: number): void;
}

export class StorageProblems {
  private readonly problems = new Map<string, { error: string; since: number }>();

  constructor(
    private readonly listener: Partial<StorageListener> = {},
    private readonly now: () => number = Date.now,
  ) {}

  failed(path: string, error: unknown): void {
    if (this.problems.has(path)) return;
    const text = fsReason(error);
    this.problems.set(path, { error: text, since: this.now() });
    this.listener.failed?.(path, text);
  }

  succeeded(path: string): void {
    const problem = this.problems.get(path);
    if (!problem) return;
    this.problems.delete(path);
    this.listener.recovered?.(path, this.now() - problem.since);
  }

  list(): StorageProblem[] {
    return [...this.problems].map(([path, { error, since }]) => ({ path, error, since: new Date(since).toISOString() }));
  }
}
