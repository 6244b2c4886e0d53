"""Faasbox's Python runtime shim.

Runs inside the function's container (or as a child process), imports the handler
named by _HANDLER ("package.module.function") and serves invocations through the
runtime API of the function's cloud: the Lambda Runtime API or SCF's custom-runtime
API. Standard library only: it is mounted read-only and must start fast.
"""

import http.client
import importlib
import json
import logging
import os
import socket
import sys
import threading
import time
import traceback
import urllib.parse

ENV = os.environ
DIALECT = "scf" if ENV.get("FAASBOX_DIALECT") == "scf" else "aws"
if DIALECT == "scf":
    API_HOST, API_PORT = ENV["SCF_RUNTIME_API"], int(ENV["SCF_RUNTIME_API_PORT"])
    PATH_NEXT, PATH_INIT_ERROR, PATH_READY = "/runtime/invocation/next", "/runtime/init/error", "/runtime/init/ready"
    def path_response(_request_id): return "/runtime/invocation/response"
    def path_error(_request_id): return "/runtime/invocation/error"
else:
    API_HOST, _, port = ENV["AWS_LAMBDA_RUNTIME_API"].partition(":")
    API_PORT = int(port)
    PATH_NEXT, PATH_INIT_ERROR, PATH_READY = "/2018-06-01/runtime/invocation/next", "/2018-06-01/runtime/init/error", None
    def path_response(request_id): return f"/2018-06-01/runtime/invocation/{request_id}/response"
    def path_error(request_id): return f"/2018-06-01/runtime/invocation/{request_id}/error"

