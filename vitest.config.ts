import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30000,
    hookTimeout: 60000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
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
