/*
 * faasbox-agent: the agent inside each instance's container. PROTOCOL.md beside this file is
 * its contract; in short:
 *
 *   faasbox-agent RUNTIME-COMMAND [ARG...]
 *
 * starts the runtime as its child, listens on 127.0.0.1:$FAASBOX_AGENT_API_PORT (9001) for the
 * runtime's Runtime API connections, opens connections inside the container when the emulator
 * asks, and carries all of it, with the runtime's stdout and stderr, as frames over its own
 * stdin (emulator -> agent) and stdout (agent -> emulator), or, when FAASBOX_AGENT_SOCKET names
 * the emulator's Unix socket, over that socket (stdin then only holds the lease).
 *
 * One thread, one poll(2) loop, every descriptor non-blocking: the agent never waits on one
 * peer while others have work. Signals only write a byte to a pipe the loop polls (the
 * self-pipe trick), so no real work runs in a signal handler.
 *
 * C99 and POSIX only, no library beyond libc: it is linked statically (musl for amd64, glibc
 * for arm64) and runs in any image, whatever libc that image has or lacks.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { F_HELLO = 1, F_OPEN, F_DATA, F_END, F_RESET, F_STDOUT, F_STDERR, F_EXIT, F_MEMORY };

#define HEADER_LEN 9
#define MAX_PAYLOAD (1u << 20)          /* the protocol's limit on one frame's payload */
#define CHUNK (64 * 1024)               /* reads become frames of at most this much */
#define STREAM_PENDING_MAX (4u << 20)   /* bytes for one socket past which its stream is RESET */
#define OUT_HIGH (4u << 20)             /* unsent output past which the agent stops reading producers */
#define DRAIN_MS 1000                   /* how long output may still come after the runtime ended
                                           (while the emulator keeps up), from processes it left */
#define DEFAULT_API_PORT 9001
#define SECRET_LEN 64                   /* FAASBOX_AGENT_SECRET: 64 hex digits, the channel's first bytes */

/* ---- buffers ---------------------------------------------------------------------------- */

/* Bytes p[off .. off+len): appended at the end, consumed from the front. */
struct buf {
    char *p;
    size_t off, len, cap;
};

static void die(const char *fmt, ...);

static void buf_add(struct buf *b, const void *data, size_t n)
{
    if (n == 0) return;
    if (b->off + b->len + n > b->cap) {
        if (b->off) { /* reuse the consumed front before growing */
            memmove(b->p, b->p + b->off, b->len);
            b->off = 0;
        }
        if (b->len + n > b->cap) {
            size_t cap = b->cap ? b->cap : 4096;
            while (cap < b->len + n) cap *= 2;
            char *p = realloc(b->p, cap);
            if (!p) die("out of memory");
            b->p = p;
            b->cap = cap;
        }
    }
    memcpy(b->p + b->off + b->len, data, n);
    b->len += n;
}

static void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void buf_drop(struct buf *b, size_t n)
{
    b->off += n;
    b->len -= n;
    if (b->len == 0) {
        b->off = 0;
        /* A burst (a large response) should not pin megabytes for the stream's whole life. */
        if (b->cap > 256 * 1024) buf_free(b);
    }
}

/* ---- state ------------------------------------------------------------------------------ */

struct stream {
    uint32_t id;
    int fd;
    unsigned port;   /* for an emulator OPEN: the port it asked for, for error messages */
    int connecting;  /* our non-blocking connect for an emulator OPEN is under way */
    int read_eof;    /* the socket said end of file and we sent END */
    int peer_end;    /* the emulator sent END: shut our writing side once `pending` is out */
    int wr_shut;     /* shutdown(SHUT_WR) done */
    int dead;        /* closed; freed at the end of the loop turn (poll entries point to it) */
    struct buf pending; /* bytes from the emulator the socket has not taken yet */
    struct stream *next;
};

static struct buf out;           /* frames waiting for the agent's stdout */
static unsigned char in[HEADER_LEN + MAX_PAYLOAD + CHUNK]; /* frames from stdin; one frame always fits */
static size_t in_len;
static char chunk[CHUNK];

