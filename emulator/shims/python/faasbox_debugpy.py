"""Starting debugpy in a function's instance: shared by the shim (bootstrap.py) and by web
functions' start-up hook (webdebug/sitecustomize.py). Standard library and debugpy only."""
import os
import socket


def disable_nagle_on_pydevd_connections(on_connect=None):
    """debugpy's in-process debugger (pydevd) connects to debugpy's adapter without TCP_NODELAY
    and writes each message's header and body in two send calls, so Nagle's algorithm holds the
    body until the adapter's delayed ACK: about 40 ms per reply (measured here: the replies to
    initialize, attach, setBreakpoints and configurationDone took 43-45 ms each, 2-3 ms with
    this). Upstream: https://github.com/microsoft/debugpy/issues/2054 (open). Applied before
    debugpy.listen(); a debugpy without these internals is left as it is. `on_connect` runs as
    pydevd begins to connect, which debugpy.listen() does once its adapter accepts clients."""
    try:
        import debugpy.server.api  # noqa: F401 - puts pydevd (vendored or Debian's) on the path
        import pydevd
        from _pydevd_bundle import pydevd_comm
    except Exception:  # noqa: BLE001 - an unknown debugpy layout: only slower
        return
    original = pydevd_comm.start_client
    if getattr(original, "faasbox_nodelay", False):
        return

    def start_client(host, port):
        if on_connect:
            on_connect()
        sock = original(host, port)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (AttributeError, OSError):
            pass
        return sock

    start_client.faasbox_nodelay = True
    pydevd_comm.start_client = start_client
    if getattr(pydevd, "start_client", None) is original:
        pydevd.start_client = start_client


def listen_and_wait(debugpy, port):
    """Listens on the instance's loopback, says so on fd 2 (the emulator's ready signal: no port
    polling) and waits for the client's configurationDone, so breakpoints in module scope bind.

    It says so as soon as debugpy's adapter accepts clients on the port, before pydevd has
    connected to the adapter (which debugpy.listen() follows with a fixed 0.1 s sleep,
    pydevd.py's initialize_network): the client's initialize and attach run meanwhile, and the
    adapter holds the attach until pydevd is there (its debugpyWaitingForServer event). Measured
    here, the session's start came 120 ms sooner. A debugpy whose internals differ says so when
    listen() returns, as before."""
    said = []

    def say_listening():
        if not said:
            said.append(True)
            os.write(2, f"faasbox: debugpy listening on 127.0.0.1:{port}\n".encode())

    disable_nagle_on_pydevd_connections(on_connect=say_listening)
    debugpy.listen(("127.0.0.1", port))
    say_listening()
    debugpy.wait_for_client()
