import type { CommandRule } from '../types.js';

/** Elixir beyond the mix tasks in compiled.ts: seed scripts run by mix and the application console. */
export const ELIXIR_RULES: readonly CommandRule[] = [
  { id: 'mix-run-database-script', tools: ['mix'], args: ['*seed*.exs', '*migrat*.exs', '*reset*.exs'], guard: true, kind: 'data', reason: 'runs a script whose name says it seeds, migrates or resets the database' },
  { id: 'app-console', tools: ['iex'], flags: ['-S'], guard: true, kind: 'client', reason: 'starts the application with an interactive console in which any row can be changed' },
];
