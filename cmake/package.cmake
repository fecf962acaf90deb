# The Debian package of the program and the libraries (`make package`: a portable Release build
# of its own in build-package/, then CPack). One package, `usegate`, holding everything
# cmake/install.cmake installs under /usr. tests/install/check_deb checks what it holds.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME usegate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "usegate")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "data-use policy as code: check, compile and enforce data-use policies")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # usegate_VERSION_ARCH.deb
set(USEGATE_PACKAGE_MAINTAINER "usegate maintainers <maintainers@usegate.example.org>"
  CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${USEGATE_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The long description; CPack puts the summary above it and the Debian control formatting
# (a space before each line, `.` for an empty one) around it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "The usegate program checks a data-use policy, shows its decision table, compiles it into an
artifact and enforces it on JSON Lines records (eval, filter), and compares policies (diff, sim).

It also holds the libraries a pipeline links to decide records with a compiled artifact: the
runtime (C++20, the standard library only) and the record readers as static libraries, the C
ABI (libusegate.so.0), their headers, a CMake package (find_package(usegate)) and pkg-config
files.")
# Depends: computed from what the program and libusegate.so.0 link (dpkg-shlibdeps), and a
# shlibs file so that packages built against libusegate.so.0 depend on this one.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# Building against the static libraries needs the development files of what they link.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "cmake | pkg-config, libsimdjson-dev, libyaml-cpp-dev, libfmt-dev, libsodium-dev")
set(CPACK_STRIP_FILES ON)
include(CPack)
