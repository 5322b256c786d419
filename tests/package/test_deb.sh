#!/usr/bin/env bash
# ctest package_deb: builds the Debian package from the build tree as
# `make package` does (cmake/package.cmake), into a folder of its own, and
# takes it apart with dpkg-deb: name, version and architecture; the control
# fields and Depends (against the libraries the ELF files need); every path
# (exactly what `cmake --install` installs, under /usr, plus the unit, the
# conffile and the docs; nothing from tests, benchmarks or the c-kzg peer);
# the control files (conffiles, ldconfig trigger, shlibs, maintainer
# scripts, md5sums); then, extracted: the binaries run, the library loads,
# pkg-config resolves, the unit starts /usr/bin/kzgd as the user the
# postinst creates, kzgd accepts the default config, and the maintainer
# scripts do what they should against stub commands. Lintian when installed.
# Builds nothing: run it on a built tree.
#   test_deb.sh CPACK CMAKE BUILD_DIR VERSION WORKDIR
set -euo pipefail
cpack=$1 cmake=$2 build=$(realpath "$3") version=$4 work=$5
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

for tool in dpkg-deb dpkg readelf pkg-config python3 gzip md5sum; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (scripts/bootstrap.sh installs what the tests need)"
done
[[ -f $build/CPackConfig.cmake ]] || fail "$build/CPackConfig.cmake missing: configure with KZG_BUILD_TOOLS=ON"
rm -rf "$work"
mkdir -p "$work"

# ---- the package ------------------------------------------------------------
# -B: its own output and staging folders (`make package` writes build/*.deb).
# CPACK_CMAKE_GENERATOR=Ninja: with the Makefile generator cpack would first
# run `make preinstall`, i.e. build everything; Ninja has no preinstall step,
# so cpack only installs what is built (Ninja itself is never run).
if ! "$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" -D CPACK_CMAKE_GENERATOR=Ninja \
        >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    fail "cpack -G DEB failed"
fi
arch=$(dpkg --print-architecture)
name=kzgd_${version}_${arch}.deb
debs=$(cd "$work/out" && find . -maxdepth 1 -name '*.deb' -printf '%f\n' | sort)
[[ $debs == "$name" ]] || fail "expected exactly $name from cpack, got: ${debs:-nothing}"
deb=$work/out/$name
ok "$name ($(stat -c %s "$deb") bytes)"
dpkg-deb --info "$deb"

# ---- control fields -------------------------------------------------------------
field() { dpkg-deb --field "$deb" "$1"; }
[[ $(field Package) == kzgd ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), the project's is $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture), expected $arch"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer is not 'Name <address>': $(field Maintainer)"
[[ -n $(field Section) ]] || fail "no Section"
[[ $(field Priority) == optional ]] || fail "Priority: $(field Priority)"
description=$(field Description)
[[ $(sed -n 1p <<<"$description") =~ ^[A-Za-z].{8,78}[^.]$ ]] || fail "Description's synopsis: $(sed -n 1p <<<"$description")"
(($(wc -l <<<"$description") > 1)) || fail "Description has no extended description"
awk 'length > 80 { exit 1 }' <<<"$description" || fail "Description has lines longer than 80 characters"
depends=$(field Depends)
depends_names=$(sed 's/[,|]/\n/g' <<<"$depends" | sed 's/(.*//; s/:any//; s/[[:space:]]//g' | sed '/^$/d' | sort -u)
grep -qx adduser <<<"$depends_names" || fail "Depends lacks adduser (the postinst calls it): $depends"
ok "fields: Version $version, Architecture $arch, Depends: $depends"

# ---- paths --------------------------------------------------------------------
dpkg-deb --contents "$deb" >"$work/contents.txt"
if [[ -n $(awk '$2 != "root/root"' "$work/contents.txt") ]]; then
    fail "entries not owned by root/root: $(awk '$2 != "root/root"' "$work/contents.txt")"
fi
# path (no ./, no trailing /) and its mode string
awk '{ p = $6; sub(/^\.\//, "", p); sub(/\/$/, "", p); if (p != "" && p != ".") print p "\t" $1 }' \
    "$work/contents.txt" | sort >"$work/paths.txt"
cut -f1 "$work/paths.txt" >"$work/all_paths.txt"
awk -F'\t' '$2 !~ /^d/ { print $1 }' "$work/paths.txt" >"$work/files.txt"
mode_of() { awk -F'\t' -v p="$1" '$1 == p { print $2 }' "$work/paths.txt"; }

# What `cmake --install` installs (relative to its prefix), under usr/, plus
# the package-only files: nothing more, nothing less.
env -u DESTDIR "$cmake" --install "$build" --prefix "$work/ref" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "cmake --install $build failed"; }
{
    (cd "$work/ref" && find . ! -type d -printf 'usr/%P\n')
    printf '%s\n' etc/kzgd/kzgd.conf lib/systemd/system/kzgd.service \
        usr/share/doc/kzgd/copyright usr/share/doc/kzgd/changelog.gz
} | sort >"$work/expected.txt"
missing=$(comm -23 "$work/expected.txt" "$work/files.txt")
extra=$(comm -13 "$work/expected.txt" "$work/files.txt")
[[ -z $missing ]] || fail "missing from the package: $missing"
[[ -z $extra ]] || fail "in the package but neither installed by cmake --install nor package-only: $extra"

