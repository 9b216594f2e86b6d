#!/usr/bin/env bash
# Make sure the Dockerfile's base image is in the local Docker engine.
#
#   bash scripts/docker-base.sh [IMAGE]      (default: the Dockerfile's python:3.11-slim-bookworm)
#
# 1. Already there: nothing to do (a stand-in made earlier says so by its label).
# 2. An image registry answers: `docker pull IMAGE`.
# 3. No registry (closed networks, CI machines without Docker Hub): a STAND-IN built from
#    Debian's own packages — debootstrap bookworm (minbase) + python3, python3-venv,
#    python-is-python3, ca-certificates — imported under IMAGE's name with the label
#    org.certcheck.stand-in=debootstrap-bookworm. It is Debian's Python 3.11 in /usr/bin,
#    not the python.org build in /usr/local/bin that the real image carries; the Dockerfile
#    needs only `python`, `python -m venv` and `useradd`, which both have.
#    The root filesystem is cached as a tarball (CERTCHECK_DOCKER_CACHE, default
#    ~/.cache/certcheck) so a fresh engine imports it in seconds instead of debootstrapping again.
#
# Environment: DOCKER (client, default docker), CERTCHECK_DEBIAN_MIRROR (default
# http://deb.debian.org/debian), CERTCHECK_BASE_PULL_TIMEOUT (seconds, default 120),
# CERTCHECK_BASE_STANDIN=1 (skip the pull, build the stand-in).
# Prints the outcome on stderr; exit 0 when IMAGE is there, 1 when it could not be made.
set -euo pipefail

image="${1:-python:3.11-slim-bookworm}"
docker="${DOCKER:-docker}"
mirror="${CERTCHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache_dir="${CERTCHECK_DOCKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/certcheck}"
label="org.certcheck.stand-in"
packages="python3,python3-venv,python-is-python3,ca-certificates"
# The tarball's name carries what is in it, so a change of packages or of the clean-up below makes a new one.
recipe="$packages;minbase;no-docs-locales-1"
tarball="$cache_dir/standin-bookworm-$(printf '%s' "$recipe" | sha256sum | cut -c1-12).tar.gz"

say() { printf 'docker-base: %s\n' "$*" >&2; }

if "$docker" image inspect "$image" >/dev/null 2>&1; then
    made_by="$("$docker" image inspect --format "{{ index .Config.Labels \"$label\" }}" "$image" 2>/dev/null || true)"
    if [[ -n "$made_by" && "$made_by" != "<no value>" ]]; then
        say "$image is here: the STAND-IN made from Debian packages ($made_by), not the registry's image"
    else
        say "$image is here (from a registry)"
    fi
    exit 0
fi

if [[ "${CERTCHECK_BASE_STANDIN:-0}" != 1 ]]; then
    say "pulling $image"
    mkdir -p "$cache_dir"
    if timeout "${CERTCHECK_BASE_PULL_TIMEOUT:-120}" "$docker" pull --quiet "$image" >/dev/null 2>"$cache_dir/pull.err"; then
        rm -f "$cache_dir/pull.err"
        say "$image pulled from the registry"
        exit 0
    fi
    say "no image registry answers ($(tail -n 1 "$cache_dir/pull.err" | cut -c1-160))"
    rm -f "$cache_dir/pull.err"
fi

import_standin() {
    # The same settings the python image has where the Dockerfile relies on them (LANG, PATH).
    "$docker" import \
        --change "LABEL $label=debootstrap-bookworm" \
        --change "LABEL org.certcheck.stand-in.packages=$packages" \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["python3"]' \
        "$1" "$image" >/dev/null
}

mkdir -p "$cache_dir"
if [[ -s "$tarball" ]]; then
    import_standin "$tarball"
    say "$image is a STAND-IN made from Debian packages (imported from the cache $tarball), not the registry's image"
    exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
    say "debootstrap is missing: apt-get install debootstrap (Debian's packages are enough, no image registry needed)"
    exit 1
fi
if [[ "$(id -u)" != 0 ]]; then
    say "debootstrap needs root to build the stand-in base"
    exit 1
fi

root="$(mktemp -d "${TMPDIR:-/tmp}/certcheck-base.XXXXXX")"
trap 'rm -rf --one-file-system "$root"' EXIT
say "building a STAND-IN for $image: debootstrap bookworm + $packages from $mirror (minutes: downloads and unpacks about 100 packages)"
started=$SECONDS
if ! nice -n 10 debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" \
    >"$root.log" 2>&1; then
    say "debootstrap failed; the end of its log:"
    tail -n 20 "$root.log" >&2
    rm -f "$root.log"
    exit 1
fi
rm -f "$root.log"
# What an image does not need: downloaded packages, package lists, documentation, manuals,
# translations of the system tools' messages (33 MB; the python image has none either).
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*.log \
    "$root"/debootstrap
# Like the python image: sources pointing at the mirror, so `apt-get update` works in a derived image.
printf 'deb %s bookworm main\n' "$mirror" >"$root/etc/apt/sources.list"
tar --numeric-owner --xattrs -C "$root" -czf "$tarball.part" .
mv "$tarball.part" "$tarball"
import_standin "$tarball"
size="$("$docker" image inspect --format '{{.Size}}' "$image")"
say "$image is a STAND-IN made from Debian packages in $((SECONDS - started)) s ($((size / 1000000)) MB; cached in $tarball), not the registry's image"
