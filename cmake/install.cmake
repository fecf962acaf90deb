# What `cmake --install` puts in the prefix: the `usegate` program, the libraries a pipeline
# links (the runtime, its base, the record readers, the signature checks: static; the C ABI:
# shared), their public headers, a CMake package (find_package(usegate CONFIG): usegate::runtime,
# usegate::records, usegate::signing, usegate::c, usegate::base) and one pkg-config file per library. Everything installed is
# relocatable: no path of the source or build tree, nor the prefix itself, is written into it
# (tests/install checks both). docs/embedding.md, "Installing".
include(CMakePackageConfigHelpers)

set(usegate_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/usegate)
set(usegate_pkgconfig_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(TARGETS usegate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS usegate_base usegate_runtime usegate_records usegate_signing usegate_c
  EXPORT usegateTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

# The public headers: what a pipeline includes to load an artifact and decide (usegate.hpp),
# to read records as `eval` and `filter` do (bindings, the record decoder and the blocks it
# reads, consent, purposes, the stream), to load only artifacts a given key signed (signing, and
# the trailer's layout it reads), and the C ABI. The others (artifact internals, the
# YAML and subject-key helpers) stay inside the tree; an installed header includes only
# installed headers, which configuring checks here and the consumer in tests/install proves.
set(usegate_public_headers
  base/include/usegate/base/result.hpp
  runtime/include/usegate/usegate.hpp
  runtime/include/usegate/runtime/signature_trailer.hpp
  signing/include/usegate/signing/signed_artifact.hpp
  signing/include/usegate/signing/signing_keys.hpp
  records/include/usegate/records/bindings.hpp
  records/include/usegate/records/block_reader.hpp
  records/include/usegate/records/consent_ledger.hpp
  records/include/usegate/records/purposes.hpp
  records/include/usegate/records/record_decoder.hpp
  records/include/usegate/records/record_lines.hpp
  records/include/usegate/records/record_stream.hpp)
foreach(header IN LISTS usegate_public_headers)
  string(REGEX REPLACE "^[a-z]+/include/" "" installed_path ${header})
  list(APPEND usegate_installed_paths ${installed_path})
endforeach()
foreach(header IN LISTS usegate_public_headers)
  file(STRINGS ${PROJECT_SOURCE_DIR}/${header} includes REGEX "^#include [<\"]usegate/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include [<\"]([^>\"]+)[>\"].*" "\\1" included "${line}")
    if(NOT included IN_LIST usegate_installed_paths)
      message(FATAL_ERROR "${header} includes ${included}, which is not installed (cmake/install.cmake)")
    endif()
  endforeach()
  string(REGEX REPLACE "^[a-z]+/include/" "" installed_path ${header})
  get_filename_component(installed_dir ${installed_path} DIRECTORY)
  install(FILES ${header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/${installed_dir})
endforeach()
install(FILES capi/include/usegate.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The CMake package. The imported targets carry their usage requirements: usegate::records
# links simdjson, yaml-cpp, fmt and threads (privately, but a static library's users link them
# too), which usegateConfig.cmake finds with find_dependency; usegate::signing links libsodium,
# found through pkg-config.
install(EXPORT usegateTargets NAMESPACE usegate:: FILE usegateTargets.cmake DESTINATION ${usegate_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/usegateConfig.cmake.in
  ${PROJECT_BINARY_DIR}/install/usegateConfig.cmake INSTALL_DESTINATION ${usegate_cmake_dir})
# 0.x: a minor version may change the ABI (the SONAME is libusegate.so.0 throughout).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/install/usegateConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install/usegateConfig.cmake ${PROJECT_BINARY_DIR}/install/usegateConfigVersion.cmake
  DESTINATION ${usegate_cmake_dir})

# pkg-config: the prefix is found from the .pc file's own place (${pcfiledir}), so the files
# hold true after `cmake --install --prefix DIR`, in a package, or unpacked anywhere.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(FATAL_ERROR "cmake/install.cmake: CMAKE_INSTALL_LIBDIR and CMAKE_INSTALL_INCLUDEDIR must be relative to the prefix")
endif()
string(REGEX REPLACE "[^/]+" ".." usegate_pc_up "${usegate_pkgconfig_dir}")
set(USEGATE_PC_PREFIX "\${pcfiledir}/${usegate_pc_up}")
foreach(pc usegate usegate-runtime usegate-records usegate-signing)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/install/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/install/${pc}.pc DESTINATION ${usegate_pkgconfig_dir})
endforeach()

install(FILES README.md docs/embedding.md docs/cli.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

include(${CMAKE_CURRENT_LIST_DIR}/package.cmake)
