#!/usr/bin/env bash
# Compiles the Java runtime shim (emulator/shims/java) with the JDK's javac against Debian's
# Jackson jars, into emulator/shims/java/build (git-ignored; rebuilt only when a source changed):
#   faasbox-api.jar      the clouds' documented interfaces (Context, RequestHandler, ...), the
#                        jar a function compiles against when it brings none of its own
#   faasbox-runtime.jar  the runtime API client (faasbox.runtime.Bootstrap), with the interfaces
#   faasbox-json.jar     the JSON mapping, loaded beside lib/ in a class loader of its own
#   lib/*.jar            Debian's Jackson (libjackson2-databind-java), installed by setup.sh
# build.mjs copies it to dist/shims/java/build (the sources stay behind). Without a JDK it says so and builds nothing
# (Java functions then fail to start, saying why); under CI=true that is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=emulator/shims/java
OUT=$SRC/build
JACKSON_DIR="${FAASBOX_JACKSON_DIR:-/usr/share/java}"
JACKSON="jackson-core jackson-databind jackson-annotations"

missing=""
command -v javac >/dev/null || missing="javac (openjdk-17-jdk-headless)"
for jar in $JACKSON; do [ -f "$JACKSON_DIR/$jar.jar" ] || missing="$missing $JACKSON_DIR/$jar.jar (libjackson2-databind-java)"; done
if [ -n "$missing" ]; then
  printf '[build] Java shim not built: missing %s; run npm run setup\n' "$missing" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi

newest_source="$(find "$SRC/api" "$SRC/runtime" "$SRC/json" scripts/build-java-shim.sh -type f -newer "$OUT/.built" 2>/dev/null | head -n 1 || true)"
if [ -f "$OUT/.built" ] && [ -z "$newest_source" ]; then exit 0; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/api" "$work/runtime" "$work/json" "$work/out/lib"
# The interfaces as Java 8 bytecode: functions for java8 runtimes compile against them too.
javac -nowarn --release 8 -d "$work/api" $(find "$SRC/api" -name '*.java')
javac --release 17 -cp "$work/api" -d "$work/runtime" $(find "$SRC/runtime" -name '*.java')
cp -a "$work/api/." "$work/runtime/"
classpath="$work/runtime"
for jar in $JACKSON; do classpath="$classpath:$JACKSON_DIR/$jar.jar"; done
javac --release 17 -cp "$classpath" -d "$work/json" $(find "$SRC/json" -name '*.java')
jar --create --file "$work/out/faasbox-api.jar" -C "$work/api" .
jar --create --file "$work/out/faasbox-runtime.jar" -C "$work/runtime" .
jar --create --file "$work/out/faasbox-json.jar" -C "$work/json" .
for jar in $JACKSON; do cp -L "$JACKSON_DIR/$jar.jar" "$work/out/lib/$jar.jar"; done
rm -rf "$OUT" && mkdir -p "$(dirname "$OUT")" && cp -a "$work/out" "$OUT"
touch "$OUT/.built"
printf '[build] Java shim built into %s\n' "$OUT" >&2
