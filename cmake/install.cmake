# Installs the libraries, their headers, the CLI and a CMake package so another project can
# `find_package(handoffkit CONFIG)` and link `handoffkit::core` (the portable core) and
# `handoffkit::native` (SQLite and Redis stores, clock, entropy, key files); tests/consumer proves
# both from an installed tree.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS handoffkit_core handoffkit_native EXPORT handoffkitTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS handoffkit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY core/include/handoffkit native/include/handoffkit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_hk_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/handoffkit)
install(EXPORT handoffkitTargets NAMESPACE handoffkit:: DESTINATION ${_hk_cmake_dir})
configure_package_config_file(cmake/handoffkitConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/handoffkitConfig.cmake INSTALL_DESTINATION ${_hk_cmake_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/handoffkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/handoffkitConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/handoffkitConfigVersion.cmake DESTINATION ${_hk_cmake_dir})
