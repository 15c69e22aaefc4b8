# Installs the libraries, public headers and a CMake package so that find_package(metron CONFIG) works.
#
# The library targets add themselves to the export set metron_targets (lib/CMakeLists.txt); this
# file installs the headers, that export set and the package's config and version files.
include(CMakePackageConfigHelpers)

set(metron_config_dir "${CMAKE_INSTALL_LIBDIR}/cmake/metron")

# The entry points of lib/include; each part installs its own public headers (lib/CMakeLists.txt),
# detail/ included, which the inline probe code needs; nothing from a part's src/.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/lib/include/metron"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT metron_targets
        NAMESPACE metron::
        FILE metronTargets.cmake
        DESTINATION "${metron_config_dir}")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/metronConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/metronConfig.cmake"
  INSTALL_DESTINATION "${metron_config_dir}")
# Before 1.0 a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/metronConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/metronConfig.cmake"
              "${PROJECT_BINARY_DIR}/metronConfigVersion.cmake"
        DESTINATION "${metron_config_dir}")
