# Runs an example program and checks its standard output line by line against an expected file.
#
# Usage: cmake -DPROGRAM=<path> -DEXPECTED=<file> -P check_output.cmake
# Each line of EXPECTED is either the exact line the program must print, or `re:` and a regular
# expression the whole line must match. The program must exit with 0 and print no other lines.
if(NOT PROGRAM OR NOT EXPECTED)
  message(FATAL_ERROR "check_output.cmake: PROGRAM and EXPECTED must both be set")
endif()

execute_process(COMMAND "${PROGRAM}" OUTPUT_VARIABLE actual_text RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}")
endif()
file(READ "${EXPECTED}" expected_text)

# Takes the first line off `text` into `line`. Lines are cut by hand rather than through CMake
# lists, in which the ';', '[' and ']' of JSON output would be taken for list syntax.
macro(pop_line text line)
  string(FIND "${${text}}" "\n" newline_at)
  if(newline_at EQUAL -1)
    set(${line} "${${text}}")
    set(${text} "")
  else()
    string(SUBSTRING "${${text}}" 0 ${newline_at} ${line})
    math(EXPR rest_at "${newline_at} + 1")
    string(SUBSTRING "${${text}}" ${rest_at} -1 ${text})
  endif()
endmacro()

set(line_number 0)
while(NOT expected_text STREQUAL "" OR NOT actual_text STREQUAL "")
  math(EXPR line_number "${line_number} + 1")
  if(expected_text STREQUAL "")
    pop_line(actual_text actual)
    message(FATAL_ERROR
      "${PROGRAM}: line ${line_number} '${actual}' is more than ${EXPECTED} expects")
  endif()
  if(actual_text STREQUAL "")
    pop_line(expected_text expected)
    message(FATAL_ERROR
      "${PROGRAM} stopped before line ${line_number} of ${EXPECTED}: '${expected}'")
  endif()
  pop_line(expected_text expected)
  pop_line(actual_text actual)
  if(expected MATCHES "^re:(.*)$")
    set(pattern "${CMAKE_MATCH_1}")
    if(NOT actual MATCHES "^${pattern}$")
      message(FATAL_ERROR "${EXPECTED}:${line_number}: '${actual}' does not match ${pattern}")
    endif()
  elseif(NOT actual STREQUAL expected)
    message(FATAL_ERROR "${EXPECTED}:${line_number}: expected '${expected}', got '${actual}'")
  endif()
endwhile()
message(STATUS "${PROGRAM}: ${line_number} lines as expected")
