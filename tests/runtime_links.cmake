cmake_minimum_required(VERSION 3.22)
# What a program that embeds the runtime links at run time: the C++ standard library and the C
# library, nothing of fmt, simdjson, yaml-cpp or anything else (docs/embedding.md). Reads the
# dynamic section of EXAMPLE (docs/examples/embed_decide, linked against usegate_runtime).
execute_process(COMMAND readelf -d ${EXAMPLE} OUTPUT_VARIABLE dynamic RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "readelf -d ${EXAMPLE} failed")
endif()
string(REGEX MATCHALL "Shared library: \\[[^]]+\\]" entries "${dynamic}")
set(unexpected "")
set(needed "")
foreach(entry IN LISTS entries)
  string(REGEX REPLACE "Shared library: \\[([^]]+)\\]" "\\1" library "${entry}")
  list(APPEND needed ${library})
  # The standard libraries, and the sanitizers' run-time libraries in instrumented builds.
  if(NOT library MATCHES "^(libstdc\\+\\+|libm|libgcc_s|libc|ld-linux[^.]*|libasan|libubsan)\\.so")
    list(APPEND unexpected ${library})
  endif()
endforeach()
if(unexpected)
  message(FATAL_ERROR "a program embedding the runtime needs ${unexpected} (all it needs: ${needed})")
endif()
message(STATUS "the embedding example needs ${needed}")
