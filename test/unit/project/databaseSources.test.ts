// faasbox.yml `databases:` and the `database` event: what loads, the URL's ${env:X} from the shell
// and .env files, and errors at file:line:field that never show the password.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { maskSecrets, maskUrl, parseDatabaseUrl } from "../../../emulator/project/databaseUrl";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

const SECRET = "s3cr3t-pw";

function loadYml(yml: string, files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const root = writeProject({ "faasbox.yml": yml, "src/index.js": NODE_HANDLER, ...files });
  return { root, file: join(root, "faasbox.yml"), ...load(root, env) };
}

const FUNCTION = `functions:
  audit:
    runtime: nodejs20.x
    handler: index.handler
    codeUri: src
`;

test("a source with every setting loads: URL from the shell, schema-qualified tables, operations, columns, stream and topic", () => {
  const { project, problems, file } = loadYml(`databases:
  shop:
    url: \${env:SHOP_DATABASE_URL}
    tables: [orders, billing.invoices]
    operations: [update, insert]
    columns: [status, total]
    kinesis: shop-changes
    ckafka: shop-topic
${FUNCTION}    events:
      - database: {name: shop, batchSize: 50, batchWindow: 1.5, retries: 4}
`, {}, { SHOP_DATABASE_URL: `postgres://app:${SECRET}@127.0.0.1:5433/shop` });
  assert.deepEqual(problems, []);
  const [source] = project.databases ?? [];
  assert.equal(source.name, "shop");
  assert.deepEqual(
    { ...source.url },
    { kind: "postgresql", url: `postgres://app:${SECRET}@127.0.0.1:5433/shop`, masked: "postgres://app:***@127.0.0.1:5433/shop", user: "app", host: "127.0.0.1", port: 5433, database: "shop", password: SECRET },
  );
  assert.deepEqual(source.tables, [{ schema: "public", table: "orders" }, { schema: "billing", table: "invoices" }]);
  // In PostgreSQL's order, whatever the order written.
  assert.deepEqual(source.operations, ["insert", "update"]);
  assert.deepEqual(source.columns, ["status", "total"]);
  assert.deepEqual([source.kinesis, source.ckafka], ["shop-changes", "shop-topic"]);
  assert.deepEqual([source.at, source.urlAt], [{ file, line: 2, field: "databases.shop" }, { file, line: 3, field: "databases.shop.url" }]);
  assert.deepEqual(project.functions[0].triggers, [{ kind: "database", name: "shop", source: "shop", batchSize: 50, batchWindowSec: 1.5, retries: 4 }]);
});

test("defaults: all three operations, every column, batch size 100; the URL may come from .env or an envFiles file", () => {
  const yml = `envFiles: [local.env]
databases:
  a: {url: "\${env:A_URL}", tables: orders}
  b: {url: "postgresql://u@db.local/b?sslmode=disable", tables: [t]}
${FUNCTION}    events:
      - database: {name: a}
`;
  const { project, problems } = loadYml(yml, { ".env": "A_URL=postgres://fromdotenv@127.0.0.1/a\n", "local.env": "A_URL=postgres://fromenvfile@127.0.0.1/a\n" });
  assert.deepEqual(problems, []);
  const [a, b] = project.databases ?? [];
  // faasbox.yml's envFiles win over the project's .env, as for functions; the shell wins over both.
  assert.equal(a.url.user, "fromenvfile");
  assert.deepEqual(a.operations, ["insert", "update", "delete"]);
  assert.equal(a.columns, undefined);
  assert.deepEqual([b.url.port, b.url.database, b.url.password], [5432, "b", undefined]);
  assert.deepEqual(project.functions[0].triggers, [{ kind: "database", name: "a", source: "a", batchSize: 100 }]);
  const shell = loadYml(yml, { "local.env": "A_URL=postgres://fromenvfile@127.0.0.1/a\n" }, { A_URL: "postgres://fromshell@127.0.0.1/a" });
  assert.equal(shell.project.databases?.[0].url.user, "fromshell");
});