static int self_pipe[2] = { -1, -1 };
/* The channel: stdin and stdout, or both the emulator's Unix socket (FAASBOX_AGENT_SOCKET). */
static int chan_in = STDIN_FILENO, chan_out = STDOUT_FILENO;
/* With the socket, stdin (the engine's attach stream) only holds the lease: its end ends it too. */
static int lease_fd = -1;
static int listener = -1;
static int pipe_out = -1, pipe_err = -1; /* read ends of the runtime's stdout and stderr */
static pid_t runtime = -1;       /* also its process group id */
static int runtime_done, runtime_status;
static int exit_sent;            /* EXIT is queued: it must stay the last frame */
static struct stream *streams;
static uint32_t next_odd_id = 1;

/* The signals passed on to the runtime's process group; SIGTERM and SIGINT are the contract's. */
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
#define N_FORWARDED (sizeof forwarded / sizeof forwarded[0])

/* ---- diagnostics and ends --------------------------------------------------------------- */

static void say(const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    /* stderr only: the agent's stdout carries frames and nothing else. */
    fprintf(stderr, "faasbox-agent: %s\n", line);
}

static void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

/* The runtime's whole group: whatever it started goes with it. */
static void signal_runtime(int sig)
{
    if (runtime <= 0) return;
    /* Until it is reaped its pid may still not lead a group of its own: then signal it alone. */
    if (kill(-runtime, sig) < 0 && !runtime_done) kill(runtime, sig);
}

/* Kills the runtime's group and leaves. Waits a little for the runtime, so that once the agent
 * is gone its runtime is too (and not a zombie waiting for a new parent to reap it). */
static void finish(int status)
{
    signal_runtime(SIGKILL);
    for (int i = 0; i < 100 && runtime > 0 && !runtime_done; i++) {
        if (waitpid(runtime, NULL, WNOHANG) == runtime) break;
        poll(NULL, 0, 10);
    }
    exit(status);
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    finish(1);
}

static void protocol_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[400];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    diag("protocol error: %s", line);
    finish(2);
}

/* ---- frames out ------------------------------------------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void send_frame(int type, uint32_t id, const void *payload, size_t len)
{
    unsigned char h[HEADER_LEN];
    if (exit_sent) return; /* nothing may follow EXIT */
    h[0] = (unsigned char)type;
    put_u32(h + 1, id);
    put_u32(h + 5, (uint32_t)len);
    buf_add(&out, h, sizeof h);
    if (len) buf_add(&out, payload, len);
}

/* Writes what stdout takes now; the rest waits for POLLOUT. */
static void flush_out(void)
{
    while (out.len) {
        ssize_t n = write(chan_out, out.p + out.off, out.len);
        if (n > 0) {
            buf_drop(&out, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            /* EPIPE (or a reset socket): nobody reads us any more, which means the same as the end of stdin. */
            finish(0);
        }
    }
}

static const char *signal_name(int sig)
{
    static char other[16];
    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGSYS: return "SIGSYS";
    default:
        snprintf(other, sizeof other, "SIG%d", sig);
        return other;
    }
}

static void send_exit(void)
{
    char json[64];
    if (WIFSIGNALED(runtime_status))
        snprintf(json, sizeof json, "{\"signal\":\"%s\"}", signal_name(WTERMSIG(runtime_status)));
    else
        snprintf(json, sizeof json, "{\"code\":%d}", WEXITSTATUS(runtime_status));
    send_frame(F_EXIT, 0, json, strlen(json));
    exit_sent = 1;
}

/* ---- descriptors ------------------------------------------------------------------------ */

