import type { CommandRule } from '../types.js';

/**
 * Container lifecycle commands (`exec` and `run` are launchers, see
 * launchers.ts). Known and harmless, so a script such as `db:up` whose body
 * only starts the database container is judged by that body, not its name.
 */
export const CONTAINER_RULES: readonly CommandRule[] = [
  { id: 'container-lifecycle', tools: ['docker', 'docker-compose', 'podman', 'podman-compose'], args: ['compose up', 'compose down', 'compose start', 'compose stop', 'compose restart', 'compose ps', 'compose logs', 'compose build', 'compose pull', 'compose config', 'up', 'down', 'start', 'stop', 'restart', 'ps', 'logs', 'build', 'pull', 'push', 'images', 'inspect', 'version', 'info'], guard: false, kind: 'read-only', reason: 'starts, stops, builds or lists containers; the data in their volumes is kept' },
];