# Named, so that losing an install rule fails here even though the two
# listings above would still agree.
required=(usr/bin/kzgd usr/bin/kzgctl usr/lib/libkzg.so usr/lib/libkzg.so.0 "usr/lib/libkzg.so.$version"
          usr/lib/libkzg.a usr/include/kzg/kzg.hpp usr/include/kzg/version.hpp usr/include/kzg-ckzg/ckzg.h
          usr/include/kzg-ckzg/blst.h usr/lib/pkgconfig/kzg.pc usr/lib/pkgconfig/kzg-ckzg.pc
          usr/lib/cmake/kzg/kzgConfig.cmake usr/lib/cmake/kzg/kzgConfigVersion.cmake
          lib/systemd/system/kzgd.service etc/kzgd/kzgd.conf usr/share/doc/kzgd/copyright
          usr/share/doc/kzgd/changelog.gz)
for p in "${required[@]}"; do grep -qxF "$p" "$work/all_paths.txt" || fail "$p is not in the package"; done
bad=$(grep -E '(^|/)(tests?|bench|benchmarks?|_CPack_Packages|CMakeFiles|peers)(/|$)|kzgd_broken|ckzg_peer|libckzg|kzg_compare|kzg_bench|inprocess|^usr/local(/|$)|^(opt|home|root|tmp|work|srv)(/|$)' \
      "$work/all_paths.txt" || true)
[[ -z $bad ]] || fail "unexpected paths in the package: $bad"
outside=$(grep -vE '^(etc|etc/kzgd(/kzgd\.conf)?|lib|lib/systemd|lib/systemd/system(/kzgd\.service)?|usr|usr/(bin|lib|include|share)(/.*)?)$' \
          "$work/all_paths.txt" || true)
[[ -z $outside ]] || fail "paths outside /usr, /etc/kzgd and /lib/systemd/system: $outside"
for p in usr/bin/kzgd usr/bin/kzgctl; do [[ $(mode_of "$p") == -rwxr-xr-x ]] || fail "$p mode $(mode_of "$p")"; done
for p in etc/kzgd/kzgd.conf lib/systemd/system/kzgd.service; do
    [[ $(mode_of "$p") == -rw-r--r-- ]] || fail "$p mode $(mode_of "$p")"
done
unsafe=$(awk -F'\t' '$2 !~ /^l/ && ($2 ~ /^........w/ || $2 ~ /[sStT]/)' "$work/paths.txt")
[[ -z $unsafe ]] || fail "world-writable, set-id or sticky entries: $unsafe"
ok "$(wc -l <"$work/files.txt") files: cmake --install's under /usr, the unit, the conffile, the docs; nothing else"