static void set_flags(int fd, int nonblock)
{
    /* Close-on-exec everywhere: the runtime must inherit none of the agent's descriptors. */
    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
    if (nonblock) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void tune_socket(int fd)
{
    int one = 1;
    set_flags(fd, 1);
    /* A relay must not hold back small writes (Nagle) waiting for more that may never come. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* ---- streams ---------------------------------------------------------------------------- */

static struct stream *find_stream(uint32_t id)
{
    for (struct stream *s = streams; s; s = s->next)
        if (s->id == id && !s->dead) return s;
    return NULL;
}

static struct stream *add_stream(uint32_t id, int fd)
{
    struct stream *s = calloc(1, sizeof *s);
    if (!s) die("out of memory");
    s->id = id;
    s->fd = fd;
    s->next = streams;
    streams = s;
    return s;
}

static void close_stream(struct stream *s, int abortive)
{
    if (abortive) {
        /* The peer sees a reset, not a clean end: the stream failed, it did not finish. */
        struct linger l = { 1, 0 };
        setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(s->fd);
    s->fd = -1;
    s->dead = 1;
    buf_free(&s->pending);
}

static void reset_stream(struct stream *s, const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    send_frame(F_RESET, s->id, reason, strlen(reason));
    close_stream(s, 1);
}

/* Both sides sent END and everything was written: the stream is gone. */
static void maybe_finish(struct stream *s)
{
    if (!s->dead && s->read_eof && s->wr_shut) close_stream(s, 0);
}

/* Writes what the socket takes now of the emulator's bytes, then passes on the emulator's END. */
static void flush_stream(struct stream *s)
{
    if (s->dead || s->connecting) return;
    while (s->pending.len) {
        ssize_t n = send(s->fd, s->pending.p + s->pending.off, s->pending.len, MSG_NOSIGNAL);
        if (n > 0) {
            buf_drop(&s->pending, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            reset_stream(s, "write: %s", strerror(errno));
            return;
        }
    }
    if (s->peer_end && !s->wr_shut) {
        shutdown(s->fd, SHUT_WR);
        s->wr_shut = 1;
        maybe_finish(s);
    }
}

/* One read from a stream's socket, passed on as DATA, END or RESET. Returns 1 if it read bytes. */
static int read_stream(struct stream *s)
{
    ssize_t n = read(s->fd, chunk, CHUNK);
    if (n > 0) {
        send_frame(F_DATA, s->id, chunk, (size_t)n);
        return 1;
    }
    if (n == 0) {
        s->read_eof = 1;
        send_frame(F_END, s->id, NULL, 0);
        maybe_finish(s);
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        reset_stream(s, "read: %s", strerror(errno));
    }
    return 0;
}

/* An emulator OPEN: connect to 127.0.0.1:PORT without waiting for the connection. Once it is
 * made the agent sends OPEN back with the same (even) id; a failed one gets RESET. */
static void open_stream(uint32_t id, const unsigned char *payload, uint32_t len)
{
    unsigned long port = 0;
    if (id == 0 || id % 2 != 0) protocol_error("OPEN with stream id %lu: the emulator's ids are even", (unsigned long)id);
    if (find_stream(id)) protocol_error("OPEN of stream %lu, which is open", (unsigned long)id);
    for (uint32_t i = 0; i < len && port <= 65535; i++)
        port = payload[i] >= '0' && payload[i] <= '9' ? port * 10 + (payload[i] - '0') : 70000;
    if (len == 0 || port == 0 || port > 65535) {
        char reason[] = "bad port in OPEN";
        send_frame(F_RESET, id, reason, strlen(reason));
        return;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        char reason[128];
        snprintf(reason, sizeof reason, "socket: %s", strerror(errno));
        send_frame(F_RESET, id, reason, strlen(reason));
        return;
    }
    tune_socket(fd);
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct stream *s = add_stream(id, fd);
    s->port = (unsigned)port;
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) {
        if (errno == EINPROGRESS || errno == EINTR) s->connecting = 1; /* POLLOUT tells how it went */
        else reset_stream(s, "connect to 127.0.0.1:%lu: %s", port, strerror(errno));
    } else {
        send_frame(F_OPEN, id, NULL, 0); /* connected at once: the acknowledgement */
    }
}

static void connect_done(struct stream *s)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
    if (err) {
        reset_stream(s, "connect to 127.0.0.1:%u: %s", s->port, strerror(err));
        return;
    }
    s->connecting = 0;
    /* The acknowledgement: OPEN back with the emulator's id, before any DATA of the stream. */
    send_frame(F_OPEN, s->id, NULL, 0);
    flush_stream(s); /* DATA (and END) the emulator sent while we connected */
}

/* ---- who calls the runtime API ---------------------------------------------------------- */

/* With host networking the listener is on the host's loopback, where any local process (or
 * another instance) could connect and take invocations: only sockets of the agent's own uid,
 * that is its runtime's, are served. The owner of the other end is read from the kernel's
 * socket tables (/proc/net/tcp and tcp6, one line a socket with its owner's uid): the line
 * whose local address is the peer's and remote port ours. In a network namespace of its own
 * the check holds as well: the tables are the namespace's. */
enum { PEER_UNREADABLE = -1, PEER_UNKNOWN = 0, PEER_FOUND = 1 };

static int peer_uid(int fd, unsigned long *uid)
{
    struct sockaddr_in peer, self;
    socklen_t peer_len = sizeof peer, self_len = sizeof self;
    if (getpeername(fd, (struct sockaddr *)&peer, &peer_len) < 0 || getsockname(fd, (struct sockaddr *)&self, &self_len) < 0 ||
        peer.sin_family != AF_INET)
        return PEER_UNKNOWN;
    unsigned long peer_port = ntohs(peer.sin_port), our_port = ntohs(self.sin_port);
    static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
    int readable = 0, found = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0] && !found; t++) {
        FILE *f = fopen(tables[t], "r");
        if (!f) continue;
        readable = 1;
        char line[512];
        while (!found && fgets(line, sizeof line, f)) {
            /* sl local_address rem_address st tx:rx tr:when retrnsmt uid ... (addresses in hex) */
            char local[64], remote[64];
            unsigned state;
            unsigned long owner;
            if (sscanf(line, " %*s %63s %63s %x %*s %*s %*s %lu", local, remote, &state, &owner) != 4) continue;
            char *local_port = strrchr(local, ':'), *remote_port = strrchr(remote, ':');
            if (!local_port || !remote_port || local_port - local < 8) continue;
            if (strtoul(local_port + 1, NULL, 16) != peer_port || strtoul(remote_port + 1, NULL, 16) != our_port) continue;
            /* The peer's IPv4 address: the last 8 digits (tcp6 shows it v4-mapped), as the kernel
             * prints the address word in this machine's byte order. */
            *local_port = 0;
            if ((uint32_t)strtoul(local_port - 8, NULL, 16) != (uint32_t)peer.sin_addr.s_addr) continue;
            /* TIME_WAIT (6) entries carry no owner; a live socket is ESTABLISHED (1), or closing
             * already (FIN_WAIT1/2: a caller that half-closed after writing). */
            if (state == 0x06 || state == 0x07 || state == 0x0A) continue;
            *uid = owner;
            found = 1;
        }
        fclose(f);
    }
    if (!readable) return PEER_UNREADABLE;
    return found ? PEER_FOUND : PEER_UNKNOWN;
}

