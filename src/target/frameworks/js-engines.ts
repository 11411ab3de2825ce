import type { EngineName } from '../types.js';

/**
 * The engine each JavaScript framework's driver or dialect name means:
 * knex `client`, sequelize `dialect`, drizzle `dialect`, typeorm `type`,
 * prisma `provider`. Names not listed are engines dbsafe cannot back up.
 */
const ENGINE_BY_DRIVER: Readonly<Record<string, EngineName>> = {
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  'pg-native': 'postgres',
  pgnative: 'postgres',
  cockroachdb: 'postgres',
  redshift: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  'node-sqlite3-wasm': 'sqlite',
  capacitor: 'sqlite',
  mongodb: 'mongodb',
};

export function engineOfDriver(name: string): EngineName | undefined {
  return ENGINE_BY_DRIVER[name.toLowerCase()];
}

/** Engine from a connection string's scheme, for configurations that give only a URL. */
export function engineOfUrl(url: string): EngineName | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return undefined;
  if (scheme === 'file') return 'sqlite';
  return engineOfDriver(scheme.replace(/\+srv$/, ''));
}
