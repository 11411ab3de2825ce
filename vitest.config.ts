import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A private HOME for every test process: nothing a test does lands in the real ~/.local/state.
    globalSetup: ['test/fresh-build.setup.ts', 'test/private-home.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests share two real database servers and spawn real processes; two workers
    // match the two cores this project is built and tested on.
    maxWorkers: 2,
  },
});
