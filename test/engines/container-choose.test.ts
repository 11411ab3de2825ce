import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseContainer } from '../../src/engines/container/choose.js';
import { composeFileName, composeProject } from '../../src/engines/container/compose.js';
import { inContainer } from '../../src/engines/container/exec.js';
import { parseInspect, type ContainerFacts } from '../../src/engines/container/inventory.js';
import { CONTAINER_PROFILES } from '../../src/engines/container/profiles.js';
import { containerRun, hostToolsProblem } from '../../src/engines/mysql/container.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import type { Target } from '../../src/target/types.js';
import { testDir } from '../helpers/cli.js';

function target(url: string): Target {
  return parseDatabaseUrl(url, { kind: 'env', name: 'DATABASE_URL' }, '/');
}

function container(overrides: Partial<ContainerFacts> & { name: string }): ContainerFacts {
  return { id: `${overrides.name}0123456789abcdef`, image: 'postgres:17', labels: {}, networkMode: 'bridge', ports: [], ...overrides };
}

const ROOT = '/home/dev/shop';
const pg = CONTAINER_PROFILES.postgres!;
const compose = { name: 'shop', files: [`${ROOT}/compose.yaml`] };
const ofShop = (service: string) => ({ 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service, 'com.docker.compose.project.working_dir': ROOT });

describe('which container serves the database', () => {
  const url = 'postgres://app:pw@127.0.0.1:5433/shop';
  const db = container({ name: 'shop-db-1', labels: ofShop('db'), ports: [{ containerPort: 5432, hostIp: '127.0.0.1', hostPort: 5433 }] });

  it('the container publishing the target port, with the port inside it', () => {
    const choice = chooseContainer({ containers: [db, container({ name: 'other', ports: [{ containerPort: 5432, hostIp: '', hostPort: 5444 }] })], target: target(url), profile: pg, compose, projectRoot: ROOT });
    expect(choice).toMatchObject({ kind: 'one', candidate: { container: { name: 'shop-db-1' }, internalPort: 5432, ofProject: true } });
  });

  it('a container on the host network may serve any port: two of them make dbsafe ask', () => {
    const a = container({ name: 'a', networkMode: 'host', labels: ofShop('db') });
    const b = container({ name: 'b', networkMode: 'host', labels: ofShop('replica') });
    const choice = chooseContainer({ containers: [a, b], target: target(url), profile: pg, compose, projectRoot: ROOT });
    expect(choice.kind).toBe('several');
  });

  it('the project\'s own container wins over another project\'s on the host network', () => {
    const mine = container({ name: 'mine', networkMode: 'host', labels: ofShop('db') });
    const theirs = container({ name: 'theirs', networkMode: 'host', labels: { 'com.docker.compose.project': 'blog' } });
    expect(chooseContainer({ containers: [theirs, mine], target: target(url), profile: pg, compose, projectRoot: ROOT })).toMatchObject({ kind: 'one', candidate: { container: { name: 'mine' } } });
  });

  it('on the host network only the project\'s own containers count: another project\'s could claim any port', () => {
    const theirs = container({ name: 'theirs', networkMode: 'host', labels: { 'com.docker.compose.project': 'blog' } });
    expect(chooseContainer({ containers: [theirs], target: target(url), profile: pg, compose, projectRoot: ROOT }).kind).toBe('none');
    expect(chooseContainer({ containers: [theirs], target: target(url), profile: pg, compose, projectRoot: ROOT, named: 'theirs' })).toMatchObject({ kind: 'one', candidate: { internalPort: 5433 } });
  });

  it('a container of another engine, or not reaching the port, is not a candidate', () => {
    const redis = container({ name: 'cache', image: 'redis:7', networkMode: 'host' });
    const unpublished = container({ name: 'pg-internal' });
    expect(chooseContainer({ containers: [redis, unpublished], target: target(url), profile: pg, compose, projectRoot: ROOT }).kind).toBe('none');
  });

  it('a remote database is never served by a local container', () => {
    const host = container({ name: 'db', networkMode: 'host' });
    expect(chooseContainer({ containers: [host], target: target('postgres://app@db.example.com:5433/shop'), profile: pg, compose, projectRoot: ROOT }).kind).toBe('none');
  });

  it('"container" in the config picks by name, Compose service or id, and says when it is not running', () => {
    const a = container({ name: 'a', networkMode: 'host', labels: ofShop('db') });
    const b = container({ name: 'b', networkMode: 'host', labels: ofShop('replica') });
    const pick = (named: string) => chooseContainer({ containers: [a, b], target: target(url), profile: pg, compose, projectRoot: ROOT, named });
    expect(pick('b')).toMatchObject({ kind: 'one', candidate: { container: { name: 'b' } } });
    expect(pick('replica')).toMatchObject({ kind: 'one', candidate: { container: { name: 'b' } } });
    expect(pick(b.id.slice(0, 12))).toMatchObject({ kind: 'one', candidate: { container: { name: 'b' } } });
    expect(pick('gone')).toEqual({ kind: 'named-missing', name: 'gone', running: ['a', 'b'] });
  });
});

