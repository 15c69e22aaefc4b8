# Installs a metron build tree into a scratch prefix, then builds and runs tests/consumer/project against it.
#
# cmake -DBUILD_DIR=<metron build> -DWORK_DIR=<scratch> -DPROJECT_DIR=<consumer source>
#       -DVERSION=<x.y.z> -DGENERATOR=<name> [-DMAKE_PROGRAM=...] [-DCXX_COMPILER=...]
#       [-DBUILD_TYPE=...] [-DCXX_FLAGS=...] [-DLINKER_FLAGS=...] -P run_consumer.cmake
#
# The consumer is compiled with the same compiler and flags as metron (a sanitizer build's static
# libraries need the sanitizer runtime at link time) and must find metron in the scratch prefix
# and nowhere else: package registries are off and metron_DIR is checked afterwards.
cmake_minimum_required(VERSION 3.25)

foreach(required BUILD_DIR WORK_DIR PROJECT_DIR VERSION GENERATOR)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${required}=... is required")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
set(capture_path "${WORK_DIR}/consumer.mtr")
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

set(config_args "")
if(BUILD_TYPE)
  set(config_args --config "${BUILD_TYPE}")
endif()

run_step("install ${BUILD_DIR} into ${prefix}"
         "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" ${config_args})

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

set(configure_args
  -S "${PROJECT_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DMETRON_EXPECTED_VERSION=${VERSION}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(BUILD_TYPE)
  list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()
run_step("configure the consumer project" "${CMAKE_COMMAND}" ${configure_args})

file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^metron_DIR:")
string(REGEX REPLACE "^metron_DIR:[A-Z]+=" "" found_dir "${found_dir}")
file(REAL_PATH "${prefix}" real_prefix)
if(EXISTS "${found_dir}")
  file(REAL_PATH "${found_dir}" found_dir)
endif()
string(FIND "${found_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "consumer: metron was found in '${found_dir}', not in ${real_prefix}")
endif()

run_step("build the consumer project"
         "${CMAKE_COMMAND}" --build "${consumer_build}" --parallel 2 ${config_args})
run_step("run the consumer" "${consumer_build}/consumer" "${capture_path}")
