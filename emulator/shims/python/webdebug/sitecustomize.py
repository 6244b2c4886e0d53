"""Debugging a web function's own Python server: its scf_bootstrap starts python itself, so
Faasbox puts this folder first on PYTHONPATH of debug instances and Python imports this module
at start-up, before the server's code. It listens for a Debug Adapter Protocol client and waits
for it, so breakpoints in module scope bind; the line on fd 2 tells the emulator it listens."""
import os
import sys

_port = os.environ.get("FAASBOX_DEBUG_PORT")
# Once: a server that starts python again (a reloader, a worker) must not listen a second time.
if _port and not os.environ.get("FAASBOX_WEB_DEBUGPY_STARTED"):
    os.environ["FAASBOX_WEB_DEBUGPY_STARTED"] = "1"
    try:
        import debugpy
    except ImportError:
        lent = os.environ.get("FAASBOX_DEBUGPY_PATH")
        if lent:
            sys.path.append(lent)
        import debugpy
    # The shim's helper, loaded by its path: the shim's folder is not put on the server's sys.path.
    import importlib.util

    _spec = importlib.util.spec_from_file_location("faasbox_debugpy", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "faasbox_debugpy.py"))
    _helper = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_helper)
    _helper.listen_and_wait(debugpy, int(_port))
