# Runs docs/examples/embed_decide.c (the C API) on the bundled August X policy: it must print
# what the C++ example prints (docs/examples/embed_decide.expected), and appear verbatim in
# docs/embedding.md.   -DEXAMPLE= -DARTIFACT= -DSOURCE_DIR=
file(READ ${SOURCE_DIR}/docs/embedding.md doc)
file(READ ${SOURCE_DIR}/docs/examples/embed_decide.c source)
string(FIND "${doc}" "${source}" found)
if(found EQUAL -1)
  message(FATAL_ERROR "docs/embedding.md does not contain docs/examples/embed_decide.c verbatim")
endif()
execute_process(COMMAND ${EXAMPLE} ${ARTIFACT} RESULT_VARIABLE ran OUTPUT_VARIABLE output ERROR_VARIABLE errors)
file(READ ${SOURCE_DIR}/docs/examples/embed_decide.expected expected)
if(NOT ran EQUAL 0 OR NOT output STREQUAL expected)
  message(FATAL_ERROR "embed_decide_c exited with ${ran} and printed:\n${output}${errors}\nexpected:\n${expected}")
endif()
