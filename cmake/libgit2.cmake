# porch_libgit2: how porch links libgit2.
#
# git porch runs inside git hooks on every commit, so its start-up time is on every commit's
# path. Debian's shared libgit2 pulls in twenty shared libraries (OpenSSL, Kerberos, libssh2,
# mbedTLS...) that the dynamic loader must map and relocate (with BIND_NOW) at every start, and
# it parses the system's CA bundle inside git_libgit2_init. porch uses none of libgit2's network
# code (fetch and push go through the git CLI), so by default it links the static archives that
# Debian's -dev packages ship and wraps libgit2's TLS set-up away. PORCH_STATIC_LIBGIT2=OFF links the
# shared library instead (and interposes the CA parser at run time; see lib/git/handles.cpp).
# A wholly static link gets GCC's crtbeginT.o, which registers the whole .eh_frame with the
# unwinder and no --eh-frame-hdr: the first exception a process throws then sorts every
# frame description in the binary (~23,000 here, some 6 ms) before it can unwind. The start
# files of a non-PIE dynamic link (crtbegin.o) do not register, and the header's sorted
# table lets the unwinder find a frame by binary search, as in any dynamic executable.
# The spec is the compiler's own with the one file swapped.
function(porch_static_eh_frame_hdr)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -dumpspecs OUTPUT_VARIABLE _specs
    RESULT_VARIABLE _rc)
  string(REGEX MATCH "\\*startfile:\n[^\n]*" _startfile "${_specs}")
  if(NOT _rc EQUAL 0 OR NOT _startfile MATCHES "static:crtbeginT\\.o")
    message(STATUS "porch: no crtbeginT.o in the compiler's specs; exceptions unwind slowly")
    return()
  endif()
  string(REPLACE "static:crtbeginT.o" "static:crtbegin.o" _startfile "${_startfile}")
  set(_file ${CMAKE_BINARY_DIR}/static-eh-frame-hdr.specs)
  file(WRITE ${_file} "${_startfile}\n\n")
  add_link_options(-specs=${_file} -Wl,--eh-frame-hdr)
endfunction()

add_library(porch_libgit2 INTERFACE)
set(PORCH_PCRE2 PkgConfig::PCRE2) # how lib/util links PCRE2: the archive when wholly static
set(PORCH_LIBGIT2_STATIC_OK FALSE)
if(PORCH_STATIC_LIBGIT2)
  set(_archives git2 mbedtls mbedx509 mbedcrypto http_parser ssh2 crypto pcre2-8 z)
  set(_paths)
  set(PORCH_LIBGIT2_STATIC_OK TRUE)
  foreach(_name IN LISTS _archives)
    find_library(PORCH_ARCHIVE_${_name} NAMES lib${_name}.a)
    if(NOT PORCH_ARCHIVE_${_name})
      message(STATUS "porch: lib${_name}.a not found; linking libgit2 dynamically")
      set(PORCH_LIBGIT2_STATIC_OK FALSE)
    endif()
    list(APPEND _paths ${PORCH_ARCHIVE_${_name}})
  endforeach()
endif()
if(PORCH_LIBGIT2_STATIC_OK)
  find_package(Threads REQUIRED)
  target_include_directories(porch_libgit2 INTERFACE ${LIBGIT2_INCLUDE_DIRS})
  # GSSAPI (Kerberos ships no archive) is stood in for in lib/git/handles.cpp.
  target_link_libraries(porch_libgit2 INTERFACE ${_paths} Threads::Threads ${CMAKE_DL_LIBS})
  target_link_options(porch_libgit2 INTERFACE -Wl,--wrap=git_mbedtls_stream_global_init
    -Wl,--wrap=libssh2_init -Wl,--wrap=deflateInit_)
  target_compile_definitions(porch_libgit2 INTERFACE PORCH_STATIC_LIBGIT2=1)
  # Some of Debian's archives are not position-independent.
  set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
  if(PORCH_SANITIZE OR PORCH_FUZZ)
    add_link_options(-no-pie -static-libstdc++ -static-libgcc) # the sanitizers' runtimes are shared
  else()
    # Wholly static: no dynamic loader at all at each hook's start (mapping and relocating
    # libc and PCRE2 was ~0.4 ms of each hook here). glibc warns that getpwuid_r, getaddrinfo
    # and dlopen would need its shared libraries at run time: libgit2 calls getpwuid_r only
    # when set-uid, and its network code (getaddrinfo, OpenSSL's dlopen) is never used, since
    # fetch and push go through the git program.
    add_link_options(-static)
    porch_static_eh_frame_hdr()
    # A section per function and variable, so that git-porch's link can put the code and data
    # a commit's hooks use together (git-porch/CMakeLists.txt, cmake/hook-order.ld).
    add_compile_options(-ffunction-sections -fdata-sections)
    set(PORCH_WHOLLY_STATIC TRUE)
    set(PORCH_PCRE2 ${PORCH_ARCHIVE_pcre2-8})
  endif()
  message(STATUS "porch: linking libgit2 statically")
else()
  target_link_libraries(porch_libgit2 INTERFACE PkgConfig::LIBGIT2)
endif()
