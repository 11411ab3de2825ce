import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPOSE_FILES } from '../../safety/rules.js';


export interface ComposeProject {
  /** The project name Compose gives its containers' `com.docker.compose.project` label. */
  name: string;
  files: string[];
}

/** Compose's normalisation of a directory name into a project name. Pure. */
export function normaliseProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

/** A top-level `name:` of a Compose file. Pure. */
export function composeFileName(text: string): string | null {
  const match = /^name:\s*["']?([^"'\s#]+)["']?\s*(?:#.*)?$/m.exec(text);
  return match ? normaliseProjectName(match[1]!) : null;
}

/** The project's Compose project, or null when it has no Compose file. */
export function composeProject(projectRoot: string, env: Record<string, string | undefined>): ComposeProject | null {
  const files = COMPOSE_FILES.map((file) => path.join(projectRoot, file)).filter((file) => existsSync(file));
  if (files.length === 0) return null;
  const named = env.COMPOSE_PROJECT_NAME ?? files.map((file) => composeFileName(readFileSync(file, 'utf8'))).find(Boolean);
  return { name: named ? normaliseProjectName(named) : normaliseProjectName(path.basename(projectRoot)), files };
}
