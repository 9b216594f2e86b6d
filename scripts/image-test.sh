#!/usr/bin/env bash
# make image-test: build the service image from the Dockerfile, run it, check it, clean up.
#
#   bash scripts/image-test.sh [--remove-images]
#
#  1. A Docker engine: the running daemon, or one this script starts (dockerd, as root, under
#     nice) and stops again at the end.
#  2. The base image: pulled where a registry answers, else a stand-in made from Debian's
#     packages (scripts/docker-base.sh says which).
#  3. The image (BuildKit; the host's CA bundle is handed to pip as the build secret `pip-ca`
#     for networks whose HTTPS goes through an inspecting proxy), its size against
#     CERTCHECK_IMAGE_MAX_MB (default 600) and what takes the space.
#  4. A container with a data volume: /healthz, /readyz (waits for the models), a bundled
#     knock-off photo through POST /v1/check (OCR must read it: verdict high), the upload page
#     GET /, the non-root user (the image's and the server process's), `certcheck keys add`
#     inside it, an issuer import with that key (401 without, 403 with a wrong one).
#  5. A second container on the same volume: the key and the imported issuer are still there.
#  6. Everything it started is removed: containers, the volume, the daemon if it started one;
#     the image and a stand-in base only with --remove-images (they are the build cache).
#
# Exit 0: every check passed; 1: a check failed; 3: no Docker engine can run on this machine
# (the reason is printed; .ci/run reports it and goes on).
# Environment: DOCKER (client), CERTCHECK_IMAGE (tag, default certcheck:image-test),
# CERTCHECK_IMAGE_MAX_MB, CERTCHECK_READY_TIMEOUT (seconds, default 300), CERTCHECK_BUILD_CA
# (CA bundle for pip in the build; default the host's), plus scripts/docker-base.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."

image="${CERTCHECK_IMAGE:-certcheck:image-test}"
max_mb="${CERTCHECK_IMAGE_MAX_MB:-600}"
ready_timeout="${CERTCHECK_READY_TIMEOUT:-300}"
photo="samples/photos/knockoff-wording.jpg"
issuers_csv="samples/registry/demo-issuers.csv"
remove_images=0
for argument in "$@"; do
    case "$argument" in
        --remove-images) remove_images=1 ;;
        -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
        *) printf 'image-test: unknown argument %s (see --help)\n' "$argument" >&2; exit 2 ;;
    esac
done