test("bad sources are errors at their line naming what is expected; the password is in none of them; good sources still load", () => {
  const { project, problems, file } = loadYml(`databases:
  badscheme:
    url: redis://root:${SECRET}@127.0.0.1/shop
    tables: [orders]
  nodb:
    url: postgres://root:${SECRET}@127.0.0.1
    tables: [orders]
  unset:
    url: \${env:NOT_SET_ANYWHERE}
    tables: [orders]
  notables:
    url: postgres://u:${SECRET}@h/db
  badtable:
    url: postgres://u:${SECRET}@h/db
    tables: [orders, "a.b.c"]
  badop:
    url: postgres://u:${SECRET}@h/db
    tables: [orders]
    operations: [insert, truncate]
  columnsnoupdate:
    url: postgres://u:${SECRET}@h/db
    tables: [orders]
    operations: [insert]
    columns: [status]
  typo:
    url: postgres://u:${SECRET}@h/db
    tables: [orders]
    kinesys: s
  good:
    url: postgres://u:${SECRET}@h/db
    tables: [orders]
  urlonly: postgres://u:${SECRET}@h/db
  urltable:
    url: postgres://u:${SECRET}@h/db
    tables: ["postgres://u:${SECRET}@h/db"]
`);
  assert.deepEqual(project.databases?.map((s) => s.name), ["good"]);
  for (const problem of problems) assert.ok(!problem.message.includes(SECRET), `password shown in: ${problem.message}`);
  const at = problems.map((p) => [where(p).line, where(p).field]);
  assert.deepEqual(at, [
    [3, "databases.badscheme.url"],
    [6, "databases.nodb.url"],
    [9, "databases.unset.url"],
    [11, "databases.notables.tables"],
    [15, "databases.badtable.tables[1]"],
    [19, "databases.badop.operations[1]"],
    [24, "databases.columnsnoupdate.columns"],
    [28, "databases.typo.kinesys"],
    [32, "databases.urlonly"],
    [35, "databases.urltable.tables[0]"],
  ]);
  assert.ok(problems.every((p) => p.file === file));
  assert.match(problems[0].problem, /redis:\/\/root:\*\*\*@127\.0\.0\.1\/shop is a redis URL; expected a database URL/);
  assert.match(problems[1].problem, /names no database/);
  assert.match(problems[2].problem, /NOT_SET_ANYWHERE is not set; expected it in the shell's environment, the project's \.env or an envFiles file/);
  assert.match(problems[3].problem, /missing; expected a list of tables/);
  assert.match(problems[4].problem, /"a\.b\.c" is not a table name; expected table or schema\.table/);
  assert.match(problems[5].problem, /expected a list of insert, update, delete/);
  assert.match(problems[6].problem, /columns only narrow which updates fire/);
  assert.match(problems[7].problem, /unknown field; expected one of url, tables, operations, columns, kinesis, ckafka/);
  // A URL where a map or a table name was expected is quoted masked.
  assert.match(problems[8].problem, /^got "postgres:\/\/u:\*\*\*@h\/db"; expected a map with url and tables/);
  assert.match(problems[9].problem, /^"postgres:\/\/u:\*\*\*@h\/db" is not a table name/);
});

test("a database event naming no source, with a batch size out of Lambda's range, or reading a source twice is an error at its field", () => {
  const { problems, project } = loadYml(`databases:
  shop: {url: "postgres://u@h/db", tables: [orders]}
${FUNCTION}    events:
      - database: {name: shopp}
      - database: {name: shop, batchSize: 20000}
      - database: {name: shop, batchWindow: 301}
      - database: {name: shop, retries: -1}
      - database: {name: shop, batchWindow: 0}
      - database: {name: shop}
`);
  assert.deepEqual(problems.map((p) => [where(p).line, where(p).field]), [
    [9, "functions.audit.events[0].database.name"],
    [10, "functions.audit.events[1].database.batchSize"],
    [11, "functions.audit.events[2].database.batchWindow"],
    [12, "functions.audit.events[3].database.retries"],
    [14, "functions.audit.events[5].database.name"],
  ]);
  assert.match(problems[4].problem, /this function already reads "shop"; expected each database source once per function/);
  assert.match(problems[0].problem, /no source named "shopp" under databases: \(sources: shop\); expected one of them/);
  assert.deepEqual(project.functions[0].triggers, [{ kind: "database", name: "shop", source: "shop", batchSize: 100, batchWindowSec: 0 }]);
});

