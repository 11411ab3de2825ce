/**
 * Domains under which unrelated parties get names, in the Public Suffix
 * List's notation: `co.uk` is one; `*.rds.amazonaws.com` means every single
 * label there is one (`us-east-1.rds.amazonaws.com`). Any single label not
 * below (`com`, `io`, `internal`) is one too, as in the list's default rule.
 * A small table of the multi-label suffixes people use and of the managed
 * database platforms dbsafe knows (rules.ts CLOUD_ENDPOINTS), not the whole
 * list: it decides which `allowedHosts` wildcards are too wide.
 */
export const PUBLIC_SUFFIXES: readonly string[] = [
  // Country second levels.
  'co.uk', 'org.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'net.uk', 'ac.uk', 'gov.uk', 'nhs.uk', 'sch.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au', 'id.au', 'asn.au',
  'co.nz', 'net.nz', 'org.nz', 'govt.nz', 'ac.nz',
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'go.jp', 'gr.jp',
  'co.kr', 'or.kr', 'ne.kr', 'go.kr',
  'com.cn', 'net.cn', 'org.cn', 'gov.cn', 'com.hk', 'com.tw', 'com.sg', 'com.my', 'co.id', 'com.ph', 'com.vn', 'co.th', 'in.th',
  'co.in', 'net.in', 'org.in', 'firm.in', 'gen.in', 'ind.in',
  'com.br', 'net.br', 'org.br', 'gov.br', 'com.ar', 'com.mx', 'com.co', 'com.pe', 'cl.cl', 'com.uy',
  'co.za', 'org.za', 'web.za', 'com.ng', 'co.ke', 'com.eg',
  'co.il', 'org.il', 'com.tr', 'com.sa', 'com.pk',
  'co.at', 'or.at', 'gv.at', 'com.pl', 'net.pl', 'org.pl', 'com.es', 'com.pt', 'com.gr', 'com.ua', 'com.ru', 'co.it',
  'gc.ca', 'qc.ca', 'on.ca', 'bc.ca',
  // Managed databases and hosting platforms: every customer's server is named under these.
  'amazonaws.com', '*.amazonaws.com', '*.rds.amazonaws.com', '*.redshift.amazonaws.com', '*.redshift-serverless.amazonaws.com',
  '*.docdb.amazonaws.com', '*.compute.amazonaws.com', 'compute-1.amazonaws.com', '*.elb.amazonaws.com', '*.cache.amazonaws.com',
  'amazonaws.com.cn', '*.amazonaws.com.cn', '*.rds.amazonaws.com.cn',
  'azure.com', 'database.azure.com', 'postgres.database.azure.com', 'mysql.database.azure.com', 'mariadb.database.azure.com',
  'documents.azure.com', 'cosmos.azure.com', 'mongo.cosmos.azure.com', '*.cloudapp.azure.com', 'windows.net', 'database.windows.net',
  'sql.goog', 'googleapis.com', 'appspot.com', 'run.app', 'cloudfunctions.net',
  'neon.tech', '*.neon.tech', '*.aws.neon.tech', '*.azure.neon.tech',
  'vercel-storage.com', '*.vercel-storage.com', 'vercel.app',
  'supabase.co', 'supabase.com', 'supabase.net', 'pooler.supabase.com',
  'psdb.cloud', '*.psdb.cloud', '*.connect.psdb.cloud',
  'render.com', '*.render.com', 'onrender.com',
  'railway.app', 'up.railway.app', 'rlwy.net', 'proxy.rlwy.net',
  'ondigitalocean.com', 'db.ondigitalocean.com', '*.db.ondigitalocean.com', 'ondigitalocean.app',
  'mongodb.net', 'mongodb.com',
  'aivencloud.com', 'cockroachlabs.cloud', '*.cockroachlabs.cloud',
  'timescale.com', 'cloud.timescale.com', 'tsdb.cloud.timescale.com',
  'aliyuncs.com', '*.aliyuncs.com', '*.rds.aliyuncs.com',
  'fly.dev', 'fly.io', 'flycast', 'herokuapp.com', 'heroku.com',
  'elephantsql.com', 'db.elephantsql.com', 'upstash.io', 'turso.io', 'xata.sh', 'tidbcloud.com', '*.tidbcloud.com',
];

/** Single labels that are not public: names under them are this machine's by definition (RFC 6761). */
export const LOCAL_ONLY_SUFFIXES: readonly string[] = ['localhost'];