say() { printf 'image-test: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
no_engine() { say "SKIPPED: no Docker engine can run on this machine: $*"; exit 3; }
started=$SECONDS
elapsed() { printf '%d s' $((SECONDS - started)); }

work="$(mktemp -d "${TMPDIR:-/tmp}/certcheck-image-test.XXXXXX")"
tag="$$-$RANDOM"
volume="certcheck-image-test-$tag"
containers=()
daemon_pid=""
volume_made=0
base_was_there=1
docker=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$docker" ]] && "$docker" info >/dev/null 2>&1; then
        for container in "${containers[@]}"; do
            "$docker" rm --force "$container" >/dev/null 2>&1 || true
        done
        if ((volume_made)); then "$docker" volume rm "$volume" >/dev/null 2>&1 || true; fi
        if ((remove_images)); then
            "$docker" image rm "$image" >/dev/null 2>&1 || true
            if ((!base_was_there)); then "$docker" image rm "$base" >/dev/null 2>&1 || true; fi
            "$docker" builder prune --force >/dev/null 2>&1 || true
        fi
    fi
    if [[ -n "$daemon_pid" ]]; then
        kill "$daemon_pid" 2>/dev/null || true
        for _ in $(seq 60); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$daemon_pid" 2>/dev/null; then kill -9 "$daemon_pid" 2>/dev/null || true; fi
        say "stopped the Docker daemon it had started (pid $daemon_pid)"
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. the engine ------------------------------------------------------------------------
# A client that can build with BuildKit (for the build secret): one with the buildx plugin,
# or one older than 23.0, which has BuildKit built in (DOCKER_BUILDKIT=1).
for candidate in ${DOCKER:-} docker /usr/bin/docker; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" buildx version >/dev/null 2>&1; then docker="$candidate"; break; fi
    major="$("$candidate" --version 2>/dev/null | sed -n 's/^Docker version \([0-9]*\)\..*/\1/p')"
    if [[ -n "$major" ]] && ((major < 23)); then docker="$candidate"; break; fi
done
if [[ -z "$docker" ]]; then
    command -v docker >/dev/null 2>&1 || no_engine "no docker client (Debian: apt-get install docker.io)"
    no_engine "the docker client cannot build with BuildKit (no buildx plugin; Debian's docker.io client can)"
fi

if ! "$docker" info >/dev/null 2>&1; then
    command -v dockerd >/dev/null 2>&1 || no_engine "no daemon answers and dockerd is not installed (Debian: apt-get install docker.io)"
    [[ "$(id -u)" == 0 ]] || no_engine "no daemon answers, and starting dockerd needs root"
    say "no daemon answers: starting dockerd (nice 10; log in $work/dockerd.log)"
    nice -n 10 dockerd >"$work/dockerd.log" 2>&1 &
    daemon_pid=$!
    for _ in $(seq 120); do
        "$docker" info >/dev/null 2>&1 && break
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.5
    done
    if ! "$docker" info >/dev/null 2>&1; then
        tail -n 15 "$work/dockerd.log" >&2 || true
        kill "$daemon_pid" 2>/dev/null || true
        wait "$daemon_pid" 2>/dev/null || true
        daemon_pid=""
        no_engine "dockerd would not start (its log above)"
    fi
fi
say "Docker engine $("$docker" info --format '{{.ServerVersion}} ({{.Driver}})'), client $docker"
command -v curl >/dev/null 2>&1 || fail "curl is needed on the host (the checks talk HTTP to the container)"
[[ -s "$photo" && -s "$issuers_csv" ]] || fail "$photo or $issuers_csv is missing from the checkout"

# --- 2. the base ----------------------------------------------------------------------------
base="$(sed -n 's/^FROM[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' Dockerfile | sort -u)"
[[ "$(wc -l <<<"$base")" == 1 ]] || fail "the Dockerfile's stages should share one base, found: $base"
"$docker" image inspect "$base" >/dev/null 2>&1 || base_was_there=0
DOCKER="$docker" bash scripts/docker-base.sh "$base" || fail "no base image $base (see above)"

# --- 3. the image ---------------------------------------------------------------------------
secret=()
ca="${CERTCHECK_BUILD_CA:-${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}}"
if [[ -s "$ca" ]]; then secret=(--secret "id=pip-ca,src=$ca"); fi
say "building $image (BuildKit, nice 10$([[ -s "$ca" ]] && printf '; pip trusts %s' "$ca"))"
previous_id="$("$docker" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
build_started=$SECONDS
if ! DOCKER_BUILDKIT=1 nice -n 10 "$docker" build --progress=plain "${secret[@]}" --tag "$image" . \
    >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    fail "the image did not build (the end of the build log above)"
fi
# The image an earlier run left under this tag would stay behind untagged: removed (unless in use).
if [[ -n "$previous_id" && "$previous_id" != "$("$docker" image inspect --format '{{.Id}}' "$image")" ]]; then
    "$docker" image rm "$previous_id" >/dev/null 2>&1 || true
fi
size=$("$docker" image inspect --format '{{.Size}}' "$image")
size_mb=$((size / 1000000))
say "built $image in $((SECONDS - build_started)) s: $size_mb MB (target <= $max_mb MB)"
# What takes the space: the base, then the virtualenv's largest installed distributions.
base_mb=$(($("$docker" image inspect --format '{{.Size}}' "$base") / 1000000))
"$docker" run --rm --entrypoint python "$image" -c '
import importlib.metadata as md, os, sys
from pathlib import Path
sizes = {}
for dist in md.distributions():
    total = 0
    for item in dist.files or []:
        path = Path(dist.locate_file(item))
        if path.is_file():
            total += path.stat().st_size
    sizes[dist.metadata["Name"]] = total
venv = sum(f.stat().st_size for f in Path(sys.prefix).rglob("*") if f.is_file() and not f.is_symlink())
print(f"  base image {sys.argv[1]} MB, virtualenv {venv / 1e6:.0f} MB, of which:")
for name, total in sorted(sizes.items(), key=lambda kv: -kv[1])[:10]:
    print(f"    {total / 1e6:6.1f} MB  {name}")
' "$base_mb" >&2 || fail "could not list the image's contents"
((size_mb <= max_mb)) || fail "the image is $size_mb MB, more than $max_mb MB"

# --- 4. a container with a data volume -------------------------------------------------------
"$docker" volume create "$volume" >/dev/null
volume_made=1

run_container() {  # NAME: starts it on the volume, sets $address to its published port
    "$docker" run --detach --name "$1" --publish 127.0.0.1::8000 \
        --volume "$volume:/home/certcheck/data" "$image" >/dev/null
    containers+=("$1")
    address="$("$docker" port "$1" 8000/tcp | head -n 1)"
    [[ -n "$address" ]] || fail "$1 published no port"
}

wait_ready() {  # NAME: waits for /readyz 200, fails when the container stops or time runs out
    local waited=$SECONDS code
    while ((SECONDS - waited < ready_timeout)); do
        if [[ "$("$docker" inspect --format '{{.State.Running}}' "$1")" != true ]]; then
            "$docker" logs --tail 30 "$1" >&2 || true
            fail "$1 stopped before it was ready (its log above)"
        fi
        code="$(curl -sS -o "$work/readyz.json" -w '%{http_code}' "http://$address/readyz" 2>/dev/null || true)"
        if [[ "$code" == 200 ]]; then
            say "$1 ready after $((SECONDS - waited)) s: $(cat "$work/readyz.json")"
            return 0
        fi
        sleep 1
    done
    "$docker" logs --tail 30 "$1" >&2 || true
    fail "$1 not ready after $ready_timeout s (last /readyz: ${code:-no answer})"
}

expect_status() {  # WANT DESCRIPTION CURL-ARGS...: the HTTP status of one request
    local want="$1" what="$2" got
    shift 2
    got="$(curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@")" || fail "$what: no answer"
    [[ "$got" == "$want" ]] || fail "$what: HTTP $got, expected $want: $(head -c 300 "$work/body")"
}

