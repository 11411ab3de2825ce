// Development data someone spent an afternoon building by hand.
import { sql } from './db.js';

sql(`
  CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, plan TEXT NOT NULL);
  DELETE FROM customers;
  INSERT INTO customers (name, plan) VALUES ('Ada', 'pro'), ('Grace', 'team'), ('Linus', 'free');
`);
console.log(`seeded ${sql('SELECT count(*) FROM customers;')} customers`);