# ---- control files ----------------------------------------------------------------
ctl=$work/control
dpkg-deb --control "$deb" "$ctl"
for f in control md5sums conffiles postinst prerm postrm triggers shlibs; do
    [[ -f $ctl/$f ]] || fail "control file $f missing (has: $(cd "$ctl" && echo *))"
done
[[ $(cat "$ctl/conffiles") == /etc/kzgd/kzgd.conf ]] || fail "conffiles: $(cat "$ctl/conffiles")"
grep -qE '^[[:space:]]*activate-noawait[[:space:]]+ldconfig[[:space:]]*$' "$ctl/triggers" ||
    fail "no ldconfig trigger: $(cat "$ctl/triggers")"
grep -qE "^libkzg 0 kzgd \\(>= $version\\)\$" "$ctl/shlibs" || fail "shlibs: $(cat "$ctl/shlibs")"
for s in postinst prerm postrm; do
    [[ -x $ctl/$s ]] || fail "$s is not executable"
    [[ $(head -1 "$ctl/$s") == '#!/bin/sh' ]] || fail "$s does not start with #!/bin/sh"
    sh -n "$ctl/$s" || fail "$s: sh -n reports a syntax error"
    if command -v dash >/dev/null 2>&1; then dash -n "$ctl/$s" || fail "$s: dash -n reports a syntax error"; fi
    grep -q '^set -e' "$ctl/$s" || fail "$s does not set -e"
    if grep -nE '^[^#]*\bldconfig\b' "$ctl/$s"; then fail "$s calls ldconfig (the trigger does that)"; fi
    # Commands by name only: the stub run below relies on it (and it runs as root).
    if grep -nE '(^[[:space:]]*|[;&|(`][[:space:]]*|\b(then|do|else|exec|command)[[:space:]]+)/(usr/)?s?bin/' "$ctl/$s"; then
        fail "$s runs a command by absolute path"
    fi
done
if command -v shellcheck >/dev/null 2>&1; then
    shellcheck -s sh -S error "$ctl/postinst" "$ctl/prerm" "$ctl/postrm" || fail "shellcheck reports errors"
fi
ok "control: conffiles, ldconfig trigger, shlibs, postinst/prerm/postrm (sh -n)"

