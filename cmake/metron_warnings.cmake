# Warnings for metron's own targets only; third-party headers come in as SYSTEM includes.
function(metron_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast -Werror)
endfunction()
