'use strict';
// For `npm run bench -- --profile`: with FAASBOX_CPU_PROFILE=<file> the shim profiles its own CPU
// (node:inspector, as --cpu-prof does) over its first FAASBOX_CPU_PROFILE_INVOCATIONS invocations
// (default 2000) and writes the profile to <file>.<pid>.cpuprofile. --cpu-prof itself writes only at
// a normal exit, and an instance ends by SIGKILL when its lease ends. Without the variable: nothing.

const fs = require('node:fs');

function cpuProfiler(env) {
  const file = env.FAASBOX_CPU_PROFILE;
  if (!file) return { invocationDone() {} };
  const limit = Number(env.FAASBOX_CPU_PROFILE_INVOCATIONS) || 2000;
  const session = new (require('node:inspector').Session)();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  const started = post('Profiler.enable').then(() => post('Profiler.start'));
  let count = 0;
  return {
    invocationDone() {
      if (++count !== limit) return;
      started
        .then(() => post('Profiler.stop'))
        .then(({ profile }) => fs.writeFileSync(`${file}.${process.pid}.cpuprofile`, JSON.stringify(profile)))
        .catch((error) => fs.writeSync(2, `faasbox: the CPU profile could not be written: ${error}\n`))
        .finally(() => session.disconnect());
    },
  };
}

module.exports = { cpuProfiler };
