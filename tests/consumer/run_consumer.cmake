# Builds and runs tests/consumer/project with metron brought in one of three ways, as a user's
# project would:
#   find_package      installs the metron build tree BUILD_DIR into a scratch prefix and finds it
#                     there (and nowhere else: package registries are off, metron_DIR is checked);
#   add_subdirectory  adds metron's source tree SOURCE_DIR as a subdirectory;
#   fetchcontent      declares it with FetchContent_Declare(metron SOURCE_DIR ...), no download.
#
# cmake -DHOW=<way> -DSOURCE_DIR=<metron source> -DBUILD_DIR=<metron build> -DWORK_DIR=<scratch>
#       -DPROJECT_DIR=<consumer source> -DVERSION=<x.y.z> -DGENERATOR=<name>
#       -DCXX_COMPILER=<path> -DCXX_COMPILER_ID=<GNU|Clang> -DCXX_COMPILER_NAMES=<for messages>
#       [-DMAKE_PROGRAM=...] [-DCOMPILER_LAUNCHER=...] [-DBUILD_TYPE=...] [-DCXX_FLAGS=...]
#       [-DLINKER_FLAGS=...] -P run_consumer.cmake
#
# The consumer sets no METRON_* option and builds everything. Against an installation it is
# compiled with metron's build type and flags (a sanitizer build's static libraries need the
# sanitizer runtime at link time); from the source tree it is a user's plain build: no build type,
# no flags, so metron's libraries compile unoptimised and quickly. There the test also checks what
# metron adds to the consumer's build: its libraries only, without -Werror, no install rules, and
# the consumer's build type left as it was.
cmake_minimum_required(VERSION 3.25)

foreach(required HOW SOURCE_DIR WORK_DIR PROJECT_DIR VERSION GENERATOR CXX_COMPILER_ID)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${required}=... is required")
  endif()
endforeach()
if(NOT CXX_COMPILER OR NOT EXISTS "${CXX_COMPILER}")
  message(FATAL_ERROR "consumer: no ${CXX_COMPILER_NAMES} was found when metron was configured "
                      "('${CXX_COMPILER}'); ci/setup installs it. Install it and configure again.")
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
set(own_capture "${WORK_DIR}/consumer.mtr")
set(probed_capture "${WORK_DIR}/probed.mtr")
# A fresh start each time, so that an earlier run's files cannot make this one pass.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run_step title)
  message(STATUS "consumer: ${title}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer: '${title}' failed (${result}): ${ARGN}")
  endif()
endfunction()

# Fails unless `path` lies inside `directory` (both resolved).
function(require_inside path directory what)
  file(REAL_PATH "${directory}" real_directory)
  set(real_path "${path}")
  if(EXISTS "${path}")
    file(REAL_PATH "${path}" real_path)
  endif()
  string(FIND "${real_path}" "${real_directory}/" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "consumer: ${what} is '${real_path}', not inside ${real_directory}")
  endif()
endfunction()

# The value of `name` in the consumer's CMakeCache.txt ("" when it is absent or empty).
function(read_cache_entry name out)
  file(STRINGS "${consumer_build}/CMakeCache.txt" entry REGEX "^${name}:")
  string(REGEX REPLACE "^${name}:[A-Z]+=" "" entry "${entry}")
  set(${out} "${entry}" PARENT_SCOPE)
endfunction()

# Installs BUILD_DIR into the scratch prefix and checks what it holds.
function(install_metron)
  if(NOT BUILD_DIR)
    message(FATAL_ERROR "run_consumer.cmake: -DBUILD_DIR=... is required for find_package")
  endif()
  set(install_args "")
  if(BUILD_TYPE)
    set(install_args --config "${BUILD_TYPE}")
  endif()
  run_step("install ${BUILD_DIR} into ${prefix}"
           "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" ${install_args})
  foreach(installed include/metron/bracket.hpp include/metron/probe/bracket.hpp
                    include/metron/probe/detail/probe.hpp include/metron/capture/detail/kinds.hpp)
    if(NOT EXISTS "${prefix}/${installed}")
      message(FATAL_ERROR "consumer: the installation lacks ${installed}")
    endif()
  endforeach()
  file(GLOB_RECURSE installed_sources "${prefix}/*.cpp")
  if(installed_sources)
    message(FATAL_ERROR "consumer: implementation files were installed: ${installed_sources}")
  endif()
endfunction()

