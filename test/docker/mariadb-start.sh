#!/bin/sh
# Entry of the MariaDB 11 test container (see build-images.sh): a fresh data
# directory, served on ${LISTEN_ADDRESS:-127.0.0.1}:$SERVE_PORT and on the container's own
# socket, with a user "app" (password $MARIADB_PASSWORD) that may do anything.
set -e
install -d -o mysql /run/mysqld /data
mariadb-install-db --user=mysql --datadir=/data/db --skip-test-db >/dev/null
cat > /tmp/init.sql <<SQL
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY '$MARIADB_PASSWORD';
CREATE USER IF NOT EXISTS 'app'@'localhost' IDENTIFIED BY '$MARIADB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'app'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'app'@'localhost' WITH GRANT OPTION;
SQL
chown mysql /tmp/init.sql
exec mariadbd --user=mysql --datadir=/data/db --port="$SERVE_PORT" --bind-address="${LISTEN_ADDRESS:-127.0.0.1}" --socket=/run/mysqld/mysqld.sock --init-file=/tmp/init.sql --skip-log-bin
