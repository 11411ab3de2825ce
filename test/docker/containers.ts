import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

/**
 * Real Docker for the container tests: the images are built offline by
 * build-images.sh (reused when present), every container runs with the
 * host's network on a free loopback port, and each test project removes its
 * containers (`docker rm -f` by Compose label) when done.
 */
export const IMAGES = { postgres: 'dbsafe-test/postgres:17', mariadb: 'dbsafe-test/mariadb:11' } as const;
export type TestEngine = keyof typeof IMAGES;

const START_SCRIPTS: Record<TestEngine, string> = {
  postgres: path.join(REPO_ROOT, 'test/docker/postgres-start.sh'),
  mariadb: path.join(REPO_ROOT, 'test/docker/mariadb-start.sh'),
};

/** Why Docker cannot run here, or null when the daemon answers. */
export function dockerUnavailable(): string | null {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error) return `docker cannot be run: ${info.error.message}`;
  if (info.status !== 0) return `docker info failed: ${info.stderr.trim()}`;
  return null;
}

export function buildImages(): void {
  execFileSync(path.join(REPO_ROOT, 'test/docker/build-images.sh'), { stdio: 'inherit' });
}

/** `docker compose` (v2) when present, else `docker-compose` (v1): the same files and labels. */
function composeCommand(): string[] {
  return spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0 ? ['docker', 'compose'] : ['docker-compose'];
}

export function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export interface TestService {
  name: string;
  engine: TestEngine;
  port: number;
  password: string;
  /** The loopback address it listens on; default 127.0.0.1 (127.0.0.2: same port, another server). */
  listenAddress?: string;
}

/** A compose.yaml with one service per entry, each on the host's network and its own port. Pure. */
export function composeFile(services: readonly TestService[]): string {
  const lines = ['services:'];
  for (const service of services) {
    lines.push(
      `  ${service.name}:`,
      `    image: ${IMAGES[service.engine]}`,
      '    network_mode: host',
      '    command: ["sh", "/start.sh"]',
      `    volumes: ["${START_SCRIPTS[service.engine]}:/start.sh:ro"]`,
      '    environment:',
      `      SERVE_PORT: "${service.port}"`,
      `      LISTEN_ADDRESS: "${service.listenAddress ?? '127.0.0.1'}"`,
      `      ${service.engine === 'postgres' ? 'POSTGRES_PASSWORD' : 'MARIADB_PASSWORD'}: "${service.password}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Start the project's Compose services in `dir` (its compose.yaml), detached. */
export function composeUp(dir: string, services: readonly TestService[]): void {
  writeFileSync(path.join(dir, 'compose.yaml'), composeFile(services));
  const [program, ...args] = composeCommand();
  execFileSync(program!, [...args, 'up', '-d'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Remove every container of the Compose project in `dir` (named after the directory). */
export function removeProjectContainers(dir: string): void {
  const ids = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project.working_dir=${dir}`]).split('\n').filter(Boolean);
  if (ids.length > 0) docker(['rm', '-f', '-v', ...ids]);
}

/** Wait until `probe` stops throwing (the server accepts connections), or throw its last error. */
export async function waitFor(probe: () => void, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      probe();
      return;
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${what} never became ready: ${(last as Error)?.message}`);
}
