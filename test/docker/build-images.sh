#!/usr/bin/env bash
# Build the images the Docker tests run, offline from the configured Debian
# mirror (no registry needed): PostgreSQL 17 and MariaDB 11 from Debian trixie.
# An image already present is reused. Usage: test/docker/build-images.sh
set -euo pipefail

SUITE="${DBSAFE_TEST_IMAGE_SUITE:-trixie}"
# The first Debian archive the machine's apt sources name (not the security one).
mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v -- '-security' | head -n1 | tr -d ' ' || true)"
mirror="${DBSAFE_TEST_DEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian}}"

build() {
  local image="$1" packages="$2"
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "docker images: $image present, reused"
    return
  fi
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  echo "docker images: building $image ($packages from $SUITE at $mirror)"
  mmdebstrap --quiet --variant=apt --include="$packages" --format=tar "$SUITE" "$work/root.tar" "deb $mirror $SUITE main"
  docker import "$work/root.tar" "$image" >/dev/null
}

build dbsafe-test/postgres:17 postgresql-17
build dbsafe-test/mariadb:11 mariadb-server,mariadb-client