/* 1 when the connection on `fd` may be served. */
static int admit(int fd)
{
    static int unchecked_said;
    unsigned long uid = 0;
    switch (peer_uid(fd, &uid)) {
    case PEER_UNREADABLE:
        if (!unchecked_said++) diag("cannot read /proc/net/tcp: runtime API connections are accepted unchecked");
        return 1;
    case PEER_FOUND:
        if (uid == (unsigned long)getuid()) return 1;
        diag("refused a runtime API connection from uid %lu", uid);
        return 0;
    default:
        diag("refused a runtime API connection from a socket not found in /proc/net/tcp");
        return 0;
    }
}

static void accept_connections(void)
{
    /* A few per turn: a burst of connections is taken quickly, without starving the rest. */
    for (int i = 0; i < 64; i++) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                diag("accept: %s", strerror(errno));
            return;
        }
        if (!admit(fd)) {
            /* Closed at once, with a reset: the caller reads nothing, not even an orderly end. */
            struct linger now = { 1, 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
            close(fd);
            continue;
        }
        tune_socket(fd);
        struct stream *s = add_stream(next_odd_id, fd);
        next_odd_id += 2; /* odd ids are ours; an id is never reused */
        send_frame(F_OPEN, s->id, NULL, 0);
    }
}

/* ---- memory ------------------------------------------------------------------------------ */

/* The instance's peak memory in bytes as ASCII digits. In a container (FAASBOX_IN_CONTAINER), its
 * cgroup's (v2 memory.peak, else v1 memory.max_usage_in_bytes): every process of the instance,
 * whatever language its runtime is in. On the host the cgroup is not the instance's own, so the
 * runtime process's own peak (VmHWM in /proc/PID/status) stands in. Empty when nothing is readable. */
