#!/usr/bin/env bash
# Fetches the npm registry package c-kzg@4.1.0, which carries blst 0.3.12
# (package/deps/blst), the mainnet trusted_setup.txt and the reference C
# implementation (package/deps/c-kzg), checks its sha512 integrity and unpacks
# it into DEST. Idempotent: a verified unpacked copy is reused, never fetched
# again.  Usage: fetch-ckzg.sh DEST
# KZG_CKZG_TARBALL=/path/c-kzg-4.1.0.tgz uses a tarball fetched by other means
# (it is checked all the same).
set -euo pipefail

PKG="c-kzg@4.1.0"
TARBALL_NAME="c-kzg-4.1.0.tgz"
INTEGRITY="sha512-eliOBB2GKoT5Nk4LwN418O8kWfXCwepHj3kd6z0zKrzIdJbry0Y8IDPYzE5Dxw/fs386PGO6zQRqy8LSVtR5tQ=="

dest=${1:?usage: fetch-ckzg.sh DEST}
stamp="$dest/.verified-$TARBALL_NAME"
if [[ -f "$stamp" && -f "$dest/package/deps/blst/src/server.c" ]]; then
    exit 0
fi

die() { echo "fetch-ckzg: $*" >&2; exit 1; }

mkdir -p "$dest"
tarball="$dest/$TARBALL_NAME"
if [[ -n "${KZG_CKZG_TARBALL:-}" ]]; then
    cp "$KZG_CKZG_TARBALL" "$tarball.part" || die "cannot read KZG_CKZG_TARBALL=$KZG_CKZG_TARBALL"
    mv "$tarball.part" "$tarball"
elif [[ ! -f "$tarball" ]]; then
    command -v npm >/dev/null 2>&1 ||
        die "npm is not installed; install it (Debian: apt-get install npm) or run scripts/bootstrap.sh, or set KZG_CKZG_TARBALL to a downloaded $TARBALL_NAME"
    tmp=$(mktemp -d "$dest/npm.XXXXXX")
    if ! (cd "$tmp" && npm pack "$PKG" --silent >/dev/null 2>"$tmp/npm.log"); then
        cat "$tmp/npm.log" >&2 || true
        rm -rf "$tmp"
        die "'npm pack $PKG' failed: the npm registry (https://registry.npmjs.org) must be reachable, or set KZG_CKZG_TARBALL to a downloaded $TARBALL_NAME"
    fi
    mv "$tmp/$TARBALL_NAME" "$tarball"
    rm -rf "$tmp"
fi

command -v openssl >/dev/null 2>&1 || die "openssl is needed to check the package's sha512 (apt-get install openssl)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
if [[ "$actual" != "$INTEGRITY" ]]; then
    rm -f "$tarball"
    die "integrity mismatch for $TARBALL_NAME: expected $INTEGRITY, got $actual (file removed; run again)"
fi

rm -rf "$dest/package"
tar -xzf "$tarball" -C "$dest"
[[ -f "$dest/package/deps/blst/src/server.c" ]] || die "$TARBALL_NAME has no deps/blst/src/server.c"
[[ -f "$dest/package/deps/c-kzg/ckzg.c" ]] || die "$TARBALL_NAME has no deps/c-kzg/ckzg.c"
touch "$stamp"
echo "fetch-ckzg: $PKG verified ($INTEGRITY) and unpacked in $dest/package"
