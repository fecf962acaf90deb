# Runs golden_runner on a case whose expected files are wrong on purpose (tests/golden_runner/
# mismatch/: `usegate check` exits 2, the case says 1 and words the error differently) and
# checks that it fails with exactly the report in mismatch.report.
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=UPDATE_GOLDEN ${RUNNER} ${USEGATE} ${CASE}
  RESULT_VARIABLE result OUTPUT_VARIABLE report ERROR_VARIABLE errors)
if(result EQUAL 0)
  message(FATAL_ERROR "the runner passed a case whose expected files differ from the output")
endif()
string(REPLACE "${CASE}" "CASE" report "${report}")
file(READ ${EXPECTED} expected)
if(NOT report STREQUAL expected)
  message(FATAL_ERROR "the runner's report:\n${report}${errors}\nexpected:\n${expected}")
endif()
