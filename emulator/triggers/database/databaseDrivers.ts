/**
 * What reading a database's changes needs of PostgreSQL's and MySQL's clients: the two change
 * sources, MySQL's binlog queries and PostgreSQL's client. Loaded with the first database trigger
 * or `faasbox doctor`'s database checks, never by an emulator without one; the build makes it a
 * bundle of its own, dist/cli-database.js (1.7 of cli-engine.js's 3.6 MB, whose source an idle
 * emulator holds in memory otherwise; scripts/build.mjs).
 *
 * Modules this bundle shares with the engine exist twice once built (one copy in each bundle): what
 * crosses between them is data and duck-typed errors, never a class to test with `instanceof`.
 */
export { Client as PgClient } from "pg";
export { PgSource } from "./pgSource";
export { MysqlSource } from "./mysqlSource";
export { binlogLag, checkBinlogReady, withMysql } from "./mysqlBinlog";
