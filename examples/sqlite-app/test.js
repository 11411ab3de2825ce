// A test suite in the style that loses data: it resets the tables it uses
// to fixtures, in whatever database DATABASE_URL points at.
import assert from 'node:assert/strict';
import { sql } from './db.js';

sql(`
  CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, plan TEXT NOT NULL);
  DELETE FROM customers;
  INSERT INTO customers (name, plan) VALUES ('Test User', 'free');
`);
assert.equal(sql("SELECT plan FROM customers WHERE name = 'Test User';"), 'free');
console.log('1 test passed (and the customers table now holds only the fixture)');
