# The Debian package: `make package` writes build/kzgd_<version>_<arch>.deb
# (CPack's DEB generator; `cpack -G DEB` in the build tree does the same), and
# ctest package_deb (tests/package/test_deb.sh) takes it apart. Included from
# the top-level CMakeLists.txt when kzgd and kzgctl are built.
#
# Contents, under /usr:
#   * exactly what `cmake --install` installs (component "Unspecified"):
#     bin/kzgd, bin/kzgctl, lib/libkzg.so.0.* (+ links), lib/libkzg.a,
#     include/kzg, include/kzg-ckzg, lib/pkgconfig, lib/cmake/kzg;
#   * and, in the component "debian" that only the package installs
#     (EXCLUDE_FROM_ALL: a plain `cmake --install` never writes to /etc):
#       /lib/systemd/system/kzgd.service    deploy/systemd/kzgd.service
#       /etc/kzgd/kzgd.conf                 deploy/debian/kzgd.conf, a conffile
#       /usr/share/doc/kzgd/copyright       deploy/debian/copyright
#       /usr/share/doc/kzgd/changelog.gz    deploy/debian/changelog (native package)
# Tests, benchmarks, kzgd_broken_for_tests and the c-kzg peer library install
# nothing, so they are not in it.
#
# Maintainer scripts (deploy/debian): postinst creates the kzgd system user
# and group (kzgd.service's User=), then enables and starts the unit as
# debhelper-built Debian packages do (honouring policy-rc.d and an admin's
# earlier disable); prerm stops it on removal; postrm purge removes the
# user, the cache and the logs. The shared library is registered by a dpkg
# trigger (deploy/debian/triggers: activate-noawait ldconfig) instead of
# ldconfig calls in the scripts.
#
# Depends: computed by dpkg-shlibdeps (dpkg-dev) from the ELF files, plus
# adduser (postinst). Without dpkg-shlibdeps the list below for Debian 12 is
# used instead. Binaries are not stripped: kzgd's CPU profiler names frames
# from its symbols (as in deploy/docker/Dockerfile).
#
#   KZG_PACKAGE_MAINTAINER  "Name <address>" in the Maintainer field
#   KZG_PACKAGE_HOMEPAGE    the Homepage field (left out when empty)

set(KZG_PACKAGE_MAINTAINER "kzgd maintainers <maintainers@users.noreply.r-seed-ed50d39f.example>"
    CACHE STRING "Maintainer of the Debian package (Name <address>)")
set(KZG_PACKAGE_HOMEPAGE "" CACHE STRING "Homepage field of the Debian package (empty: none)")

set(_kzg_deb_dir ${CMAKE_SOURCE_DIR}/deploy/debian)

# ---- the files only the package carries (component "debian") ---------------
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/kzgd.service
  DESTINATION /lib/systemd/system COMPONENT debian EXCLUDE_FROM_ALL)
install(FILES ${_kzg_deb_dir}/kzgd.conf
  DESTINATION /etc/kzgd COMPONENT debian EXCLUDE_FROM_ALL)
install(FILES ${_kzg_deb_dir}/copyright
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT debian EXCLUDE_FROM_ALL)

# changelog.gz, compressed reproducibly (gzip -9n: no name, no time stamp) when
# the package is staged, like the other files read from deploy/ at that time.
# Its first entry must carry the project's version (ctest package_deb checks).
file(STRINGS ${_kzg_deb_dir}/changelog _kzg_changelog_head LIMIT_COUNT 1)
if(NOT _kzg_changelog_head MATCHES "^kzgd \\(${PROJECT_VERSION}\\) ")
  message(WARNING "deploy/debian/changelog: the first entry is not for version ${PROJECT_VERSION} "
                  "(\"${_kzg_changelog_head}\"): add one before packaging")
endif()
find_program(KZG_GZIP gzip REQUIRED)
install(CODE "
  set(_doc \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DOCDIR}\")
  file(MAKE_DIRECTORY \"\${_doc}\")
  execute_process(COMMAND \"${KZG_GZIP}\" -9n -c \"${_kzg_deb_dir}/changelog\"
    OUTPUT_FILE \"\${_doc}/changelog.gz\" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR \"gzip -9n ${_kzg_deb_dir}/changelog failed\")
  endif()" COMPONENT debian EXCLUDE_FROM_ALL)

# ---- CPack ------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kzgd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "kzgd")
set(CPACK_PACKAGE_CONTACT "${KZG_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "KZG commitment engine and HTTP service for Ethereum")
# The extended description, wrapped by hand (CPack keeps the lines as given).
string(JOIN "\n" CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "kzgd computes and verifies KZG polynomial commitments and proofs for"
  "Ethereum blobs (EIP-4844) and PeerDAS cells (EIP-7594), following the"
  "consensus specs, on top of blst, with the mainnet trusted setup built in."
  ""
  "This package holds the kzgd service (HTTP with JSON or SSZ bodies,"
  "Prometheus metrics, a systemd unit), the kzgctl command-line tool, and"
  "libkzg (shared and static; a C++ API and a C API compatible with c-kzg)"
  "with its headers, pkg-config and CMake package files.")
if(KZG_PACKAGE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${KZG_PACKAGE_HOMEPAGE}")
endif()
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # kzgd_<version>_<dpkg --print-architecture>.deb

# /usr, never the build's CMAKE_INSTALL_PREFIX (/usr/local by default). DESTDIR
# staging, so that the absolute destinations (/etc, /lib/systemd) land in the
# package too.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# One package from two components: what `cmake --install` installs, and the
# package-only files above.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified debian)

# Depends.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
find_program(KZG_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(KZG_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "kzgd: no dpkg-shlibdeps (apt-get install dpkg-dev): the package's Depends are "
                 "the fixed Debian 12 list in cmake/package.cmake")
  # `ldd build/bin/kzgd build/bin/kzgctl` and `dpkg -S` on Debian 12.
  string(JOIN ", " CPACK_DEBIAN_PACKAGE_DEPENDS
    "adduser" "libc6 (>= 2.34)" "libgcc-s1 (>= 3.0)" "libstdc++6 (>= 12)" "libssl3 (>= 3.0.0)"
    "libprometheus-cpp-core1.0 (>= 1.0.1)" "libyaml-cpp0.7 (>= 0.7.0)")
endif()
# shlibs: programs linked to libkzg.so.0 depend on this package.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

# conffiles, the maintainer scripts and the ldconfig trigger (with our own
# postinst/postrm CPack adds no ldconfig calls of its own).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${_kzg_deb_dir}/conffiles ${_kzg_deb_dir}/postinst ${_kzg_deb_dir}/prerm
  ${_kzg_deb_dir}/postrm ${_kzg_deb_dir}/triggers)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
