import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/** One process above dbsafe: what it calls itself, the file it runs, and its arguments. */
export interface AncestorProcess {
  pid: number;
  /** The kernel's short name (/proc/PID/comm, `ps -o comm=`): the executable or script name, or a title the program set. */
  name: string;
  /** The executable's path (/proc/PID/exe), when readable. */
  exe: string | null;
  /** The command line (/proc/PID/cmdline, `ps -o args=`); for `node /path/to/claude` the script is argv[1]. */
  argv: string[];
}

/** Deeper chains than this are a loop or something stranger: stop reading. */
const MAX_DEPTH = 64;

function readProc(pid: number): { process: AncestorProcess; ppid: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The name in parentheses may itself contain spaces and ")": the fields after the last ")" are fixed.
  const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  let exe: string | null = null;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // Another user's process, or a kernel thread: the name and arguments still tell.
  }
  let argv: string[] = [];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((word) => word !== '');
  } catch {
    // As above.
  }
  return { process: { pid, name, exe, argv }, ppid };
}

function fromProc(start: number): AncestorProcess[] | null {
  const chain: AncestorProcess[] = [];
  let pid = start;
  for (let depth = 0; pid > 0 && depth < MAX_DEPTH; depth++) {
    const entry = readProc(pid);
    if (!entry) return depth === 0 ? null : chain;
    chain.push(entry.process);
    if (pid === 1) break;
    pid = entry.ppid;
  }
  return chain;
}

/** Where there is no /proc (macOS, the BSDs): `ps -A` for the whole table (names, then arguments), then walk it. */
export function ancestryFromPs(start: number): AncestorProcess[] {
  const table = (columns: string): Map<number, { ppid: number; rest: string }> => {
    const rows = new Map<number, { ppid: number; rest: string }>();
    const text = execFileSync('ps', ['-A', '-o', `pid=,ppid=,${columns}=`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 });
    for (const line of text.split('\n')) {
      const match = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(line);
      if (match) rows.set(Number(match[1]), { ppid: Number(match[2]), rest: match[3]!.trim() });
    }
    return rows;
  };
  let names: Map<number, { ppid: number; rest: string }>;
  let args: Map<number, { ppid: number; rest: string }>;
  try {
    names = table('comm');
    args = table('args');
  } catch {
    return [];
  }
  const chain: AncestorProcess[] = [];
  let pid = start;
  for (let depth = 0; pid > 0 && depth < MAX_DEPTH; depth++) {
    const row = names.get(pid);
    if (!row) break;
    chain.push({ pid, name: row.rest.split('/').pop() ?? row.rest, exe: row.rest.startsWith('/') ? row.rest : null, argv: (args.get(pid)?.rest ?? '').split(/\s+/).filter(Boolean) });
    if (pid === 1) break;
    pid = row.ppid;
  }
  return chain;
}

/**
 * The processes above this one, parent first, up to init. Read only where a
 * decision needs it (allow, mark, DBSAFE=0, a consent): a few small /proc
 * reads on Linux, `ps -A` elsewhere.
 */
export function readAncestry(start = process.ppid): AncestorProcess[] {
  return fromProc(start) ?? ancestryFromPs(start);
}
