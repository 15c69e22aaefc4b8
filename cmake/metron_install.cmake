# Installs the libraries, public headers and a CMake package so that find_package(metron CONFIG) works.
include(CMakePackageConfigHelpers)

install(DIRECTORY lib/include/metron DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT metron_targets
        NAMESPACE metron::
        FILE metronTargets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/metron)

configure_package_config_file(cmake/metronConfig.cmake.in
  ${PROJECT_BINARY_DIR}/metronConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/metron)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/metronConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/metronConfig.cmake ${PROJECT_BINARY_DIR}/metronConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/metron)