TASK_ROOT = ENV.get("LAMBDA_TASK_ROOT") or ENV.get("USER_CODE_ROOT") or os.getcwd()
FUNCTION_NAME = ENV.get("AWS_LAMBDA_FUNCTION_NAME") or ENV.get("SCF_FUNCTIONNAME", "")
LOG_BATCH_LINES = 500
MEMORY_MB = int(ENV.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") or ENV.get("SCF_MEMORY_SIZE") or 128)


# Where the emulator offers its socket (a local engine), the shim reaches it directly rather than
# through the agent beside it.
API_SOCKET = ENV.get("FAASBOX_RUNTIME_API_SOCKET")


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client's connection over the emulator's Unix socket (the Host header stays host:port)."""

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(API_SOCKET)


def new_connection():
    return UnixHTTPConnection(API_HOST, API_PORT) if API_SOCKET else http.client.HTTPConnection(API_HOST, API_PORT)


class Api:
    """One kept-alive connection to the runtime API."""

    def __init__(self):
        self.conn = new_connection()

    def call(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = new_connection()
                if attempt:
                    raise
        raise RuntimeError("unreachable")


invocations = Api()
log_api = Api()
current_request_id = None


class LogShipper:
    """Sends log lines to the emulator from a background thread, in order, tagged with
    the request they belong to; results wait for flush()."""

    def __init__(self):
        self.queue = []
        self.lock = threading.Condition()
        self.sending = False
        thread = threading.Thread(target=self.run, name="faasbox-logs", daemon=True)
        # Faasbox's own thread, not the function's: debugpy (pydevd) neither lists nor traces
        # threads marked as its own, so the call stack shows the function's thread alone.
        thread.is_pydev_daemon_thread = True
        thread.pydev_do_not_trace = True
        thread.start()

    def add(self, stream, text):
        with self.lock:
            self.queue.append({"stream": stream, "requestId": current_request_id, "time": int(time.time() * 1000), "text": text})
            self.lock.notify_all()

    def run(self):
        while True:
            with self.lock:
                while not self.queue:
                    self.lock.wait()
                # Bounded batches: a handler printing megabytes still streams.
                batch, self.queue = self.queue[:LOG_BATCH_LINES], self.queue[LOG_BATCH_LINES:]
                self.sending = True
            try:
                log_api.call("POST", "/faasbox/v1/logs", json.dumps(batch), {"Content-Type": "application/json"})
            except Exception:  # the emulator is gone; nothing useful can be done with the lines
                pass
            with self.lock:
                self.sending = False
                self.lock.notify_all()

    def flush(self):
        sys.stdout.flush_partial()
        sys.stderr.flush_partial()
        with self.lock:
            while self.queue or self.sending:
                self.lock.wait()


class LineWriter:
    """Stands in for sys.stdout / sys.stderr: complete lines become log records."""

    def __init__(self, stream, shipper):
        self.stream, self.shipper, self.partial = stream, shipper, ""
        self.encoding, self.errors = "utf-8", "replace"

    def write(self, text):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        for line in lines:
            self.shipper.add(self.stream, line)
        return len(text)

    def flush_partial(self):
        if self.partial:
            self.shipper.add(self.stream, self.partial)
            self.partial = ""

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        raise OSError("Faasbox captures this stream")


class Context(dict):
    """Both clouds' context in one object: SCF handlers read it as a dict
    (context["request_id"]), Lambda handlers as attributes (context.aws_request_id)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def get_remaining_time_in_millis(self):
        return max(0, int(self["_deadline_ms"] - time.time() * 1000))

    getRemainingTimeInMillis = get_remaining_time_in_millis


def make_context(headers, request_id):
    time_limit = int(headers.get("time_limit_in_ms") or int(ENV.get("FAASBOX_TIMEOUT_SEC", "3")) * 1000)
    deadline = int(headers.get("Lambda-Runtime-Deadline-Ms") or time.time() * 1000 + time_limit)
    # SCF's context["environ"]: the function's variables as one "KEY=value;KEY=value" string
    # (https://cloud.tencent.com/document/product/583/9210, context 入参: environ; the format Tencent's
    # CloudBase SDK parses). "environment", the same as JSON, is Faasbox's own older field, kept.
    environment = {k: v for k, v in ENV.items() if not k.startswith("FAASBOX_")}
    context = Context(
        # AWS Lambda
        aws_request_id=request_id,
        function_name=FUNCTION_NAME,
        function_version="$LATEST",
        invoked_function_arn=headers.get("Lambda-Runtime-Invoked-Function-Arn") or f"arn:aws:lambda:{ENV.get('AWS_REGION', 'us-east-1')}:123456789012:function:{FUNCTION_NAME}",  # LOCAL_ACCOUNT_ID (emulator/project/localAccount.ts)
        log_group_name=ENV.get("AWS_LAMBDA_LOG_GROUP_NAME", f"/aws/lambda/{FUNCTION_NAME}"),
        log_stream_name=ENV.get("AWS_LAMBDA_LOG_STREAM_NAME", ENV.get("FAASBOX_INSTANCE_ID", "")),
        identity=None,
        client_context=None,
        # Tencent SCF
        request_id=request_id,
        memory_limit_in_mb=str(MEMORY_MB) if DIALECT == "aws" else MEMORY_MB,
        time_limit_in_ms=time_limit,
        namespace=ENV.get("SCF_NAMESPACE", "default"),
        environ=";".join(f"{k}={v}" for k, v in environment.items()),
        environment=json.dumps(environment),
        tencentcloud_region=ENV.get("TENCENTCLOUD_REGION") or ENV.get("AWS_REGION", ""),
        tencentcloud_appid=ENV.get("TENCENTCLOUD_APPID", ""),
        tencentcloud_uin=ENV.get("TENCENTCLOUD_UIN", ""),
        _deadline_ms=deadline,
    )
    if headers.get("Lambda-Runtime-Client-Context"):
        try:
            context["client_context"] = json.loads(headers["Lambda-Runtime-Client-Context"])
        except ValueError:
            pass
    return context


SHIM_FOLDER = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_frames(tb):
    """The traceback's frames without Faasbox's own (the clouds show their runtime's frames, which
    mean nothing here) nor the import machinery's, formatted as Python's traceback module does."""
    frames = [frame for frame in traceback.extract_tb(tb) if not frame.filename.startswith(SHIM_FOLDER) and not frame.filename.startswith("<frozen ")]
    return traceback.format_list(frames)


def error_body(error, error_type=None):
    return {
        "errorMessage": str(error),
        "errorType": error_type or type(error).__name__,
        "stackTrace": user_frames(error.__traceback__) if isinstance(error, BaseException) else [],
    }


def error_log_text(body):
    """An error the function did not handle, as Lambda's Python runtime logs it:
    `[ERROR] <type>: <message>`, then `Traceback (most recent call last):` and the frames
    (awslambdaric/bootstrap.py, log_error, in https://github.com/aws/aws-lambda-python-runtime-interface-client;
    the lines are quoted in https://github.com/aws/aws-lambda-python-runtime-interface-client/issues/25;
    https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html shows only the JSON). The
    runtime indents with NO-BREAK SPACEs to keep the event in one CloudWatch record; Faasbox's records
    hold several lines already, so plain spaces stay. SCF documents no such line for Python: Faasbox
    logs the same text for its functions."""
    description = "[ERROR]"
    if body.get("errorType"):
        description += " " + body["errorType"]
    if body.get("errorMessage"):
        description += (":" if body.get("errorType") else "") + " " + body["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for frame in body.get("stackTrace") or []:
        lines.extend(frame.splitlines() or [""])
    return "\n".join(lines)


_cgroup_peak = []  # [fd] once opened; [None] outside a container


def memory_kb():
    """The larger of this process's peak RSS and, inside a container, the cgroup's peak
    (every process of the instance), read with pread on a descriptor opened once."""
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not _cgroup_peak:
        fd = None
        if ENV.get("FAASBOX_IN_CONTAINER"):
            for path in ("/sys/fs/cgroup/memory.peak", "/sys/fs/cgroup/memory/memory.max_usage_in_bytes"):
                try:
                    fd = os.open(path, os.O_RDONLY)
                    break
                except OSError:
                    pass
        _cgroup_peak.append(fd)
    if _cgroup_peak[0] is not None:
        try:
            peak = max(peak, -(-int(os.pread(_cgroup_peak[0], 32, 0)) // 1024))
        except (OSError, ValueError):
            pass
    return peak


class LambdaLogHandler(logging.Handler):
    """The handler Lambda's Python runtime puts on the root logger: each record as
    `[LEVEL]\t<UTC time>.<ms>Z\t<request id>\t<message>`, the request id empty outside an
    invocation (awslambdaric/bootstrap.py; example lines in
    https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html, "Log format").
    The root logger keeps Python's default level (WARNING), as in Lambda. SCF documents no
    handler of its own: its functions keep Python's defaults."""

    def __init__(self, shipper):
        super().__init__()
        self.shipper = shipper
        formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
        formatter.converter = time.gmtime
        self.setFormatter(formatter)

    def emit(self, record):
        try:
            record.aws_request_id = current_request_id or ""
            self.shipper.add("stderr" if record.levelno >= logging.WARNING else "stdout", self.format(record))
        except Exception:  # noqa: BLE001 - as logging.Handler: a broken record must not end the function
            self.handleError(record)


class InitError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def load_handler(name):
    module_name, _, function_name = (name or "").rpartition(".")
    if not module_name or not function_name:
        raise InitError("Runtime.MalformedHandlerName", f"Bad handler '{name}': expected MODULE.FUNCTION")
    sys.path.insert(0, TASK_ROOT)
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as error:
        raise InitError("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}") from error
    except ImportError as error:
        raise InitError("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}") from error
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise InitError("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'")
    return handler


def error_type_header(error_type):
    """The error type as a header value: http.client sends headers as Latin-1 and refuses
    control characters, so an exception class named in Chinese would end the runtime instead."""
    return "".join(c if c == "\t" or " " <= c <= "~" or "\xa0" <= c <= "\xff" else urllib.parse.quote(c) for c in str(error_type))


def post_result_and_next(shipper, request_id, ok, value):
    """Posts the result and gets the next invocation in the same exchange (Faasbox's own endpoint)."""
    shipper.flush()
    headers = {"Content-Type": "application/json", "X-Faasbox-Memory-Kb": str(memory_kb())}
    if ok:
        # Lambda's Python runtime interface client turns *any* exception from the encoder (a set,
        # a datetime, an object, a RecursionError from deep nesting) into the invocation's error
        # Runtime.MarshalError "Unable to marshal response: ...", with no stack trace, and serves
        # on: awslambdaric/lambda_runtime_marshaller.py (marshal_response) and bootstrap.py
        # (handle_event_request) in https://github.com/aws/aws-lambda-python-runtime-interface-client.
        # Lambda's developer guide does not document it; SCF's docs are silent, so SCF functions
        # get the same error.
        try:
            body = json.dumps(value)
        except Exception as error:  # noqa: BLE001 - as the runtime client: every encoder failure
            ok, value = False, {"errorMessage": f"Unable to marshal response: {error}", "errorType": "Runtime.MarshalError", "stackTrace": []}
    if not ok:
        body = json.dumps(value)
        headers["Lambda-Runtime-Function-Error-Type"] = error_type_header(value["errorType"])
    kind = "response" if ok else "error"
    return invocations.call("POST", f"/faasbox/v1/invocation/{request_id}/{kind}/next", body, headers)


def start_debugger(port):
    """Listens for a Debug Adapter Protocol client and waits for it before any user code is
    imported, so breakpoints at module level bind too. The line on fd 2 tells the emulator
    the debugger is ready (no port polling)."""
    try:
        import debugpy
    except ImportError as error:
        # The image has none: use the one the editor lent (mounted read-only), last on the
        # path so it never shadows the function's own modules.
        lent = os.environ.get("FAASBOX_DEBUGPY_PATH")
        if not lent:
            raise InitError("Runtime.DebuggerMissing", f"debugpy is not installed in this runtime image ({error}); install the Python Debugger extension (ms-python.debugpy), set faasbox.python.debugpyPath to a folder filled by `pip install --target FOLDER debugpy`, or use an image with debugpy") from error
        sys.path.append(lent)
        try:
            import debugpy
        except ImportError as again:
            raise InitError("Runtime.DebuggerMissing", f"debugpy is not installed in this runtime image, and the one in {lent} cannot be imported here ({again})") from again
    # The handler runs on the main thread: named after the function, it reads so in the call stack.
    threading.current_thread().name = FUNCTION_NAME or "handler"
    from faasbox_debugpy import listen_and_wait  # beside this file, imported only by debug instances
    listen_and_wait(debugpy, port)


def main():
    global current_request_id
    shipper = LogShipper()
    sys.stdout = LineWriter("stdout", shipper)
    sys.stderr = LineWriter("stderr", shipper)
    if DIALECT == "aws":
        logging.getLogger().addHandler(LambdaLogHandler(shipper))
    try:
        if ENV.get("FAASBOX_DEBUG_PORT"):
            start_debugger(int(ENV["FAASBOX_DEBUG_PORT"]))
        handler = load_handler(ENV.get("_HANDLER"))
    except Exception as error:  # noqa: BLE001 - every import failure is an init error
        error_type = error.error_type if isinstance(error, InitError) else "Runtime.ImportModuleError"
        cause = error.__cause__ or error
        body = error_body(error, error_type)
        body["stackTrace"] = user_frames(cause.__traceback__)
        shipper.add("stderr", error_log_text(body))
        shipper.flush()
        invocations.call("POST", PATH_INIT_ERROR, json.dumps(body), {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type})
        os._exit(1)
    # What the module printed while loading is the init phase's, and reaches the emulator before the
    # first invocation does (Lambda shows it before the first START).
    shipper.flush()
    if PATH_READY:
        invocations.call("POST", PATH_READY, " ")
    _status, headers, payload = invocations.call("GET", PATH_NEXT)
    while True:
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id") or headers.get("request_id")
        current_request_id = request_id
        try:
            event = json.loads(payload) if payload else {}
        except ValueError:
            event = payload.decode("utf-8", "replace")
        # Lambda's runtime sets _X_AMZN_TRACE_ID from each invocation's Lambda-Runtime-Trace-Id header
        # (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html, "Next invocation").
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            ok, value = True, handler(event, make_context(headers, request_id))
        except Exception as error:  # noqa: BLE001 - the handler's errors go to the caller
            ok, value = False, error_body(error)
            shipper.add("stderr", error_log_text(value))
        # A line left open (no trailing newline) is still this request's.
        sys.stdout.flush_partial()
        sys.stderr.flush_partial()
        current_request_id = None
        status, headers, payload = post_result_and_next(shipper, request_id, ok, value)
        # Anything but an invocation (an emulator refusing the post) must not run as an event.
        while status != 200:
            status, headers, payload = invocations.call("GET", PATH_NEXT)


if __name__ == "__main__":
    main()
