# Warnings for metron's own targets only; third-party headers come in as SYSTEM includes. They are
# errors only with METRON_WERROR (the project's presets and CI): a user's build never fails on one.
function(metron_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast)
  if(METRON_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
