# Warnings for metron's own targets only; third-party headers come in as SYSTEM includes. They are
# errors only with METRON_WERROR (the project's presets and CI): a user's build never fails on one.
function(metron_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast)
  # GCC 12 raises false -Wrestrict warnings inside std::string's operator+ once it inlines it
  # (-O2 and above: "accessing 9223372036854775810 or more bytes … may overlap"); GCC 13 does not.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(METRON_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
