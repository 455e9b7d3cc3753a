import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30000,
    hookTimeout: 60000,
    // vitest's default is one worker fewer than the CPUs: a single worker on a 2-core CI machine
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        // pure functions without module state to reset: one import of the modules per worker, not per file
        // (about half the CPU time of the unit tests)
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'app',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          // boots the sample county once per run: every integration and browser test file's database starts from it
          globalSetup: ['tests/global-setup.ts'],
        },
      },
    ],
  },
});
