# c-kzg 2.1.8 (shared/peers): the newest reference implementation, for the
# differential tests of the C API, its Python and Node.js binding suites and
# the bindings benchmark. Unpacked into the build tree at configure time; never
# into git, never linked into the library.
#
#   KZG_CKZG_PEER_TARBALL   the tarball (default ../shared/peers/c-kzg-4844-2.1.8-*.tar.gz)
#   CKZG_PEER_DIR           where it is unpacked (set here; empty when missing)
#
# A missing tarball leaves CKZG_PEER_DIR empty: the tests that need it are
# then registered as failing with a message (never silently skipped).
set(_kzg_peer_default "")
file(GLOB _kzg_peer_candidates "${CMAKE_SOURCE_DIR}/../shared/peers/c-kzg-4844-2.1.8-*.tar.gz")
if(_kzg_peer_candidates)
  list(GET _kzg_peer_candidates 0 _kzg_peer_default)
endif()
set(KZG_CKZG_PEER_TARBALL "${_kzg_peer_default}" CACHE FILEPATH
    "c-kzg 2.1.8 source tarball (differential tests, binding suites, bindings benchmark)")

set(CKZG_PEER_DIR "")
if(KZG_CKZG_PEER_TARBALL AND EXISTS "${KZG_CKZG_PEER_TARBALL}")
  set(_kzg_peer_root ${CMAKE_BINARY_DIR}/peers)
  file(SHA256 "${KZG_CKZG_PEER_TARBALL}" _kzg_peer_sha)
  set(_kzg_peer_stamp ${_kzg_peer_root}/.unpacked-${_kzg_peer_sha})
  if(NOT EXISTS ${_kzg_peer_stamp})
    file(REMOVE_RECURSE ${_kzg_peer_root})
    file(MAKE_DIRECTORY ${_kzg_peer_root})
    file(ARCHIVE_EXTRACT INPUT "${KZG_CKZG_PEER_TARBALL}" DESTINATION ${_kzg_peer_root})
    file(TOUCH ${_kzg_peer_stamp})
  endif()
  if(EXISTS ${_kzg_peer_root}/c-kzg-4844/src/ckzg.c)
    set(CKZG_PEER_DIR ${_kzg_peer_root}/c-kzg-4844)
    message(STATUS "kzgd: c-kzg 2.1.8 unpacked in ${CKZG_PEER_DIR}")
  else()
    message(WARNING "kzgd: ${KZG_CKZG_PEER_TARBALL} has no c-kzg-4844/src/ckzg.c")
  endif()
else()
  message(STATUS "kzgd: no c-kzg 2.1.8 tarball (KZG_CKZG_PEER_TARBALL): its tests will fail")
endif()
