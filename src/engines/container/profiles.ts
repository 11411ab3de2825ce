import type { EngineName } from '../../target/types.js';
import type { EngineContainerProfile } from './choose.js';

/** How each server engine shows up in a container: a new engine is a new row. */
export const CONTAINER_PROFILES: Partial<Record<EngineName, EngineContainerProfile>> = {
  postgres: { label: 'PostgreSQL', image: /postgres|postgis|timescale|pgvector|supabase/i, defaultPort: 5432 },
  mysql: { label: 'MySQL/MariaDB', image: /mariadb|mysql|percona/i, defaultPort: 3306 },
};