# The image's own Python reads the answers, so the host needs only curl.
in_image_python() {  # CONTAINER PROGRAM [ARGS...] < JSON
    local container="$1"
    shift
    "$docker" exec -i "$container" python -c "$@"
}

# What the report of the knock-off photo must say: read by OCR (title), judged high on its wording.
report_check="$(cat <<'EOF'
import json, sys
report = json.load(sys.stdin)
codes = sorted({item["code"] for item in report["evidence"]})
certificate = report.get("certificate") or {}
level, title, number = report.get("risk_level"), certificate.get("title") or "", certificate.get("id_number") or ""
problems = []
if report.get("schema_version") != "1":
    problems.append(f"schema_version {report.get('schema_version')!r}")
if level != "high":
    problems.append(f"risk_level {level!r}, expected high")
if not {"FORBIDDEN_WORDING", "ADDED_TEXT"} & set(codes):
    problems.append(f"no wording evidence among {codes}")
if "证书" not in title:
    problems.append(f"title {title!r}: the OCR did not read the certificate")
if number and "*" not in number:
    problems.append("the ID number came back unmasked")
print(f"  risk_level={level} codes={codes} title={title!r}")
sys.exit("; ".join(problems) or None)
EOF
)"
first="certcheck-image-test-$tag-1"
run_container "$first"
say "started $first on volume $volume, published at $address"
wait_ready "$first"
expect_status 200 "GET /healthz" "http://$address/healthz"

