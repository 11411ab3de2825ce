import { sql } from './db.js';

console.log(`${sql('SELECT count(*) FROM customers;')} customers: ${sql("SELECT group_concat(name, ', ') FROM customers;")}`);