static size_t read_digits(const char *file, const char *after, char *digits, size_t cap)
{
    char text[4096];
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    if (got <= 0) return 0;
    text[got] = '\0';
    const char *p = text;
    if (after) {
        p = strstr(text, after);
        if (!p) return 0;
        p += strlen(after);
        while (*p == ' ' || *p == '\t') p++;
    }
    size_t n = 0;
    while (n < cap && p[n] >= '0' && p[n] <= '9') {
        digits[n] = p[n];
        n++;
    }
    return n;
}

static void answer_memory(void)
{
    char digits[24];
    size_t n = 0;
    if (getenv("FAASBOX_IN_CONTAINER")) {
        n = read_digits("/sys/fs/cgroup/memory.peak", NULL, digits, sizeof digits - 4);
        if (n == 0) n = read_digits("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", NULL, digits, sizeof digits - 4);
    }
    if (n == 0 && runtime > 0) {
        char status[64];
        snprintf(status, sizeof status, "/proc/%d/status", (int)runtime);
        size_t kb_digits = read_digits(status, "VmHWM:", digits, sizeof digits - 1);
        digits[kb_digits] = '\0';
        if (kb_digits > 0) n = (size_t)snprintf(digits, sizeof digits, "%llu", strtoull(digits, NULL, 10) * 1024ULL);
    }
    send_frame(F_MEMORY, 0, digits, n);
}

/* ---- frames in -------------------------------------------------------------------------- */

static void handle_frame(int type, uint32_t id, const unsigned char *payload, uint32_t len)
{
    struct stream *s = type == F_OPEN || type == F_MEMORY ? NULL : find_stream(id);
    switch (type) {
    case F_OPEN:
        open_stream(id, payload, len);
        break;
    case F_DATA:
        /* Frames for a stream that is gone crossed our RESET or END on the way: dropped. */
        if (!s || s->peer_end) break;
        buf_add(&s->pending, payload, len);
        if (s->pending.len > STREAM_PENDING_MAX)
            reset_stream(s, "the connection inside the container does not take its data (over %u MiB pending)",
                         STREAM_PENDING_MAX >> 20);
        else
            flush_stream(s);
        break;
    case F_END:
        if (!s) break;
        s->peer_end = 1;
        flush_stream(s);
        break;
    case F_RESET:
        if (s) close_stream(s, 1);
        break;
    case F_MEMORY:
        answer_memory();
        break;
    }
}

static void read_stdin(void)
{
    ssize_t n = read(chan_in, in + in_len, sizeof in - in_len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    /* The emulator is gone or let go of the instance: its lease ended. 137 (128 + SIGKILL), as the
     * shell's status of a killed process, so `docker ps -a` shows the instance was killed. */
    if (n <= 0) finish(128 + SIGKILL);
    if (exit_sent) return;    /* past EXIT the agent only waits for stdout to drain */
    in_len += (size_t)n;
    size_t pos = 0;
    while (in_len - pos >= HEADER_LEN) {
        const unsigned char *h = in + pos;
        uint32_t id = get_u32(h + 1), len = get_u32(h + 5);
        if (h[0] == F_HELLO || (h[0] >= F_STDOUT && h[0] <= F_EXIT))
            protocol_error("frame type %u is one only the agent sends", h[0]);
        if ((h[0] < F_OPEN || h[0] > F_RESET) && h[0] != F_MEMORY) protocol_error("unknown frame type %u", h[0]);
        if (len > MAX_PAYLOAD) protocol_error("frame of %lu bytes, over 1 MiB", (unsigned long)len);
        if (in_len - pos < HEADER_LEN + (size_t)len) break; /* the rest of it is still on its way */
        handle_frame(h[0], id, h + HEADER_LEN, len);
        pos += HEADER_LEN + len;
    }
    memmove(in, in + pos, in_len - pos);
    in_len -= pos;
}

/* ---- the runtime ------------------------------------------------------------------------ */

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;
    if (write(self_pipe[1], &c, 1) < 0) { /* full: a wake-up is pending anyway */ }
    errno = saved;
}

static void reap(void)
{
    int status;
    pid_t pid;
    /* Every child, not just the runtime: as PID 1 the agent inherits all orphans of the container. */
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == runtime) {
            runtime_status = status;
            runtime_done = 1;
        }
    }
}

