/**
 * A unified diff of two texts, line by line, for `--dry-run`: Myers' O(ND) algorithm, which stays fast
 * on a large file with a few changes (Claude Code's `~/.claude.json` runs to thousands of lines).
 */
type Op = { kind: ' ' | '-' | '+'; line: string };

/** `''` when the texts are equal; else `--- label` / `+++ label` and hunks with `context` lines around each change. */
export function unifiedDiff(before: string, after: string, label: string, context = 3): string {
  if (before === after) return '';
  const ops = diffLines(linesOf(before), linesOf(after));
  const out = [`--- ${label}`, `+++ ${label}`];
  let i = 0;
  const lineAt = { old: 1, new: 1 };
  while (i < ops.length) {
    const change = ops.findIndex((op, j) => j >= i && op.kind !== ' ');
    if (change === -1) break;
    const start = Math.max(i, change - context);
    for (let j = i; j < start; j += 1) advance(lineAt, ops[j]!);
    let end = change;
    // A hunk runs on while the next change is within two contexts of the last one.
    for (let j = change; j < ops.length && j - end <= 2 * context; j += 1) if (ops[j]!.kind !== ' ') end = j;
    const stop = Math.min(ops.length, end + context + 1);
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(lineAt.old, oldCount)} +${range(lineAt.new, newCount)} @@`, ...hunk.map((op) => op.kind + op.line));
    for (const op of hunk) advance(lineAt, op);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

function advance(lineAt: { old: number; new: number }, op: Op): void {
  if (op.kind !== '+') lineAt.old += 1;
  if (op.kind !== '-') lineAt.new += 1;
}

/** `start,count` as diff(1) prints it: an empty range names the line before it. */
function range(start: number, count: number): string {
  return count === 0 ? `${start - 1},0` : count === 1 ? `${start}` : `${start},${count}`;
}

function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const same = (lines: string[]): Op[] => lines.map((line) => ({ kind: ' ', line }));
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

/** The shortest edit script: `trace[d]` is the furthest x on each diagonal before round d, walked back from the end. */
function myers(a: string[], b: string[]): Op[] {
  const offset = a.length + b.length + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= a.length + b.length && !found; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= a.length && y >= b.length) {
        found = true;
        break;
      }
    }
  }
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const before = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && before[offset + k - 1]! < before[offset + k + 1]!);
    const prevX = d === 0 ? 0 : before[offset + (down ? k + 1 : k - 1)]!;
    const prevY = d === 0 ? 0 : prevX - (down ? k + 1 : k - 1);
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[x - 1]! });
      x -= 1;
      y -= 1;
    }
    if (d === 0) break;
    if (down) ops.push({ kind: '+', line: b[(y -= 1)]! });
    else ops.push({ kind: '-', line: a[(x -= 1)]! });
  }
  return ops.reverse();
}
