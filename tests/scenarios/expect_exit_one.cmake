# cmake -DPACKSIM=... -DSCENARIO=... -DOUT=... -P expect_exit_one.cmake
# Passes only when `packsim run` exits with exactly 1 (a failed expectation);
# 0 (the regression went unnoticed) and 2 (bad input) are both failures.
execute_process(COMMAND "${PACKSIM}" run "${SCENARIO}" --out "${OUT}"
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
message("${output}${error}")
if(NOT result STREQUAL "1")
  message(FATAL_ERROR "expected packsim to exit 1 (a failed expectation), got '${result}'")
endif()