static void start_runtime(char **argv)
{
    int o[2], e[2], report[2];
    if (pipe(o) < 0 || pipe(e) < 0 || pipe(report) < 0) die("pipe: %s", strerror(errno));
    set_flags(report[0], 0);
    set_flags(report[1], 0);
    pid_t pid = fork();
    if (pid < 0) die("fork: %s", strerror(errno));
    if (pid == 0) {
        /* Handlers do not survive exec but ignored signals do (SIGPIPE): the runtime starts clean. */
        for (unsigned i = 0; i < N_FORWARDED; i++) signal(forwarded[i], SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* A group of its own, so that one kill reaches the runtime and everything it starts. */
        setpgid(0, 0);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0) dup2(null, STDIN_FILENO);
        else close(STDIN_FILENO);
        dup2(o[1], STDOUT_FILENO);
        dup2(e[1], STDERR_FILENO);
        if (null > STDERR_FILENO) close(null);
        close(o[0]), close(o[1]), close(e[0]), close(e[1]);
        execvp(argv[0], argv);
        int err = errno;
        if (write(report[1], &err, sizeof err) < 0) { /* the exit status still says it */ }
        _exit(err == ENOENT ? 127 : 126); /* as shells do: 127 not found, 126 not runnable */
    }
    /* The parent sets the group too: whichever runs first, it exists before we ever signal it. */
    setpgid(pid, pid);
    runtime = pid;
    close(o[1]);
    close(e[1]);
    close(report[1]);
    pipe_out = o[0];
    pipe_err = e[0];
    set_flags(pipe_out, 1);
    set_flags(pipe_err, 1);
    /* The report pipe closes on a successful exec (close-on-exec) or carries exec's errno. */
    int err = 0;
    ssize_t n;
    while ((n = read(report[0], &err, sizeof err)) < 0 && errno == EINTR) {}
    close(report[0]);
    if (n == (ssize_t)sizeof err)
        diag("cannot start %s: %s", argv[0], err == ENOENT ? "not found" : strerror(err));
    /* HELLO even then: the emulator always hears HELLO first, and EXIT (127) tells the rest. */
    char hello[64];
    snprintf(hello, sizeof hello, "{\"version\":1,\"pid\":%ld}", (long)pid);
    send_frame(F_HELLO, 0, hello, strlen(hello));
}

/* One read from the runtime's stdout or stderr; at end of file its descriptor is closed. */
static void read_output(int *fd, int type)
{
    ssize_t n = read(*fd, chunk, CHUNK);
    if (n > 0) {
        send_frame(type, 0, chunk, (size_t)n);
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        close(*fd);
        *fd = -1;
    }
}

/* With the socket channel, stdin (the attach stream) carries nothing: only its end, the lease. */
static void read_lease(void)
{
    char scratch[256];
    ssize_t n = read(lease_fd, scratch, sizeof scratch);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) finish(128 + SIGKILL);
}

/* FAASBOX_AGENT_SOCKET set: the channel is that Unix socket (the emulator's, in a folder mounted
 * into this container only), and the agent proves who it is with FAASBOX_AGENT_SECRET as the
 * first bytes it writes. Both variables are wiped from the environment first, so the runtime
 * (and anything reading /proc/1/environ) never sees the secret. */
static void connect_channel(void)
{
    char *path_env = getenv("FAASBOX_AGENT_SOCKET"), *secret_env = getenv("FAASBOX_AGENT_SECRET");
    if (!path_env || !*path_env) return;
    struct sockaddr_un to;
    char secret[SECRET_LEN];
    memset(&to, 0, sizeof to);
    to.sun_family = AF_UNIX;
    if (strlen(path_env) >= sizeof to.sun_path) die("FAASBOX_AGENT_SOCKET is longer than a socket path may be: %s", path_env);
    if (!secret_env || strlen(secret_env) != SECRET_LEN) die("FAASBOX_AGENT_SOCKET is set but FAASBOX_AGENT_SECRET is not %d characters", SECRET_LEN);
    strcpy(to.sun_path, path_env);
    memcpy(secret, secret_env, SECRET_LEN);
    /* In place: the strings live in the process's initial environment block, /proc/1/environ. */
    memset(secret_env, 'x', SECRET_LEN);
    unsetenv("FAASBOX_AGENT_SECRET");
    unsetenv("FAASBOX_AGENT_SOCKET");
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) die("socket: %s", strerror(errno));
    int rc;
    while ((rc = connect(fd, (struct sockaddr *)&to, sizeof to)) < 0 && errno == EINTR) {}
    if (rc < 0) die("cannot reach the emulator's socket %s: %s", to.sun_path, strerror(errno));
    for (size_t sent = 0; sent < SECRET_LEN;) {
        ssize_t n = write(fd, secret + sent, SECRET_LEN - sent);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die("cannot write to the emulator's socket: %s", strerror(errno));
        sent += (size_t)n;
    }
    memset(secret, 0, sizeof secret);
    set_flags(fd, 1);
    chan_in = chan_out = fd;
    lease_fd = STDIN_FILENO;
}

