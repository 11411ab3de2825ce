import type { CommandRule } from '../types.js';

/**
 * Container lifecycle commands (`exec` and `run` are launchers, see
 * launchers.ts). Known and harmless, so a script such as `db:up` whose body
 * only starts the database container is judged by that body, not its name.
 */
const ENGINES = ['docker', 'docker-compose', 'podman', 'podman-compose'];

export const CONTAINER_RULES: readonly CommandRule[] = [
  { id: 'container-volume-delete', tools: ENGINES, args: ['volume rm', 'volume prune', 'system prune'], guard: true, kind: 'data', reason: 'deletes containers or volumes, where a development database keeps its files' },
  { id: 'container-volume-delete', tools: ENGINES, flags: ['-v', '--volumes'], guard: true, kind: 'data', reason: 'deletes the volumes of the stopped containers, where a development database keeps its files' },
  { id: 'container-lifecycle', tools: ENGINES, unlessFlags: ['-v', '--volumes'], args: ['compose up', 'compose down', 'compose start', 'compose stop', 'compose restart', 'compose ps', 'compose logs', 'compose build', 'compose pull', 'compose config', 'up', 'down', 'start', 'stop', 'restart', 'ps', 'logs', 'build', 'pull', 'push', 'images', 'inspect', 'version', 'info', 'tag', 'login', 'logout', 'network', 'buildx', 'image', 'system df', 'save', 'load', 'cp', 'stats', 'top', 'context', 'volume ls', 'volume create', 'volume inspect', 'rmi', 'rm', 'kill', 'wait', 'attach', 'create', 'compose version', 'compose kill', 'compose top', 'compose images', 'compose cp'], guard: false, kind: 'read-only', reason: 'starts, stops, builds or lists containers; the data in their volumes is kept' },
];
