#!/bin/sh
# Entry of the PostgreSQL 17 test container (the image is a bare Debian root,
# see build-images.sh): a fresh cluster, served on ${LISTEN_ADDRESS:-127.0.0.1}:$SERVE_PORT and
# on the container's own socket; local socket trust, TCP by password.
set -e
install -d -o postgres /var/run/postgresql /data
printf '%s' "$POSTGRES_PASSWORD" > /tmp/pw
chown postgres /tmp/pw
su postgres -c "/usr/lib/postgresql/17/bin/initdb -D /data/pg -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile=/tmp/pw >/dev/null"
rm -f /tmp/pw
exec su postgres -c "exec /usr/lib/postgresql/17/bin/postgres -D /data/pg -p $SERVE_PORT -c listen_addresses=${LISTEN_ADDRESS:-127.0.0.1}"
