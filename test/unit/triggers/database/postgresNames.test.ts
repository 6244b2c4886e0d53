// The names Faasbox gives its slots and publications, LSNs, and how URLs and errors are masked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatLsn, normalizeLsn, parseLsn } from "../../../../emulator/triggers/database/lsn";
import { isoMicros } from "../../../../emulator/triggers/database/pgDecode";
import { maskPassword } from "../../../../emulator/triggers/database/connectionErrors";
import { describePgError } from "../../../../emulator/triggers/database/pgErrors";
import { projectPrefix, publicationName, slotName, splitTable } from "../../../../emulator/triggers/database/pgNames";

test("slot names: the project's prefix, [a-z0-9_] only, at most 63 characters, distinct for distinct consumers", () => {
  const root = "/home/me/shop";
  assert.match(projectPrefix(root), /^faasbox_[0-9a-f]{8}_$/);
  assert.equal(slotName(root, "audit", "shop"), `${projectPrefix(root)}audit_shop`);
  const odd = slotName(root, "Order-Audit", "Changes");
  assert.match(odd, /^faasbox_[0-9a-f]{8}_order_audit_changes_[0-9a-f]{6}$/);
  assert.notEqual(slotName(root, "order-audit", "x"), slotName(root, "order_audit", "x"));
  const long = slotName(root, "a".repeat(80), "b".repeat(80));
  assert.ok(long.length <= 63, long);
  assert.notEqual(long, slotName(root, "a".repeat(80), `${"b".repeat(79)}c`));
  assert.notEqual(projectPrefix(root), projectPrefix("/home/me/other"));
  assert.equal(publicationName(root, "shop"), `${projectPrefix(root)}shop`);
});

test("tables: schema public unless given", () => {
  assert.deepEqual(splitTable("orders"), { schema: "public", table: "orders" });
  assert.deepEqual(splitTable("billing.invoices"), { schema: "billing", table: "invoices" });
});

test("LSNs order as 64-bit positions and print as PostgreSQL prints them", () => {
  assert.ok(parseLsn("1/0") > parseLsn("0/FFFFFFFF"));
  assert.equal(formatLsn(parseLsn("16/B374D848")), "16/B374D848");
  assert.equal(normalizeLsn("00000000/0163A2B8"), "0/163A2B8");
});

test("commit times keep PostgreSQL's microseconds", () => {
  assert.equal(isoMicros(1_767_323_045_123_456n), "2026-01-02T03:04:05.123456Z");
});

test("the password is masked in every message, also URL-encoded and in a URL that does not parse", () => {
  const url = "postgres://app:s3cr%40t@db.local:5432/shop";
  assert.equal(maskPassword(`connect ${url} failed for s3cr@t`, url), "connect postgres://app:***@db.local:5432/shop failed for ***");
  assert.doesNotMatch(maskPassword("postgres://app:hunter2@h:x/y", "postgres://app:hunter2@h:x/y"), /hunter2/);
  const refused = describePgError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), url);
  assert.equal(refused, "cannot reach PostgreSQL at db.local:5432/shop (ECONNREFUSED): is the server running and listening there?");
  const login = describePgError(Object.assign(new Error('password authentication failed for user "app" s3cr@t'), { code: "28P01" }), url);
  assert.match(login, /refused the login: .*\*\*\*/);
  assert.doesNotMatch(login, /s3cr/);
});
