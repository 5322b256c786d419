# Build-time step of kzgd_service (src/service/CMakeLists.txt): turns
# docs/openapi.json into a C++ byte array that service/openapi.cpp includes,
# so that GET /openapi.json serves exactly the document kept in docs/.
#   cmake -DINPUT=docs/openapi.json -DOUTPUT=<build>/openapi_data.inc -P embed_openapi.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR size "${digits} / 2")
if(size EQUAL 0)
  message(FATAL_ERROR "${INPUT} is empty")
endif()
# 0x7b,0x0a,... sixteen bytes a line.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by embed_openapi.cmake; do not edit.\n"
  "constexpr unsigned char kOpenapiJson[${size}] = {\n${bytes}\n};\n")