test("two sources feeding one stream or topic is an error at the second (its trigger would read two sources under one name)", () => {
  const { problems, project } = loadYml(`databases:
  a: {url: "postgres://u@h/a", tables: [t], kinesis: changes, ckafka: topic-a}
  b: {url: "postgres://u@h/b", tables: [t], kinesis: changes}
  c: {url: "postgres://u@h/c", tables: [t], ckafka: topic-a}
  d: {url: "postgres://u@h/d", tables: [t], kinesis: other, ckafka: topic-d}
`);
  assert.deepEqual(problems.map((p) => [where(p).line, where(p).field, p.problem]), [
    [3, "databases.b.kinesis", '"changes" is already fed by source "a"; expected each stream fed by one source (one source can list several tables)'],
    [4, "databases.c.ckafka", '"topic-a" is already fed by source "a"; expected each topic fed by one source (one source can list several tables)'],
  ]);
  assert.deepEqual(project.databases?.map((s) => s.name), ["a", "d"]);
});

test("an event on a source whose URL is broken is not reported a second time", () => {
  const { problems } = loadYml(`databases:
  shop: {url: "\${env:MISSING}", tables: [orders]}
${FUNCTION}    events:
      - database: {name: shop}
`);
  assert.deepEqual(problems.map((p) => where(p).field), ["databases.shop.url"]);
});

test("a password written in faasbox.yml is a warning (masked) that says to keep it in .env; one from a variable is not", () => {
  const { warnings, problems, file } = loadYml(`databases:
  shop: {url: "postgres://app:${SECRET}@127.0.0.1/shop", tables: [orders]}
  other: {url: "postgres://app:\${env:OTHER_PASSWORD}@127.0.0.1/other", tables: [orders]}
  nopw: {url: "postgres://app@127.0.0.1/nopw", tables: [orders]}
`, {}, { OTHER_PASSWORD: SECRET });
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings.map((w) => ({ ...where(w), problem: w.problem })), [
    {
      file, line: 2, field: "databases.shop.url",
      problem: "the password is written in faasbox.yml (postgres://app:***@127.0.0.1/shop), which is usually committed; keep the URL in .env (SHOP_DATABASE_URL=...) and write url: ${env:SHOP_DATABASE_URL}",
    },
  ]);
});

test("maskUrl hides the password however the URL is written, maskSecrets hides it in any text", () => {
  assert.equal(maskUrl(`postgres://app:${SECRET}@h:5432/db`), "postgres://app:***@h:5432/db");
  assert.equal(maskUrl(`postgres://app@h/db?sslmode=require&password=${SECRET}`), "postgres://app@h/db?sslmode=require&password=***");
  // Not a valid URL (a space in the host), still masked.
  assert.equal(maskUrl(`postgres://app:${SECRET}@bad host/db`), "postgres://app:***@bad host/db");
  assert.equal(maskUrl("postgres://app@h/db"), "postgres://app@h/db");
  assert.equal(maskUrl(`postgres//app:${SECRET}@h/db`), "postgres//app:***@h/db");
  assert.equal(maskUrl(`postgres://app:p@ss/w0rd@h/db`), "postgres://app:***@h/db");
  const url = parseDatabaseUrl(`postgres://app:${SECRET}@h/db`);
  assert.equal(
    maskSecrets(`connect to ${url.url} failed: password authentication failed (${SECRET})`, url),
    "connect to postgres://app:***@h/db failed: password authentication failed (***)",
  );
  assert.throws(() => parseDatabaseUrl(`postgres//app:${SECRET}@h/db`), (error: Error) => !error.message.includes(SECRET) && /is not a URL/.test(error.message));
});

test("a mysql:// or mariadb:// source: port 3306 unless given, tables in the URL's database unless qualified", () => {
  for (const scheme of ["mysql", "mariadb"]) {
    const { project, problems } = loadYml(`databases:
  shop:
    url: \${env:SHOP_DATABASE_URL}
    tables: [orders, billing.invoices]
${FUNCTION}    events:
      - database: {name: shop}
`, {}, { SHOP_DATABASE_URL: `${scheme}://app:${SECRET}@127.0.0.1/shop` });
    assert.deepEqual(problems, []);
    const [source] = project.databases ?? [];
    assert.deepEqual([source.url.kind, source.url.port, source.url.database, source.url.masked], ["mysql", 3306, "shop", `${scheme}://app:***@127.0.0.1/shop`]);
    assert.deepEqual(source.tables, [{ schema: "shop", table: "orders" }, { schema: "billing", table: "invoices" }]);
  }
});
