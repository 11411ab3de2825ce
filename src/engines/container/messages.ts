import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { redactSecretsInText } from '../../target/describe.js';
import type { ContainerCandidate } from './choose.js';

function lastLines(text: string, count = 4): string {
  return redactSecretsInText(text.trim()).split('\n').slice(-count).join(' ');
}

function describeCandidate(candidate: ContainerCandidate): string {
  const service = candidate.container.labels['com.docker.compose.service'];
  return `"${candidate.container.name}" (${candidate.container.image}${service ? `, Compose service ${service}` : ''}; ${candidate.why})`;
}

/** Every message about running client tools inside a container; each says the fix. */
export const containerMessages = {
  noCli: (configured: string | undefined) =>
    configured
      ? `The container CLI "${configured}" ("containerCli" or DBSAFE_CONTAINER_CLI) was not found. Install it, or name docker or podman.`
      : 'Neither docker nor podman was found on PATH. Install one (Debian/Ubuntu: apt-get install docker.io), or set "containerCli" in dbsafe.config.json.',
  daemonUnavailable: (cli: string, stderr: string) =>
    `${cli} cannot list containers: ${lastLines(stderr) || 'no answer'}. Start the container engine (e.g. \`sudo systemctl start docker\`) or give your user access to it.`,

  hostPath: {
    matched: 'the host\'s client tools match the server',
    configured: '"tools": "host" in dbsafe.config.json',
    noContainer: 'no running container serves the database',
    noEngine: 'no container engine (docker or podman) on this machine',
    remote: 'the database is on another machine',
  },
  containerPath: (candidate: ContainerCandidate, configured: boolean) =>
    `${configured ? '"tools": "container" in dbsafe.config.json' : 'the host\'s client tools do not match the server'}; container ${describeCandidate(candidate)}, identity proved`,

  containerUnavailable: (engine: string, reason: string) =>
    new DbsafeError('container-unavailable', `dbsafe is set to run the ${engine} tools inside a container ("tools": "container"), but ${reason}`, ExitCode.failure),
  noContainer: (engine: string, where: string) =>
    new DbsafeError(
      'container-not-found',
      `dbsafe is set to run the ${engine} tools inside a container ("tools": "container"), but no running container serves ${where}. Start it (\`docker compose up -d\`), name it with "container" in dbsafe.config.json, or remove "tools" to use the host's tools.`,
      ExitCode.failure,
    ),
  severalContainers: (engine: string, where: string, candidates: readonly ContainerCandidate[]) =>
    new DbsafeError(
      'container-ambiguous',
      `Several running ${engine} containers could serve ${where}: ${candidates.map(describeCandidate).join('; ')}. dbsafe does not guess which one holds your data: add "container": "${candidates[0]!.container.name}" (or the right one's name) to dbsafe.config.json.`,
      ExitCode.failure,
    ),
  namedMissing: (name: string, running: readonly string[]) =>
    new DbsafeError(
      'container-not-found',
      `The container "${name}" named in dbsafe.config.json ("container") is not running${running.length > 0 ? ` (running: ${running.join(', ')})` : ''}. Start it (\`docker compose up -d\`) or fix the name.`,
      ExitCode.failure,
    ),
  notServing: (where: string, candidate: ContainerCandidate, mismatch: string) =>
    new DbsafeError(
      'container-identity',
      `The container ${describeCandidate(candidate)} does not serve ${where}: ${mismatch}. dbsafe refuses to back up or restore through it. Name the right container with "container" in dbsafe.config.json, or fix the host and port dbsafe reads (see \`dbsafe check\`).`,
      ExitCode.failure,
    ),
  identityUnproved: (engine: string, where: string, candidate: ContainerCandidate, detail: string) =>
    new DbsafeError(
      'container-identity',
      `dbsafe cannot prove that the container ${describeCandidate(candidate)} serves ${where}: ${engine}'s client inside it failed (${lastLines(detail)}). dbsafe refuses to use a container it cannot prove. Check that the server in the container listens on its default socket and that the user may connect there, or name the right container with "container" in dbsafe.config.json.`,
      ExitCode.failure,
    ),
  /** The short form `check` and `doctor` show. */
  named: (candidate: ContainerCandidate) => describeCandidate(candidate),
  namedSeveral: (candidates: readonly ContainerCandidate[]) =>
    `one of ${candidates.map(describeCandidate).join(', ')}: backups will ask which (set "container" in dbsafe.config.json)`,
};
