# The layers, bottom up, and what each may include (ctest `layering` checks
# the same table from the sources: tests/layering/check_layers.py):
#
#   engine  include/kzg, src/{core,setup,eip4844,eip7594,context,codec,capi}   blst only
#   ops     src/ops        logs, metrics, /proc and cgroup, health, profiler    engine
#   service src/service    kzgd: HTTP, codecs, routes, admission, handover      engine, ops
#   tools   tools/, src/{conformance,bench}  kzgctl and its helpers            everything below
#
# Each layer's sources see only an include root of their own folders plus the
# public headers of the layers below, so an include that points upward does
# not compile. A root is a folder in the build tree holding symbolic links to
# the layer's folders of src/ (the sources stay where they are).
#
#   kzg_layer_root(NAME DIR...)   sets KZG_LAYER_<NAME> to that root
function(kzg_layer_root name)
  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  file(MAKE_DIRECTORY ${root})
  foreach(dir ${ARGN})
    if(NOT EXISTS ${root}/${dir})
      file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${dir} ${root}/${dir} SYMBOLIC)
    endif()
  endforeach()
  set(KZG_LAYER_${name} ${root} PARENT_SCOPE)
endfunction()

kzg_layer_root(engine core setup eip4844 eip7594 context codec capi)
kzg_layer_root(ops ops)
kzg_layer_root(service service)
kzg_layer_root(tools conformance bench)