/* The port we listen on, in the runtime's environment where it names the Runtime API. */
static void announce_port(unsigned long port)
{
    char number[8], address[32];
    snprintf(number, sizeof number, "%lu", port);
    snprintf(address, sizeof address, "127.0.0.1:%lu", port);
    setenv("FAASBOX_AGENT_API_PORT", number, 1);
    if (getenv("AWS_LAMBDA_RUNTIME_API")) setenv("AWS_LAMBDA_RUNTIME_API", address, 1);
    if (getenv("SCF_RUNTIME_API_PORT")) setenv("SCF_RUNTIME_API_PORT", number, 1);
}

/* FAASBOX_AGENT_API_PORT=0: a port the kernel picks, so that instances sharing the host's loopback
 * never race for one the emulator chose ahead (it was free when chosen, not when bound). */
static void listen_api(void)
{
    const char *env = getenv("FAASBOX_AGENT_API_PORT");
    unsigned long port = DEFAULT_API_PORT;
    if (env && *env) {
        char *end;
        port = strtoul(env, &end, 10);
        if (*end || port > 65535) die("FAASBOX_AGENT_API_PORT is not a port: %s", env);
    }
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) die("socket: %s", strerror(errno));
    int one = 1;
    /* A restarted agent binds at once, whatever connections of the last one linger. */
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in at;
    memset(&at, 0, sizeof at);
    at.sin_family = AF_INET;
    at.sin_port = htons((uint16_t)port);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&at, sizeof at) < 0 || listen(listener, 128) < 0)
        die("cannot listen on 127.0.0.1:%lu: %s", port, strerror(errno));
    if (port == 0) {
        socklen_t length = sizeof at;
        if (getsockname(listener, (struct sockaddr *)&at, &length) < 0) die("getsockname: %s", strerror(errno));
        announce_port(ntohs(at.sin_port));
    }
    set_flags(listener, 1);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the loop --------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: faasbox-agent RUNTIME-COMMAND [ARG...]\n");
        return 2;
    }
    if (pipe(self_pipe) < 0) die("pipe: %s", strerror(errno));
    set_flags(self_pipe[0], 1);
    set_flags(self_pipe[1], 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < N_FORWARDED; i++) sigaction(forwarded[i], &sa, NULL);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    /* A peer that went away is an error code to handle where it happens, not a signal. */
    signal(SIGPIPE, SIG_IGN);

    connect_channel(); /* before anything is sent: HELLO goes where the frames go */
    listen_api(); /* before the runtime starts, so its first connection finds us listening */
    start_runtime(argv + 1);
    set_flags(STDIN_FILENO, 1);
    set_flags(chan_out, 1);

    struct pollfd *pfd = NULL;
    struct stream **owner = NULL;
    size_t cap = 0;
    long long drain_deadline = 0;
    enum { P_SIG, P_IN, P_OUT, P_LEASE, P_LISTEN, P_RT_OUT, P_RT_ERR, P_FIXED };

    for (;;) {
        size_t nstreams = 0;
        for (struct stream *s = streams; s; s = s->next) nstreams++;
        if (P_FIXED + nstreams > cap) {
            cap = (P_FIXED + nstreams) * 2;
            pfd = realloc(pfd, cap * sizeof *pfd);
            owner = realloc(owner, cap * sizeof *owner);
            if (!pfd || !owner) die("out of memory");
        }
        /* Past OUT_HIGH unsent bytes the producers wait (their peers feel it as TCP or pipe
         * back-pressure); stdin is always read, so the emulator is never blocked by us. */
        int produce = !exit_sent && out.len < OUT_HIGH;
        pfd[P_SIG] = (struct pollfd){ self_pipe[0], POLLIN, 0 };
        pfd[P_IN] = (struct pollfd){ chan_in, POLLIN, 0 };
        pfd[P_OUT] = (struct pollfd){ out.len ? chan_out : -1, POLLOUT, 0 };
        pfd[P_LEASE] = (struct pollfd){ lease_fd, POLLIN, 0 };
        pfd[P_LISTEN] = (struct pollfd){ produce ? listener : -1, POLLIN, 0 };
        pfd[P_RT_OUT] = (struct pollfd){ produce ? pipe_out : -1, POLLIN, 0 };
        pfd[P_RT_ERR] = (struct pollfd){ produce ? pipe_err : -1, POLLIN, 0 };
        size_t n = P_FIXED;
        for (struct stream *s = streams; s; s = s->next) {
            short ev = 0;
            if (s->connecting) ev = POLLOUT;
            else {
                if (!s->read_eof && produce) ev |= POLLIN;
                if (s->pending.len) ev |= POLLOUT;
            }
            /* Only descriptors we want something from: an idle hung-up socket would wake poll forever. */
            if (!ev) continue;
            owner[n] = s;
            pfd[n++] = (struct pollfd){ s->fd, ev, 0 };
        }
        int timeout = -1;
        if (runtime_done && !exit_sent) {
            long long left = drain_deadline - now_ms();
            timeout = left > 0 ? (int)left : 0;
        }

        if (poll(pfd, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR) continue;
            die("poll: %s", strerror(errno));
        }

        if (pfd[P_SIG].revents) {
            unsigned char sigs[64];
            ssize_t got = read(self_pipe[0], sigs, sizeof sigs);
            for (ssize_t i = 0; i < got; i++) {
                if (sigs[i] == SIGCHLD) reap();
                else if (!runtime_done) signal_runtime(sigs[i]); /* SIGTERM: a graceful stop, the runtime's call */
            }
        }
        if (pfd[P_IN].revents) read_stdin();
        if (pfd[P_OUT].revents) flush_out();
        if (pfd[P_LEASE].revents) read_lease();
        if (pfd[P_LISTEN].revents) accept_connections();
        if (pfd[P_RT_OUT].revents) read_output(&pipe_out, F_STDOUT);
        if (pfd[P_RT_ERR].revents) read_output(&pipe_err, F_STDERR);
        for (size_t i = P_FIXED; i < n; i++) {
            struct stream *s = owner[i];
            short rev = pfd[i].revents;
            if (!rev || s->dead) continue;
            if (s->connecting) connect_done(s);
            else {
                if (rev & (POLLIN | POLLHUP | POLLERR) && !s->read_eof) read_stream(s);
                if (rev & (POLLOUT | POLLERR | POLLHUP)) flush_stream(s);
            }
        }

        if (runtime_done && !drain_deadline) {
            /* The runtime ended: what it started goes too (the agent leaves right after), and
             * what they all wrote is still read, so the last lines come before EXIT. */
            signal_runtime(SIGKILL);
            drain_deadline = now_ms() + DRAIN_MS;
        }
        if (runtime_done && !exit_sent && out.len >= OUT_HIGH) {
            /* The pipes are not read while the emulator is behind: that time does not count. */
            drain_deadline = now_ms() + DRAIN_MS;
        }
        if (runtime_done && !exit_sent && ((pipe_out < 0 && pipe_err < 0) || now_ms() >= drain_deadline)) {
            /* Whatever the runtime sent on its connections before it ended goes before EXIT too. */
            for (struct stream *s = streams; s; s = s->next)
                for (int i = 0; i < 64 && !s->dead && !s->read_eof && !s->connecting && read_stream(s); i++) {}
            send_exit();
        }

        for (struct stream **p = &streams; *p;) {
            struct stream *s = *p;
            if (s->dead) {
                *p = s->next;
                free(s);
            } else {
                p = &s->next;
            }
        }
        flush_out();
        if (exit_sent && !out.len) return 0; /* exit closes the channel: the emulator sees the end */
    }
}
