# Faasbox's lease: `sh lease.sh COMMAND [ARG...]` runs a function's runtime for only as
# long as the emulator that started it lives, whatever way the emulator goes (even SIGKILL).
#
# Standard input is the lease. In a container it is the container's stdin, held open by the
# emulator's attach connection; for a local process it is a pipe whose other end only the
# emulator holds. The emulator never writes to it nor closes it while it wants the runtime:
# end of file means the emulator is gone, and a watchdog kills the runtime. The engine needs
# no network path to the emulator, no PID of it and no clock for this.
#
# Plain POSIX sh, no other tool: it runs in any image that has /bin/sh, and on the host.

if ! command -v "$1" >/dev/null 2>&1; then
  echo "cannot start $1: not found" >&2
  exit 127
fi

# The lease moves to fd 3, for the watchdog alone; the runtime gets /dev/null, as before.
exec 3<&0 </dev/null

if [ "$$" -ne 1 ]; then
  # A local process (the emulator made us a process group leader) or a container whose
  # image's entrypoint stays PID 1: the runtime takes this shell's place, so the emulator
  # sees its exit status and signal as they are. On end of file the watchdog kills the
  # runtime's whole process group (the runtime may have started processes of its own). It
  # also runs when the runtime exits by itself, as the emulator then closes the lease, and
  # removes what the runtime left.
  runtime=$$
  (
    while read -r _; do :; done
    kill -s KILL -- "-$runtime" 2>/dev/null || kill -s KILL "$runtime" 2>/dev/null
  ) <&3 >/dev/null 2>&1 &
  exec "$@" 3<&-
fi

# PID 1 of a container. The runtime must not be PID 1: the kernel gives PID 1 no signal it
# has not asked for, so the watchdog could not kill it. This shell stays PID 1, runs the
# runtime as its child and exits with its status (128+N when a signal N killed it: 137 for
# the out-of-memory killer, as the engine reports for any PID 1). When this shell exits,
# the kernel kills whatever else runs in the container.
# dash reports a job killed by a signal ("Killed") on its own standard error: that is not
# the function's output, so the shell's own messages go nowhere and the runtime keeps fd 4.
exec 4>&2 2>/dev/null
child=
trap 'kill -s TERM "$child"' TERM # docker stop
"$@" 2>&4 3<&- 4>&- &
child=$!
(
  while read -r _; do :; done
  kill -s KILL "$child"
) <&3 >/dev/null &
watchdog=$!
exec 3<&- 4>&-
while :; do
  wait "$child"
  status=$?
  # A trapped signal also ends `wait`: wait again while the runtime lives.
  kill -s 0 "$child" || break
done
kill -s KILL "$watchdog"
exit "$status"
