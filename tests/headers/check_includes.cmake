# Fails unless HEADER, and every metron header it pulls in, includes only ALLOWED system headers.
#
# cmake -DHEADER=<file> -DINCLUDE_DIR=<dir holding metron/>[:<dir>…] -DALLOWED=atomic;cstdint;cstddef
#       [-DFOLLOW_PREFIX=metron/detail/[:<prefix>…]] -P check_includes.cmake
#
# Every #include line counts, even one under #if: a header that is light only in some
# configurations is not light. Headers under a FOLLOW_PREFIX are resolved in the first INCLUDE_DIR
# that holds them and walked in turn; anything else is a violation. Lists are separated by ':'. All violations are listed, each with the chain of
# includes that led to it.
cmake_minimum_required(VERSION 3.25)

foreach(required HEADER INCLUDE_DIR ALLOWED)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check_includes.cmake: -D${required}=... is required")
  endif()
endforeach()
if(NOT DEFINED FOLLOW_PREFIX)
  set(FOLLOW_PREFIX "metron/detail/")
endif()
string(REPLACE ":" ";" include_dirs "${INCLUDE_DIR}")
string(REPLACE ":" ";" follow_prefixes "${FOLLOW_PREFIX}")
string(REPLACE ":" ", " include_dirs_text "${INCLUDE_DIR}")
string(REPLACE ":" " or " follow_text "${FOLLOW_PREFIX}")
if(NOT EXISTS "${HEADER}")
  message(FATAL_ERROR "check_includes.cmake: ${HEADER} does not exist")
endif()

set(violations "")
set(visited "")
# Work list of "file|chain" entries; the chain is how the file was reached, for the message.
get_filename_component(root_name "${HEADER}" NAME)
set(pending "${HEADER}|${root_name}")

while(pending)
  list(POP_FRONT pending entry)
  string(FIND "${entry}" "|" bar)
  string(SUBSTRING "${entry}" 0 ${bar} file)
  math(EXPR chain_start "${bar} + 1")
  string(SUBSTRING "${entry}" ${chain_start} -1 chain)
  if(file IN_LIST visited)
    continue()
  endif()
  list(APPEND visited "${file}")

  file(STRINGS "${file}" include_lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS include_lines)
    if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*<([^>]+)>")
      set(name "${CMAKE_MATCH_1}")
      set(spelled "<${name}>")
    elseif(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
      set(name "${CMAKE_MATCH_1}")
      set(spelled "\"${name}\"")
    else()
      list(APPEND violations "${chain}: unrecognised include line '${line}'")
      continue()
    endif()

    if(name IN_LIST ALLOWED)
      continue()
    endif()
    set(followed FALSE)
    foreach(prefix IN LISTS follow_prefixes)
      string(FIND "${name}" "${prefix}" prefix_at)
      if(prefix_at EQUAL 0)
        set(followed TRUE)
      endif()
    endforeach()
    if(followed)
      set(target "")
      foreach(directory IN LISTS include_dirs)
        if(NOT target AND EXISTS "${directory}/${name}")
          set(target "${directory}/${name}")
        endif()
      endforeach()
      if(NOT target)
        list(APPEND violations "${chain} includes ${spelled}, which is not in ${include_dirs_text}")
      else()
        get_filename_component(target "${target}" REALPATH)
        list(APPEND pending "${target}|${chain} -> ${name}")
      endif()
      continue()
    endif()
    list(APPEND violations "${chain} includes ${spelled}")
  endforeach()
endwhile()

list(LENGTH visited walked)
if(violations)
  set(allowed_list ${ALLOWED})
  list(TRANSFORM allowed_list PREPEND "<")
  list(TRANSFORM allowed_list APPEND ">")
  list(JOIN allowed_list ", " allowed_text)
  list(JOIN violations "\n  " violation_text)
  message(FATAL_ERROR
    "${root_name} must include only ${allowed_text} and ${follow_text} headers that do the same, "
    "but:\n  ${violation_text}\n"
    "Move the heavy code into a .cpp file of the library, or into a header the probe macros do not need.")
endif()
message(STATUS "${root_name}: ${walked} header(s) walked, only allowed includes")
