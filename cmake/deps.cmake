# Third-party code comes only from the npm registry package c-kzg@4.1.0, verified
# against its sha512 integrity by scripts/fetch-ckzg.sh. Nothing third-party is
# committed.
execute_process(
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/fetch-ckzg.sh ${KZG_DEPS_DIR}
  RESULT_VARIABLE _fetch_rc)
if(NOT _fetch_rc EQUAL 0)
  message(FATAL_ERROR
    "Could not obtain c-kzg@4.1.0 (blst sources). See the message above: install npm "
    "(apt-get install npm, or run scripts/bootstrap.sh), make https://registry.npmjs.org "
    "reachable, or set KZG_CKZG_TARBALL to a downloaded c-kzg-4.1.0.tgz.")
endif()

set(CKZG_PACKAGE_DIR ${KZG_DEPS_DIR}/package)
set(BLST_DIR ${CKZG_PACKAGE_DIR}/deps/blst)
set(CKZG_DIR ${CKZG_PACKAGE_DIR}/deps/c-kzg)
set(KZG_MAINNET_SETUP_TXT ${CKZG_DIR}/trusted_setup.txt)

# blst 0.3.12 with its assembly. __BLST_PORTABLE__ selects the ADX/MULX code at
# run time (cpuid), so a binary built here does not die with SIGILL on an older
# x86-64. We compile server.c + assembly.S ourselves rather than run build.sh,
# which adds -D__ADX__ from /proc/cpuinfo and hides errors when run through sh.
add_library(blst STATIC ${BLST_DIR}/src/server.c ${BLST_DIR}/build/assembly.S)
target_include_directories(blst SYSTEM PUBLIC ${BLST_DIR}/bindings)
target_compile_definitions(blst PRIVATE __BLST_PORTABLE__)
target_compile_options(blst PRIVATE $<$<COMPILE_LANGUAGE:C>:-O2 -fno-builtin -w>)
set_target_properties(blst PROPERTIES C_VISIBILITY_PRESET hidden)

# The reference implementation, for differential tests and side-by-side
# benchmarks only: the library never links it.
if(KZG_BUILD_REFERENCE)
  add_library(ckzg_ref STATIC ${CKZG_DIR}/ckzg.c)
  target_include_directories(ckzg_ref SYSTEM PUBLIC ${CKZG_DIR})
  # ckzg_ref.hpp: ckzg.h without its size macros, for C++ users.
  target_include_directories(ckzg_ref PUBLIC ${CMAKE_SOURCE_DIR}/tests/support/reference)
  target_compile_options(ckzg_ref PRIVATE -O2 -w)
  target_link_libraries(ckzg_ref PUBLIC blst)
endif()
