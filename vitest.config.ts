import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, not threads: tests spawn and signal process groups, which belongs on a main thread.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
