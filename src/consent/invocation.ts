import path from 'node:path';

/**
 * How a person runs dbsafe in their own terminal: `dbsafe` when it is on
 * their PATH (a global install), else `npx dbsafe` (a project-local install,
 * whose `node_modules/.bin` only `npm run` puts on PATH). Pure: PATH and an
 * executable test in, the words out.
 */
export function dbsafeInvocation(pathVariable: string | undefined, isExecutable: (file: string) => boolean): string {
  const dirs = (pathVariable ?? '').split(path.delimiter).filter((dir) => dir !== '' && !/(^|[\\/])node_modules[\\/]\.bin[\\/]?$/.test(dir));
  return dirs.some((dir) => isExecutable(path.join(dir, 'dbsafe'))) ? 'dbsafe' : 'npx dbsafe';
}
