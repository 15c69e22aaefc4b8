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

# Compiles `target`'s sources in unity batches when METRON_UNITY_BUILD is on. A source's
# internal-linkage types then sit in an included file, which GCC's -Wsubobject-linkage takes for a
# header; within one batch they are still one translation unit's own, so it is off there.
function(metron_set_unity_build target)
  if(METRON_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
    endif()
  endif()
endfunction()
