# Sanitizer builds (scripts/ci-hardening.sh, docs/reliability.md).
#
#   -DKZG_SANITIZE=address,undefined   ASan + UBSan (halts on the first UBSan report)
#   -DKZG_SANITIZE=thread              TSan
#   -DKZG_BUILD_FUZZERS=ON             (clang only) libFuzzer coverage on every
#                                      target, and the fuzz/ targets
#
# The flags apply to everything compiled after this file is included (blst's
# C code and the reference c-kzg too, so that their reads of our buffers are
# checked; blst's assembly is not instrumented). Use them in a build directory
# of their own (build-asan, build-tsan, build-fuzz), never in build/.
set(KZG_SANITIZE "" CACHE STRING
    "Comma-separated sanitizers for every target: address,undefined | thread | empty for none")

set(KZG_SANITIZER_FLAGS "")
if(KZG_SANITIZE)
  string(REPLACE "," ";" _kzg_sanitizers "${KZG_SANITIZE}")
  foreach(_s IN LISTS _kzg_sanitizers)
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "KZG_SANITIZE: unknown sanitizer '${_s}' (address, undefined, thread, leak)")
    endif()
  endforeach()
  if("thread" IN_LIST _kzg_sanitizers AND "address" IN_LIST _kzg_sanitizers)
    message(FATAL_ERROR "KZG_SANITIZE: thread and address cannot be combined")
  endif()
  list(APPEND KZG_SANITIZER_FLAGS -fsanitize=${KZG_SANITIZE} -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12's -Wstringop-overflow misfires on instrumented code (e.g. a
    # vector::insert in eip7594/verify.cpp under -fsanitize=thread -O2) while the
    # plain build is clean: keep it a warning, not an error, here only.
    list(APPEND KZG_SANITIZER_FLAGS -Wno-error=stringop-overflow)
    if("thread" IN_LIST _kzg_sanitizers)
      # g++ 12 warns (-Wtsan) wherever std::atomic_thread_fence is inlined, which
      # Boost.Asio does in every completion handler of kzgd: TSan does not model
      # fences. kzgd's own code orders through mutexes, strands and atomics.
      list(APPEND KZG_SANITIZER_FLAGS -Wno-tsan)
    endif()
  endif()
  if("undefined" IN_LIST _kzg_sanitizers)
    # Halt on the first report: a UBSan finding fails the test that hit it.
    list(APPEND KZG_SANITIZER_FLAGS -fno-sanitize-recover=undefined)
  endif()
endif()

if(KZG_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KZG_BUILD_FUZZERS needs clang (libFuzzer): configure with "
                        "CC=clang CXX=clang++ (Debian: clang, libclang-rt-14-dev)")
  endif()
  # Coverage feedback for libFuzzer in every library; the fuzz targets add
  # -fsanitize=fuzzer (libFuzzer's main) at link time. Without libFuzzer the
  # sanitizer runtimes supply the coverage callbacks, so the test binaries of
  # the same build run normally.
  list(APPEND KZG_SANITIZER_FLAGS -fsanitize=fuzzer-no-link
       -fsanitize-coverage-ignorelist=${CMAKE_SOURCE_DIR}/fuzz/coverage-ignorelist.txt)
endif()

if(KZG_SANITIZER_FLAGS)
  add_compile_options("$<$<COMPILE_LANGUAGE:C,CXX>:${KZG_SANITIZER_FLAGS}>")
  add_link_options(${KZG_SANITIZER_FLAGS})
  string(JOIN " " _kzg_flags_text ${KZG_SANITIZER_FLAGS})
  message(STATUS "kzgd: instrumented build: ${_kzg_flags_text}")
endif()
