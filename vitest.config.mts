import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/db/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/reliability/**/*.test.ts', 'test/security/**/*.test.ts', 'test/stores/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