check_started=$SECONDS
expect_status 200 "POST /v1/check $photo" -F "file=@$photo" "http://$address/v1/check"
in_image_python "$first" "$report_check" <"$work/body" >&2 || fail "POST /v1/check: the report is not the expected one"
say "POST /v1/check answered in $((SECONDS - check_started)) s"

expect_status 200 "GET / (upload page)" "http://$address/"
grep -q 'type="file"' "$work/body" || fail "GET /: no file input on the upload page"
grep -qi '^content-security-policy:' "$work/headers" || fail "GET /: no Content-Security-Policy header"
say "GET / serves the upload page"

image_user="$("$docker" image inspect --format '{{.Config.User}}' "$image")"
exec_uid="$("$docker" exec "$first" id -u)"
server_uid="$("$docker" exec "$first" sh -c 'stat -c %u /proc/1')"
[[ -n "$image_user" && "${image_user%%:*}" != 0 && "${image_user%%:*}" != root ]] || fail "image user is '$image_user'"
[[ "$exec_uid" != 0 && "$server_uid" != 0 ]] || fail "runs as root (exec uid $exec_uid, server uid $server_uid)"
say "non-root: image user $image_user, server process uid $server_uid"

key="$("$docker" exec "$first" certcheck keys add image-test 2>"$work/keys.err")" || {
    cat "$work/keys.err" >&2
    fail "certcheck keys add failed in the container"
}
[[ ${#key} -ge 16 ]] || fail "certcheck keys add printed no key"
if "$docker" exec "$first" grep -rqF -- "$key" /home/certcheck/data; then fail "the key is stored in clear in the data dir"; fi
say "certcheck keys add: a key of ${#key} characters, stored as a hash in the volume"

head -n 2 "$issuers_csv" >"$work/issuer.csv"
issuer_code="$(sed -n '2s/,.*//p' "$work/issuer.csv")"
csv=(-H 'Content-Type: text/csv' --data-binary "@$work/issuer.csv")
expect_status 401 "POST /v1/issuers without a key" "${csv[@]}" "http://$address/v1/issuers"
expect_status 403 "POST /v1/issuers with a wrong key" -H "X-API-Key: not-$key" "${csv[@]}" "http://$address/v1/issuers"
expect_status 200 "POST /v1/issuers with the new key" -H "X-API-Key: $key" "${csv[@]}" "http://$address/v1/issuers"
say "POST /v1/issuers: 401 without a key, 403 with a wrong one, 200 with the new one: $(cat "$work/body")"

# --- 5. the data survive a restart ------------------------------------------------------------
"$docker" rm --force "$first" >/dev/null
second="certcheck-image-test-$tag-2"
run_container "$second"
say "removed $first; started $second on the same volume"
wait_ready "$second"
expect_status 200 "GET /v1/issuers after the restart" "http://$address/v1/issuers"
grep -qF "\"$issuer_code\"" "$work/body" || fail "the imported issuer $issuer_code is gone after the restart"
expect_status 200 "POST /v1/issuers with the key after the restart" -H "X-API-Key: $key" "${csv[@]}" \
    "http://$address/v1/issuers"
grep -qF '"updated":1' "$work/body" || fail "the second import did not update the row it had added: $(cat "$work/body")"
owner="$("$docker" exec "$second" sh -c 'stat -c %u /home/certcheck/data')"
[[ "$owner" == "$server_uid" ]] || fail "the data dir belongs to uid $owner, not the server's $server_uid"
say "after the restart: issuer $issuer_code still registered, the key still accepted, data dir owned by uid $owner"
health="$("$docker" inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$second")"

say "PASSED in $(elapsed): $image ($size_mb MB) built on $base, served, checked and restarted (HEALTHCHECK: ${health:-none})"