describe('docker inspect and the Compose project', () => {
  it('reads name, image, labels, network and published ports', () => {
    const json = JSON.stringify([
      {
        Id: 'abc',
        Name: '/shop-db-1',
        Config: { Image: 'postgres:17', Labels: { 'com.docker.compose.service': 'db' } },
        HostConfig: { NetworkMode: 'shop_default' },
        NetworkSettings: { Ports: { '5432/tcp': [{ HostIp: '0.0.0.0', HostPort: '5433' }, { HostIp: '::', HostPort: '5433' }], '8080/tcp': null } },
      },
    ]);
    expect(parseInspect(json)).toEqual([
      {
        id: 'abc',
        name: 'shop-db-1',
        image: 'postgres:17',
        labels: { 'com.docker.compose.service': 'db' },
        networkMode: 'shop_default',
        ports: [
          { containerPort: 5432, hostIp: '0.0.0.0', hostPort: 5433 },
          { containerPort: 5432, hostIp: '::', hostPort: 5433 },
        ],
      },
    ]);
  });

  it('the project name: COMPOSE_PROJECT_NAME, else the file\'s name:, else the directory, as Compose normalises it', () => {
    const dir = path.join(testDir(), 'My.Shop App');
    mkdirSync(dir);
    expect(composeProject(dir, {})).toBeNull();
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  db:\n    image: postgres:17\n');
    expect(composeProject(dir, {})?.name).toBe('myshopapp');
    expect(composeProject(dir, { COMPOSE_PROJECT_NAME: 'Custom' })?.name).toBe('custom');
    writeFileSync(path.join(dir, 'compose.yaml'), 'name: "storefront" # ours\nservices: {}\n');
    expect(composeProject(dir, {})?.name).toBe('storefront');
    expect(composeFileName('services:\n  db:\n    name: nested\n')).toBeNull();
  });
});

describe('running a tool inside the container', () => {
  const exec = { cli: '/usr/bin/docker', container: container({ name: 'db' }), internalPort: 5432 };

  it('values of the environment travel in the CLI\'s environment, named by -e, never on the command line', () => {
    const run = inContainer(exec, 'pg_dump', { args: ['--format=custom'], env: { PGPASSWORD: 's3cret', PGUSER: 'app', PGHOST: undefined } });
    expect(run.program).toBe('/usr/bin/docker');
    expect(run.args).toEqual(['exec', '-i', '-e', 'PGPASSWORD', '-e', 'PGUSER', '-e', 'DBSAFE_EXEC', exec.container.id, 'pg_dump', '--format=custom']);
    expect(run.env).toEqual({ PGPASSWORD: 's3cret', PGUSER: 'app', DBSAFE_EXEC: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(run.args.join(' ')).not.toContain('s3cret');
  });

  it('MySQL: the host\'s option file gives way to the user, the password to MYSQL_PWD', () => {
    const t = target('mysql://app:s3cret@127.0.0.1:3307/shop');
    const dump = { name: 'mariadb-dump', path: 'mariadb-dump', flavour: 'mariadb' as const, version: '11.8.3', major: 11, minor: 8 };
    const run = containerRun(exec, t, '/tmp/x/client.cnf', dump, ['--defaults-extra-file=/tmp/x/client.cnf', '--single-transaction', 'shop'], {});
    expect(run.args).toEqual(['exec', '-i', '-e', 'MYSQL_PWD', '-e', 'DBSAFE_EXEC', exec.container.id, 'mariadb-dump', '--user=app', '--single-transaction', 'shop']);
    expect(run.env).toMatchObject({ MYSQL_PWD: 's3cret' });
  });

  it('MySQL: host tools of another flavour or an older release do not serve the server', () => {
    const server = { flavour: 'mariadb' as const, version: '11.8.3', major: 11, minor: 8 };
    const program = (name: string, flavour: 'mariadb' | 'mysql', version: string) => ({ name, path: `/usr/bin/${name}`, flavour, version, major: Number(version.split('.')[0]), minor: Number(version.split('.')[1]) });
    expect(hostToolsProblem(server, program('mariadb-dump', 'mariadb', '11.8.3'), program('mariadb', 'mariadb', '11.8.3'))).toBeNull();
    expect(hostToolsProblem(server, program('mariadb-dump', 'mariadb', '10.11.9'), program('mariadb', 'mariadb', '10.11.9'))).toMatch(/mariadb-dump 10\.11\.9 \(MariaDB\) does not match the server, MariaDB 11\.8\.3/);
    expect(hostToolsProblem(server, program('mysqldump', 'mysql', '8.0.36'), program('mysql', 'mysql', '8.0.36'))).toMatch(/mysqldump 8\.0\.36 \(MySQL\) does not match/);
    expect(hostToolsProblem(server, null, null)).toMatch(/was not found on PATH/);
  });
});
