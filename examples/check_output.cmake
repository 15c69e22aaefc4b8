# Runs an example program and checks its standard output line by line against an expected file.
#
# Usage: cmake -DPROGRAM=<path> -DEXPECTED=<file> -P check_output.cmake
# Each line of EXPECTED is either the exact line the program must print, or `re:` and a regular
# expression the whole line must match. The program must exit with 0 and print no other lines.
if(NOT PROGRAM OR NOT EXPECTED)
  message(FATAL_ERROR "check_output.cmake: PROGRAM and EXPECTED must both be set")
endif()

execute_process(COMMAND "${PROGRAM}" OUTPUT_VARIABLE output RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}")
endif()
file(STRINGS "${EXPECTED}" expected_lines)
# Split on newlines by hand: file(STRINGS) would treat a ';' in the output as a list separator.
string(REPLACE ";" "\\;" output "${output}")
string(REGEX REPLACE "\n$" "" output "${output}")
string(REPLACE "\n" ";" actual_lines "${output}")

list(LENGTH expected_lines expected_count)
list(LENGTH actual_lines actual_count)
if(NOT expected_count EQUAL actual_count)
  message(FATAL_ERROR
    "${PROGRAM} printed ${actual_count} lines; ${EXPECTED} expects ${expected_count}:\n${output}")
endif()
math(EXPR last "${expected_count} - 1")
foreach(index RANGE ${last})
  list(GET expected_lines ${index} expected)
  list(GET actual_lines ${index} actual)
  math(EXPR line "${index} + 1")
  if(expected MATCHES "^re:(.*)$")
    if(NOT actual MATCHES "^${CMAKE_MATCH_1}$")
      message(FATAL_ERROR "${EXPECTED}:${line}: '${actual}' does not match ${CMAKE_MATCH_1}")
    endif()
  elseif(NOT actual STREQUAL expected)
    message(FATAL_ERROR "${EXPECTED}:${line}: expected '${expected}', got '${actual}'")
  endif()
endforeach()
message(STATUS "${PROGRAM}: ${actual_count} lines as expected")
