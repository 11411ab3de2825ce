#!/bin/sh
# dbsafe PATH shim for @DBSAFE_COMMAND@, written by `dbsafe install --shims`
# (`dbsafe uninstall` removes it). For callers that read no shell rc file:
# scripts, IDE runners, `bash -c`, AI agents. A call that may touch a
# database inside a project that uses dbsafe goes through
# `dbsafe run -- @DBSAFE_COMMAND@ ...`; every other call execs the real
# program at once. Bypass: DBSAFE=0 (ignored when an AI agent is detected).

dbsafe_name=@DBSAFE_COMMAND@
dbsafe_self=@DBSAFE_SELF@

# The real program is the first one further down PATH that is not this shim,
# whichever way the shim directory is spelt (twice, or through a symlink).
dbsafe_real=
dbsafe_path=
dbsafe_saved_ifs=$IFS
IFS=:
set -f
for dbsafe_dir in $PATH; do
  if [ -n "$dbsafe_dir" ] && [ "$dbsafe_dir/$dbsafe_name" -ef "$dbsafe_self" ]; then continue; fi
  dbsafe_path=${dbsafe_path:+$dbsafe_path:}$dbsafe_dir
  if [ -z "$dbsafe_real" ] && [ -f "${dbsafe_dir:-.}/$dbsafe_name" ] && [ -x "${dbsafe_dir:-.}/$dbsafe_name" ]; then
    dbsafe_real=${dbsafe_dir:-.}/$dbsafe_name
  fi
done
set +f
IFS=$dbsafe_saved_ifs

if [ -z "$dbsafe_real" ]; then
  echo "dbsafe shim: no '$dbsafe_name' found on PATH besides this shim ($dbsafe_self). Install $dbsafe_name, or remove the shims with: dbsafe uninstall --shims" >&2
  exit 127
fi

dbsafe_candidate() {
  IFS=' '
  case $dbsafe_name in
@DBSAFE_CANDIDATE_CASES@
  esac
  return 1
}

dbsafe_agent_detected() {
  for dbsafe_variable in @DBSAFE_AGENT_VARIABLES@; do
    eval "[ -n \"\${$dbsafe_variable-}\" ]" && return 0
  done
  for dbsafe_prefix in @DBSAFE_AGENT_PREFIXES@; do
    env | grep -q "^$dbsafe_prefix" && return 0
  done
  return 1
}

dbsafe_find_project() {
  dbsafe_dir=$PWD
  while :; do
    if [ -f "$dbsafe_dir/dbsafe.config.json" ]; then dbsafe_project=${dbsafe_dir:-/}; return 0; fi
    if [ -f "$dbsafe_dir/package.json" ] && grep -q '"dbsafe"' "$dbsafe_dir/package.json"; then
      dbsafe_project=${dbsafe_dir:-/}
      return 0
    fi
    [ -n "$dbsafe_dir" ] || return 1
    dbsafe_dir=${dbsafe_dir%/*}
  done
}

if dbsafe_candidate "$@" && { [ "${DBSAFE-}" != 0 ] || dbsafe_agent_detected; } && dbsafe_find_project; then
  dbsafe_bin=$dbsafe_project/node_modules/.bin/dbsafe
  if [ ! -x "$dbsafe_bin" ]; then
    dbsafe_bin=$(PATH=$dbsafe_path command -v dbsafe) || dbsafe_bin=
  fi
  if [ -z "$dbsafe_bin" ]; then
    echo "dbsafe shim: this project uses dbsafe, but the dbsafe command is not installed, so '$dbsafe_name' was not run. Install it (npm install --save-dev <path to a dbsafe-x.y.z.tgz or a dbsafe clone>; see Install in dbsafe's README), or bypass the guard once with: DBSAFE=0 $dbsafe_name ..." >&2
    exit 127
  fi
  PATH=$dbsafe_path
  export PATH
  exec "$dbsafe_bin" run -- "$dbsafe_name" "$@"
fi
exec "$dbsafe_real" "$@"
