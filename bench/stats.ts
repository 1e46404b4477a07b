/** Small helpers every benchmark prints its figures with. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

export function heading(title: string): void {
  process.stdout.write(`\n== ${title}\n`);
}

export function row(label: string, value: string): void {
  process.stdout.write(`  ${label.padEnd(44)} ${value}\n`);
}
