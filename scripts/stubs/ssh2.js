// docker-modem loads ssh2 for DOCKER_HOST=ssh://… engines. Its native parts cannot be
// bundled, and a .vsix has no node_modules: the bundle gets this stand-in, which says so
// only if an ssh engine is actually used.
"use strict";
class Client {
  constructor() {
    throw new Error("DOCKER_HOST=ssh://… is not supported by the bundled Faasbox; use a unix socket or tcp:// engine (for example an SSH tunnel to the remote socket)");
  }
}
module.exports = { Client };
