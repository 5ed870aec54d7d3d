# `cmake --install`: packsim as a CMake package, so that a C++ user writes
#   find_package(packsim 0.1 REQUIRED)
#   target_link_libraries(my_tool PRIVATE packsim::runner)
# against an installed packsim. Included from the top-level CMakeLists.txt after
# the libraries are defined. Components:
#   runtime      the `packsim` CLI, the reference firmware shared object (for
#                `--firmware`), the parameter files and the scenario library
#   development  the static libraries, their headers and the CMake package
#   python       python/CMakeLists.txt (the `import packsim` package)
include(CMakePackageConfigHelpers)

# Every library a scenario run needs, and the transport so that every installed
# header of sim/ has its library. Exported as packsim::<name without the prefix>.
set(packsim_exported_libraries
  packsim_common
  packsim_models
  packsim_plant
  packsim_afe
  packsim_bus
  packsim_firmware_loader
  packsim_hal_link_host
  packsim_reference_firmware
  packsim_hil
  packsim_scenario
  packsim_runner
  packsim_report
  packsim_sim
  packsim_transport
)
foreach(library IN LISTS packsim_exported_libraries)
  string(REGEX REPLACE "^packsim_" "" short_name "${library}")
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${short_name})
endforeach()

set(packsim_cmake_install_dir "${CMAKE_INSTALL_LIBDIR}/cmake/packsim")

install(TARGETS ${packsim_exported_libraries}
        EXPORT packsimTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
install(EXPORT packsimTargets
        NAMESPACE packsim::
        DESTINATION "${packsim_cmake_install_dir}"
        COMPONENT development)

install(TARGETS packsim RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
install(TARGETS packsim_reference_firmware_so LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime)

# The headers, in the layout they are included with ("sim/runner/scenario_runner.h")
# under include/packsim/. File by file, so that directories without headers
# (models/params, the example firmware) do not appear as empty directories.
# sim/app is the CLI's own code, not part of any library.
file(GLOB_RECURSE packsim_public_headers RELATIVE "${PROJECT_SOURCE_DIR}" CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/common/*.h"
     "${PROJECT_SOURCE_DIR}/models/*.h"
     "${PROJECT_SOURCE_DIR}/bms_under_test/*.h"
     "${PROJECT_SOURCE_DIR}/sim/*.h")
list(FILTER packsim_public_headers EXCLUDE REGEX "^sim/app/")
foreach(header IN LISTS packsim_public_headers)
  get_filename_component(header_dir "${header}" DIRECTORY)
  install(FILES "${PROJECT_SOURCE_DIR}/${header}"
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/packsim/${header_dir}"
          COMPONENT development)
endforeach()

# Data, in the source tree's relative layout: scenarios name their packs as
# ../models/params/..., and packsim_models' PACKSIM_PARAMS_DIR (models/CMakeLists.txt)
# points at share/packsim/models/params once installed.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/params/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/packsim/models/params"
        COMPONENT runtime)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/scenarios/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/packsim/scenarios"
        COMPONENT runtime)

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/packsimConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/packsimConfig.cmake"
                              INSTALL_DESTINATION "${packsim_cmake_install_dir}"
                              PATH_VARS CMAKE_INSTALL_DATADIR)
# 0.x: a consumer asking for 0.1 accepts any 0.y >= 0.1 (SameMajorVersion).
write_basic_package_version_file("${PROJECT_BINARY_DIR}/packsimConfigVersion.cmake"
                                 VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/packsimConfig.cmake" "${PROJECT_BINARY_DIR}/packsimConfigVersion.cmake"
        DESTINATION "${packsim_cmake_install_dir}"
        COMPONENT development)