# Checks, from the compile_commands.json the configure step wrote, that the consumer's build
# compiles metron's libraries and nothing else of metron's (no tests, benchmarks, tools, examples
# or header checks), none of them with -Werror.
function(check_compiled_files)
  set(database "${consumer_build}/compile_commands.json")
  if(NOT EXISTS "${database}")
    message(FATAL_ERROR "consumer: ${database} was not written (generator ${GENERATOR})")
  endif()
  file(READ "${database}" commands)
  file(REAL_PATH "${SOURCE_DIR}" metron_source)
  file(REAL_PATH "${PROJECT_DIR}" consumer_source)
  file(REAL_PATH "${consumer_build}" consumer_binary)
  string(JSON count LENGTH "${commands}")
  math(EXPR last "${count} - 1")
  set(library_files 0)
  foreach(i RANGE ${last})
    string(JSON compiled GET "${commands}" ${i} file)
    string(JSON command GET "${commands}" ${i} command)
    file(REAL_PATH "${compiled}" compiled)
    string(FIND "${compiled}" "${consumer_source}/" in_consumer)
    string(FIND "${compiled}" "${metron_source}/lib/" in_libraries)
    # A unity build compiles a library's sources through files it generates in its build tree.
    string(FIND "${compiled}" "${consumer_binary}/" in_consumer_build)
    if(in_consumer_build EQUAL 0 AND compiled MATCHES
       "/lib/[a-z_]+/CMakeFiles/metron_[a-z_]+\\.dir/Unity/unity_[0-9]+_cxx\\.cxx$")
      set(in_libraries 0)
    endif()
    if(in_consumer EQUAL 0)
      continue()
    elseif(NOT in_libraries EQUAL 0)
      message(FATAL_ERROR "consumer: metron as a subproject compiles ${compiled}, which is not "
                          "part of its libraries")
    elseif(command MATCHES "(^| )-Werror( |=|$)")
      message(FATAL_ERROR "consumer: metron compiles ${compiled} with -Werror in another "
                          "project's build: ${command}")
    endif()
    math(EXPR library_files "${library_files} + 1")
  endforeach()
  if(library_files EQUAL 0)
    message(FATAL_ERROR "consumer: ${database} lists none of metron's library sources")
  endif()
  message(STATUS
          "consumer: ${library_files} of metron's library sources to compile, none with -Werror")
endfunction()

# Checks that metron, as a subproject, adds nothing to the consumer's installation.
function(check_nothing_installed)
  set(install_check "${WORK_DIR}/install-check")
  run_step("install the consumer project into ${install_check}"
           "${CMAKE_COMMAND}" --install "${consumer_build}" --prefix "${install_check}")
  file(GLOB_RECURSE installed LIST_DIRECTORIES false "${install_check}/*")
  if(installed)
    message(FATAL_ERROR "consumer: metron as a subproject installed files: ${installed}")
  endif()
endfunction()

set(configure_args
  -S "${PROJECT_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCONSUMER_COMPILER_ID=${CXX_COMPILER_ID}"
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(COMPILER_LAUNCHER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${COMPILER_LAUNCHER}")
endif()

set(build_args "")
if(HOW STREQUAL "find_package")
  install_metron()
  list(APPEND configure_args
    -DCONSUMER_METRON_VIA=package
    "-DCONSUMER_METRON_VERSION=${VERSION}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
  if(BUILD_TYPE)
    list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
    set(build_args --config "${BUILD_TYPE}")
  endif()
elseif(HOW STREQUAL "add_subdirectory" OR HOW STREQUAL "fetchcontent")
  list(APPEND configure_args
    "-DCONSUMER_METRON_VIA=${HOW}" "-DCONSUMER_METRON_SOURCE=${SOURCE_DIR}")
else()
  message(FATAL_ERROR "run_consumer.cmake: HOW='${HOW}': expected find_package, "
                      "add_subdirectory or fetchcontent")
endif()

run_step("configure the consumer project (metron through ${HOW}, ${CXX_COMPILER})"
         "${CMAKE_COMMAND}" ${configure_args})

if(HOW STREQUAL "find_package")
  read_cache_entry(metron_DIR found_dir)
  require_inside("${found_dir}" "${prefix}" "the metron package found")
else()
  read_cache_entry(CMAKE_BUILD_TYPE build_type)
  if(NOT build_type STREQUAL "")
    message(FATAL_ERROR "consumer: metron set the consumer's CMAKE_BUILD_TYPE to '${build_type}'")
  endif()
  check_compiled_files()
endif()

run_step("build the consumer project"
         "${CMAKE_COMMAND}" --build "${consumer_build}" --parallel 2 ${build_args})
if(NOT HOW STREQUAL "find_package")
  check_nothing_installed()
endif()

run_step("run probed with METRON_CAPTURE=${probed_capture}"
         "${CMAKE_COMMAND}" -E env "METRON_CAPTURE=${probed_capture}" "${consumer_build}/probed")
if(NOT EXISTS "${probed_capture}")
  message(FATAL_ERROR "consumer: probed ran with METRON_CAPTURE but wrote no ${probed_capture}")
endif()
run_step("run the consumer"
         "${CMAKE_COMMAND}" -E env --unset=METRON_CAPTURE
         "${consumer_build}/consumer" "${own_capture}" "${probed_capture}")