# ---- extracted ----------------------------------------------------------------------
root=$work/root
dpkg-deb -x "$deb" "$root"
(cd "$root" && md5sum --quiet -c "$ctl/md5sums") || fail "md5sums do not match the extracted files"
for l in usr/lib/libkzg.so usr/lib/libkzg.so.0; do
    [[ -L $root/$l && -f $root/$l && $(readlink "$root/$l") != /* ]] || fail "$l is not a relative link to the library"
done
soname=$(readelf -d "$root/usr/lib/libkzg.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == libkzg.so.0 ]] || fail "SONAME of libkzg.so.$version: '$soname'"
for elf in "$root/usr/bin/kzgd" "$root/usr/bin/kzgctl" "$root/usr/lib/libkzg.so.$version"; do
    if readelf -d "$elf" | grep -E '\((RPATH|RUNPATH)\)'; then fail "$elf has an RPATH/RUNPATH"; fi
done
export LD_LIBRARY_PATH=$root/usr/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
v=$(env -u KZGD_CONFIG "$root/usr/bin/kzgd" --version) || fail "the packaged kzgd --version failed"
[[ $v == "kzgd $version "* ]] || fail "kzgd --version: $v"
v=$("$root/usr/bin/kzgctl" --version) || fail "the packaged kzgctl --version failed"
[[ $v == "kzgctl $version "* ]] || fail "kzgctl --version: $v"
python3 - "$root/usr/lib/libkzg.so.0" <<'PY' || fail "the packaged libkzg.so.0 does not load or lacks the C API"
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
for sym in ("blob_to_kzg_commitment", "verify_cell_kzg_proof_batch", "load_trusted_setup_file"):
    getattr(lib, sym)
PY
for m in kzg kzg-ckzg; do
    pc_version=$(PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig pkg-config --modversion "$m") ||
        fail "pkg-config does not find $m in the package"
    [[ $pc_version == "$version" ]] || fail "pkg-config $m: version $pc_version"
    incdir=$(PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig pkg-config --variable=includedir "$m")
    [[ $(realpath -m "$incdir") == "$root/usr/include" ]] || fail "pkg-config $m: includedir $incdir"
done
# Depends: every library the ELF files need comes from a package in Depends.
for elf in "$root/usr/bin/kzgd" "$root/usr/bin/kzgctl" "$root/usr/lib/libkzg.so.$version"; do
    deps=$(ldd "$elf") || fail "ldd $elf failed"
    if grep -q 'not found' <<<"$deps"; then fail "$elf: libraries not found: $deps"; fi
    while read -r lib path; do
        [[ $path == "$root"/* ]] && continue  # the package's own libkzg
        owner=""
        for cand in "$path" "/usr$path" "${path#/usr}" "$(realpath "$path")"; do
            owner=$(dpkg -S "$cand" 2>/dev/null | sed -n '1s/[:,].*//p') && [[ -n $owner ]] && break
        done
        [[ -n $owner ]] || fail "no Debian package owns $path ($lib, needed by ${elf#"$root"/})"
        grep -qx "$owner" <<<"$depends_names" || fail "${elf#"$root"/} needs $lib from $owner, which Depends lacks: $depends"
    done < <(awk '/=> \// { print $1, $3 } /^[[:space:]]*\/[^ ]+ \(/ { print $1, $1 }' <<<"$deps")
done
zhead=$(gzip -dc "$root/usr/share/doc/kzgd/changelog.gz" | sed -n 1p)
[[ $zhead == "kzgd ($version) "* ]] || fail "changelog's first entry is not for $version: $zhead (deploy/debian/changelog)"
[[ -s $root/usr/share/doc/kzgd/copyright ]] || fail "empty copyright file"
ok "extracted: kzgd/kzgctl --version $version, libkzg.so.0 loads, pkg-config, Depends cover ldd, changelog $version"

# ---- the unit ---------------------------------------------------------------------------
unit=$root/lib/systemd/system/kzgd.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[[ $(wc -l <<<"$exec_start") == 1 && -n $exec_start ]] || fail "kzgd.service needs exactly one ExecStart=: '$exec_start'"
read -r -a argv <<<"$exec_start"
[[ ${argv[0]#[-@+!:]} == /usr/bin/kzgd ]] || fail "ExecStart= runs ${argv[0]}, not /usr/bin/kzgd"
config=/etc/kzgd/kzgd.conf
for ((i = 1; i < ${#argv[@]}; i++)); do
    case ${argv[i]} in
    --config) config=${argv[i + 1]:-} ;;
    --config=*) config=${argv[i]#--config=} ;;
    esac
done
grep -qxF "$config" "$ctl/conffiles" || fail "ExecStart= reads $config, which is not the package's conffile"
# Every program an Exec*= line names under /usr/bin is in the package.
while read -r prog; do
    prog=${prog#[-@+!:]}
    [[ $prog != /usr/bin/* ]] || [[ -x $root$prog ]] || fail "kzgd.service runs $prog, which the package lacks"
done < <(sed -n 's/^Exec[A-Za-z]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' "$unit")
unit_user=$(sed -n 's/^User=//p' "$unit" | tail -1)
if [[ -n $unit_user ]]; then
    grep -qE "^[^#]*(adduser|useradd)\b.*\b$unit_user\b" "$ctl/postinst" ||
        fail "kzgd.service runs as $unit_user, which the postinst does not create"
fi
grep -qE '^WantedBy=' "$unit" || fail "kzgd.service has no [Install] WantedBy= (the postinst enables it)"
ok "unit: ExecStart=${argv[0]} --config $config, User=${unit_user:-root}"

# ---- the default config ------------------------------------------------------------------
conf=$root$config
listen=$(sed -n 's/^[[:space:]]*listen[[:space:]]*=[[:space:]]*//p' "$conf" | tr -d '"' | tr -d '[:space:]')
[[ -z $listen || $listen == 127.0.0.1:* || $listen == localhost:* || $listen == '[::1]:'* ]] ||
    fail "the default config listens on $listen: a fresh install must listen on loopback only"
kzgd_env=(env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$LD_LIBRARY_PATH")
cp "$conf" "$work/broken.conf"
echo "no-such-key = 1" >>"$work/broken.conf"
if grep -q -- '--check-config' <<<"$("${kzgd_env[@]}" "$root/usr/bin/kzgd" --help)"; then
    "${kzgd_env[@]}" "$root/usr/bin/kzgd" --check-config --config "$conf" >"$work/check.log" 2>&1 ||
        { cat "$work/check.log"; fail "kzgd --check-config rejects the packaged $config"; }
    if "${kzgd_env[@]}" "$root/usr/bin/kzgd" --check-config --config "$work/broken.conf" >/dev/null 2>&1; then
        fail "kzgd --check-config accepts a config with an unknown key: the check above proves nothing"
    fi
    ok "kzgd --check-config accepts $config (and rejects a broken copy)"
else
    # No --check-config: start it on that config (port 0, table cache in the
    # work folder) and ask /livez.
    "${kzgd_env[@]}" "$root/usr/bin/kzgd" --config "$conf" --listen 127.0.0.1:0 --ports-file "$work/port" \
        --table-cache "$work/tables" >"$work/kzgd.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do [[ -s $work/port ]] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [[ -s $work/port ]] || { cat "$work/kzgd.log"; kill "$pid" 2>/dev/null || true; fail "kzgd did not start on $config"; }
    live=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).status)' \
        "http://127.0.0.1:$(cat "$work/port")/livez" 2>&1) || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ $live == 200 ]] || { cat "$work/kzgd.log"; fail "GET /livez on kzgd started with $config: $live"; }
    rc=0
    timeout 20 "${kzgd_env[@]}" "$root/usr/bin/kzgd" --config "$work/broken.conf" --listen 127.0.0.1:0 \
        >/dev/null 2>&1 || rc=$?
    [[ $rc == 2 ]] || fail "kzgd with an unknown config key exited $rc, not 2"
    ok "kzgd serves /livez with $config (and refuses a broken copy)"
fi

# ---- the maintainer scripts against stub commands ---------------------------------------------
# PATH holds only stubs that log their arguments, so nothing real runs (the
# check above refuses absolute command paths). getent answers from STUB_USER.
stubs=$work/stubs
mkdir -p "$stubs"
# shellcheck disable=SC2016 # the stubs expand $* and $STUB_LOG when they run
for c in adduser addgroup useradd groupadd deluser delgroup userdel groupdel systemctl \
         deb-systemd-helper deb-systemd-invoke rm rmdir ldconfig; do
    printf '#!/bin/sh\necho "%s $*" >>"$STUB_LOG"\nexit 0\n' "$c" >"$stubs/$c"
done
# shellcheck disable=SC2016
printf '#!/bin/sh\necho "getent $*" >>"$STUB_LOG"\n[ "$STUB_USER" = present ] && exit 0\nexit 2\n' >"$stubs/getent"
chmod +x "$stubs"/*
mkdir -p "$work/stubs-no-adduser"
cp -p "$stubs"/* "$work/stubs-no-adduser/"
rm -f "$work/stubs-no-adduser/adduser" "$work/stubs-no-adduser/addgroup"
run_script() {  # STUBDIR USER SCRIPT ARGS... -> log in $work/calls
    local dir=$1 user=$2 script=$3
    shift 3
    : >"$work/calls"
    env -i PATH="$dir" STUB_LOG="$work/calls" STUB_USER="$user" /bin/sh "$ctl/$script" "$@"
}
systemd_running=false
[[ -d /run/systemd/system ]] && systemd_running=true

run_script "$stubs" absent postinst configure "" || fail "postinst configure failed"
grep -qE '^adduser .*--system' "$work/calls" || fail "postinst configure did not create the kzgd user: $(cat "$work/calls")"
a=$(grep '^adduser ' "$work/calls")
for want in --no-create-home /usr/sbin/nologin ' kzgd$'; do
    grep -qE -- "$want" <<<"$a" || fail "postinst: adduser lacks $want: $a"
done
grep -qE '^(addgroup --system .*kzgd|adduser .*--group)' "$work/calls" || fail "postinst did not create the kzgd group"
grep -q '^deb-systemd-helper enable kzgd.service' "$work/calls" || fail "postinst did not enable kzgd.service"
if $systemd_running; then
    grep -q '^systemctl --system daemon-reload' "$work/calls" || fail "postinst: no daemon-reload under systemd"
else
    if grep -qE '^(systemctl|deb-systemd-invoke)' "$work/calls"; then fail "postinst called systemctl without systemd: $(cat "$work/calls")"; fi
fi
run_script "$stubs" present postinst configure 0.0.9 || fail "postinst configure (upgrade) failed"
if grep -qE '^(adduser|addgroup|useradd|groupadd)' "$work/calls"; then fail "postinst re-created an existing user: $(cat "$work/calls")"; fi
run_script "$work/stubs-no-adduser" absent postinst configure "" || fail "postinst configure (no adduser) failed"
grep -qE '^groupadd --system kzgd' "$work/calls" || fail "postinst without adduser: no groupadd: $(cat "$work/calls")"
grep -qE '^useradd --system .*--no-create-home .*/usr/sbin/nologin.* kzgd$' "$work/calls" ||
    fail "postinst without adduser: useradd: $(cat "$work/calls")"
if run_script "$stubs" absent postinst bogus-argument 2>/dev/null; then fail "postinst accepts an unknown argument"; fi
run_script "$stubs" present prerm remove || fail "prerm remove failed"
if ! $systemd_running && grep -qE '^(systemctl|deb-systemd-invoke)' "$work/calls"; then fail "prerm called systemctl without systemd"; fi
run_script "$stubs" present postrm remove || fail "postrm remove failed"
if grep -qE '^(deluser|userdel|delgroup|groupdel|rm )' "$work/calls"; then fail "postrm remove deleted the user or data: $(cat "$work/calls")"; fi
run_script "$stubs" present postrm purge || fail "postrm purge failed"
grep -qE '^deluser .*kzgd' "$work/calls" || fail "postrm purge did not remove the kzgd user: $(cat "$work/calls")"
grep -qE '^deb-systemd-helper purge kzgd.service' "$work/calls" || fail "postrm purge did not purge the unit's state"
ok "maintainer scripts: user and group created once (adduser or useradd), unit enabled, purge removes them"

# ---- a real install, reinstall, removal and purge -------------------------------------------------
# dpkg in a private mount namespace where /etc, /usr and /var are overlays on
# the host's and /run is empty (no systemd to talk to): the host's files,
# users and dpkg database never change. Needs root and overlayfs; elsewhere
# (or with kzgd already on the host) a note says it did not run.
cat >"$work/lifecycle.sh" <<'LIFECYCLE'
set -euo pipefail
# Outputs are read whole before grep -q: `cmd | grep -q` under pipefail fails
# when grep exits early and cmd dies of SIGPIPE.
deb=$1 ov=$2
die() { echo "LIFECYCLE FAIL: $*"; exit 1; }
for d in etc usr var; do
    mkdir -p "$ov/$d/up" "$ov/$d/work"
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$ov/$d/up,workdir=$ov/$d/work" "/$d" 2>/dev/null || exit 3
done
mount -t tmpfs tmpfs /run 2>/dev/null || exit 3
for d in /etc /usr /var /run; do mountpoint -q "$d" || exit 3; done
export DEBIAN_FRONTEND=noninteractive
dpkg -i "$deb" || die "dpkg -i failed"
[[ $(dpkg-query -W -f='${Status}' kzgd) == "install ok installed" ]] || die "kzgd is not installed"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd kzgd) || die "postinst created no kzgd user"
[[ $(getent group kzgd | cut -d: -f3) == "$gid" ]] || die "kzgd's primary group is not kzgd"
((uid < 1000)) || die "kzgd is not a system user (uid $uid)"
[[ $shell == */nologin || $shell == /bin/false ]] || die "kzgd's shell is $shell"
[[ ! -e $home ]] || die "kzgd has a home directory $home"
grep -q '^ /etc/kzgd/kzgd.conf ' <<<"$(dpkg-query -W -f='${Conffiles}\n' kzgd)" || die "/etc/kzgd/kzgd.conf is not a registered conffile"
grep -q 'libkzg.so.0 ' <<<"$(ldconfig -p)" || die "the ldconfig trigger did not register libkzg.so.0"
grep -q '^kzgd ' <<<"$(/usr/bin/kzgd --version)" || die "installed kzgd does not run"
grep -q '^kzgctl ' <<<"$(/usr/bin/kzgctl --version)" || die "installed kzgctl does not run"
if command -v deb-systemd-helper >/dev/null 2>&1; then
    [[ -L /etc/systemd/system/multi-user.target.wants/kzgd.service ]] || die "kzgd.service was not enabled"
fi
echo "# local edit" >>/etc/kzgd/kzgd.conf
dpkg -i "$deb" || die "reinstall failed"
grep -q '^# local edit' /etc/kzgd/kzgd.conf || die "reinstall overwrote the edited conffile"
dpkg -r kzgd || die "dpkg -r failed"
[[ ! -e /usr/bin/kzgd && ! -e /usr/lib/libkzg.so.0 ]] || die "files left after removal"
[[ -f /etc/kzgd/kzgd.conf ]] || die "removal deleted the conffile (only purge may)"
getent passwd kzgd >/dev/null || die "removal deleted the kzgd user (only purge may)"
if grep -q 'libkzg.so.0 ' <<<"$(ldconfig -p)"; then die "libkzg.so.0 still in the ldconfig cache after removal"; fi
dpkg -P kzgd || die "dpkg -P failed"
[[ ! -e /etc/kzgd ]] || die "/etc/kzgd left after purge"
if getent passwd kzgd >/dev/null; then die "kzgd user left after purge"; fi
if getent group kzgd >/dev/null; then die "kzgd group left after purge"; fi
if [[ -n $(find /etc/systemd -name 'kzgd.service' 2>/dev/null) ]]; then die "unit links left after purge"; fi
echo "lifecycle ok"
LIFECYCLE
if [[ $(id -u) != 0 ]] || ! command -v unshare >/dev/null 2>&1; then
    echo "NOTE: not root (or no unshare): the install/removal/purge cycle was NOT run"
elif dpkg-query -W kzgd >/dev/null 2>&1 || getent passwd kzgd >/dev/null 2>&1; then
    echo "NOTE: kzgd (package or user) exists on this host: the install/removal/purge cycle was NOT run"
else
    rc=0
    unshare -m --propagation private bash "$work/lifecycle.sh" "$deb" "$work/overlay" >"$work/lifecycle.log" 2>&1 || rc=$?
    if ((rc == 3)); then
        echo "NOTE: no private overlay mounts here: the install/removal/purge cycle was NOT run"
    elif ((rc != 0)); then
        cat "$work/lifecycle.log"
        fail "install/removal/purge cycle"
    else
        ok "dpkg -i (system user, conffile, ldconfig trigger, unit enabled), reinstall keeps edits, -r, -P clean up"
    fi
fi

# ---- lintian --------------------------------------------------------------------------------------
if command -v lintian >/dev/null 2>&1; then
    lintian --no-tag-display-limit "$deb" >"$work/lintian.log" 2>&1 || true
    cat "$work/lintian.log"
    if grep -q '^E: ' "$work/lintian.log"; then fail "lintian reports errors"; fi
    ok "lintian: no errors"
else
    echo "NOTE: lintian is not installed: the package was NOT linted (apt-get install lintian to lint it)"
fi
echo "PASS: $name"
