# The CUDA build of the whole program (scripts/setup.sh --cuda): dvhpc against
# a Kokkos built with CUDA (.deps/kokkos-cuda), so the kernels in kernels/ run
# on the GPU.
#
# Kokkos' own recipe is nvcc_wrapper as CMAKE_CXX_COMPILER, which sends every
# translation unit through nvcc (a device pass, then the host compiler). Only
# about 25 of dvhpc's ~200 units include Kokkos; through nvcc_wrapper the
# others cost 1.4-2.1 times the CPU time of g++ for nothing (gp_command.cpp
# 18.0 s against 12.7 s, genotyper.cpp 7.3 s against 3.4 s, on the 2-core
# development machine). So CMAKE_CXX_COMPILER stays g++ and
# dvhpc_nvcc_kokkos_units() moves the units of a target that include Kokkos,
# directly or through any header of this project, into an OBJECT library
# compiled through nvcc_wrapper (cmake/nvcc_launch.sh as its compiler
# launcher). Links stay with g++: without relocatable device code there is
# no device link step, and the CUDA runtime and driver libraries come with
# Kokkos' targets. (Linking through nvcc_wrapper lost the whole-archive
# around dvhpc_core, and with it every command that registers itself.)
#
# Which units include Kokkos is found by scanning #include lines at
# configure time (dvhpc_kokkos_units below), not by a list to keep up to
# date: a unit that starts to include a kernel header moves by itself.
# Units left to g++ get no Kokkos include path, so a missed one fails to
# compile (Kokkos_Core.hpp not found) instead of building for the host.

if(NOT "CUDA" IN_LIST Kokkos_DEVICES)
  set(DVHPC_KOKKOS_CUDA OFF)
  function(dvhpc_nvcc_kokkos_units target)
  endfunction()
  return()
endif()
set(DVHPC_KOKKOS_CUDA ON)

find_program(DVHPC_NVCC_WRAPPER nvcc_wrapper HINTS ${Kokkos_DIR}/../../../bin ${Kokkos_ROOT}/bin NO_DEFAULT_PATH)
if(NOT DVHPC_NVCC_WRAPPER)
  message(FATAL_ERROR "Kokkos in ${Kokkos_DIR} has CUDA but no bin/nvcc_wrapper next to it; "
                      "rebuild it with scripts/build-kokkos.sh cuda PREFIX.")
endif()
if(NOT DVHPC_ENABLE_CUDA)
  message(FATAL_ERROR "Kokkos in ${Kokkos_DIR} has CUDA, so DVHPC_ENABLE_CUDA must be ON "
                      "(the GPU backends need the CUDA toolkit that Kokkos was built with).")
endif()
# nvcc_wrapper finds nvcc on PATH and the host compiler in
# NVCC_WRAPPER_DEFAULT_COMPILER; the launcher sets both from these.
get_filename_component(DVHPC_NVCC_BIN ${CMAKE_CUDA_COMPILER} DIRECTORY)
set(DVHPC_NVCC_LAUNCH ${CMAKE_CURRENT_LIST_DIR}/nvcc_launch.sh ${DVHPC_NVCC_WRAPPER} ${DVHPC_NVCC_BIN})
set(DVHPC_NVCC_COMPILE_LAUNCH ${DVHPC_NVCC_LAUNCH})
if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
  set(DVHPC_NVCC_COMPILE_LAUNCH ${CMAKE_CURRENT_LIST_DIR}/nvcc_launch.sh --ccache ${DVHPC_NVCC_WRAPPER}
                                ${DVHPC_NVCC_BIN})
endif()
# Kokkos 3.4 knows no Hopper: built AMPERE80, it gives its users
# -arch=sm_80 (sm_80 machine code and compute_80 PTX, which an H100/H200
# JIT-compiles at every start of a fresh machine). nvcc_wrapper takes one
# architecture flag only, so that flag is replaced by one -gencode with the
# same virtual architecture (Kokkos' macros say 80) and machine code for
# every architecture in DVHPC_KOKKOS_CUDA_ARCHS, plus the PTX. Kokkos' link
# options lose it: the links are g++'s, which has no -arch.
set(DVHPC_KOKKOS_CUDA_ARCHS "80;90" CACHE STRING "sm_XX machine code of the Kokkos units (compute_80 PTX always)")
list(TRANSFORM DVHPC_KOKKOS_CUDA_ARCHS PREPEND "sm_" OUTPUT_VARIABLE _codes)
list(APPEND _codes compute_80)
string(REPLACE ";" "," _codes "${_codes}")
set(DVHPC_KOKKOS_ARCH_FLAG "-gencode=arch=compute_80,code=[${_codes}]")
foreach(_p INTERFACE_COMPILE_OPTIONS INTERFACE_LINK_OPTIONS)
  get_target_property(_v Kokkos::kokkoscore ${_p})
  if(NOT _v MATCHES "-arch=sm_80")
    message(FATAL_ERROR "Kokkos::kokkoscore's ${_p} has no -arch=sm_80 ('${_v}'): "
                        "build Kokkos with scripts/build-kokkos.sh cuda (AMPERE80)")
  endif()
  if(_p STREQUAL "INTERFACE_COMPILE_OPTIONS")
    string(REPLACE "-arch=sm_80" "${DVHPC_KOKKOS_ARCH_FLAG}" _v "${_v}")
  else()
    string(REPLACE ";-arch=sm_80" "" _v "${_v}")
  endif()
  set_property(TARGET Kokkos::kokkoscore PROPERTY ${_p} "${_v}")
endforeach()
# KokkosConfig.cmake, seeing a CMAKE_CXX_COMPILER other than nvcc_wrapper,
# put its kokkos_launch_compiler in front of every compile and link, to send
# those with -DKOKKOS_DEPENDENCE to nvcc_wrapper: the links too. The
# launcher above does that for the Kokkos units: drop it.
set_property(GLOBAL PROPERTY RULE_LAUNCH_COMPILE "")
set_property(GLOBAL PROPERTY RULE_LAUNCH_LINK "")
message(STATUS "dvhpc: Kokkos with CUDA (${Kokkos_DIR}); Kokkos units through ${DVHPC_NVCC_WRAPPER}, "
               "${DVHPC_KOKKOS_ARCH_FLAG}")

# ---------------------------------------------------------------- the scan
# Project files that include Kokkos, directly or through other project
# headers: a fixpoint over the #include "..." graph of every header under
# include/, kernels/, src/, tests/ and perf/ and the units asked about.
function(_dvhpc_resolve_includes file out)
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  get_filename_component(dir ${file} DIRECTORY)
  set(found "")
  set(direct OFF)
  foreach(l ${lines})
    if(l MATCHES "#[ \t]*include[ \t]*<Kokkos")
      set(direct ON)
    elseif(l MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      set(inc ${CMAKE_MATCH_1})
      # The include path of every target: the file's folder, the repo
      # root, include/, and tests/ (the tests' own).
      foreach(base ${dir} ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/tests)
        if(EXISTS ${base}/${inc})
          get_filename_component(p ${base}/${inc} ABSOLUTE)
          list(APPEND found ${p})
          break()
        endif()
      endforeach()
    endif()
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
  set(${out}_direct ${direct} PARENT_SCOPE)
endfunction()

function(_dvhpc_kokkos_headers out)
  get_property(done GLOBAL PROPERTY DVHPC_KOKKOS_HEADERS_SCANNED)
  if(done)
    get_property(k GLOBAL PROPERTY DVHPC_KOKKOS_HEADERS)
    set(${out} ${k} PARENT_SCOPE)
    return()
  endif()
  file(GLOB_RECURSE headers ${PROJECT_SOURCE_DIR}/include/*.hpp ${PROJECT_SOURCE_DIR}/kernels/*.hpp
       ${PROJECT_SOURCE_DIR}/src/*.hpp ${PROJECT_SOURCE_DIR}/tests/*.hpp ${PROJECT_SOURCE_DIR}/perf/*.hpp)
  set(kokkos "")
  foreach(h ${headers})
    _dvhpc_resolve_includes(${h} inc)
    string(MAKE_C_IDENTIFIER "${h}" id)
    set(_inc_${id} ${inc})
    if(inc_direct)
      list(APPEND kokkos ${h})
    endif()
  endforeach()
  set(changed ON)
  while(changed)
    set(changed OFF)
    foreach(h ${headers})
      if(h IN_LIST kokkos)
        continue()
      endif()
      string(MAKE_C_IDENTIFIER "${h}" id)
      foreach(i ${_inc_${id}})
        if(i IN_LIST kokkos)
          list(APPEND kokkos ${h})
          set(changed ON)
          break()
        endif()
      endforeach()
    endforeach()
  endwhile()
  set_property(GLOBAL PROPERTY DVHPC_KOKKOS_HEADERS ${kokkos})
  set_property(GLOBAL PROPERTY DVHPC_KOKKOS_HEADERS_SCANNED ON)
  set(${out} ${kokkos} PARENT_SCOPE)
endfunction()

# Splits the C++ units in `sources` into those that include Kokkos and the rest.
function(dvhpc_kokkos_units sources kokkos_out rest_out)
  _dvhpc_kokkos_headers(headers)
  set(k "")
  set(r "")
  foreach(s ${sources})
    get_filename_component(abs ${s} ABSOLUTE)
    if(NOT abs MATCHES "\\.(cpp|cc|cxx)$" OR NOT EXISTS ${abs})
      list(APPEND r ${s})
      continue()
    endif()
    _dvhpc_resolve_includes(${abs} inc)
    set(uses ${inc_direct})
    foreach(i ${inc})
      if(i IN_LIST headers)
        set(uses ON)
        break()
      endif()
    endforeach()
    if(uses)
      list(APPEND k ${s})
    else()
      list(APPEND r ${s})
    endif()
  endforeach()
  set(${kokkos_out} ${k} PARENT_SCOPE)
  set(${rest_out} ${r} PARENT_SCOPE)
endfunction()

# Moves the Kokkos units of `target` into the OBJECT library <target>_nvcc,
# compiled through nvcc_wrapper with the target's own include paths,
# definitions and options plus Kokkos' (the target itself must link Kokkos
# as $<LINK_ONLY:Kokkos::kokkos>, so that its g++ units do not get nvcc's
# flags). Call it after the target's include paths, definitions and
# libraries are set.
function(dvhpc_nvcc_kokkos_units target)
  get_target_property(srcs ${target} SOURCES)
  dvhpc_kokkos_units("${srcs}" kokkos rest)
  if(NOT kokkos)
    return()
  endif()
  set_property(TARGET ${target} PROPERTY SOURCES ${rest})
  add_library(${target}_nvcc OBJECT ${kokkos})
  set_target_properties(${target}_nvcc PROPERTIES
    INCLUDE_DIRECTORIES "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>"
    COMPILE_DEFINITIONS "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>"
    COMPILE_OPTIONS "$<TARGET_PROPERTY:${target},COMPILE_OPTIONS>"
    POSITION_INDEPENDENT_CODE ON
    CXX_COMPILER_LAUNCHER "${DVHPC_NVCC_COMPILE_LAUNCH}")
  target_link_libraries(${target}_nvcc PRIVATE Kokkos::kokkos)
  # The copied include path lost the "system" mark of the outside libraries'
  # folders (-isystem there, -I here); given again as system, GCC drops the
  # -I, and MPI's C++ headers stop warning as they do not in g++ units.
  foreach(dep MPI::MPI_CXX dvhpc::hdf5)
    target_include_directories(${target}_nvcc SYSTEM PRIVATE $<TARGET_PROPERTY:${dep},INTERFACE_INCLUDE_DIRECTORIES>)
  endforeach()
  # nvcc only WARNS when device code calls a host-only function (#20011,
  # #20014: "calling a __host__ function from a __host__ __device__
  # function is not allowed"; #20013: a constexpr one), e.g. a member
  # without KOKKOS_INLINE_FUNCTION. On a GPU that call is broken: errors.
  # (One -Xcudafe per number: nvcc splits -X option values at commas.)
  foreach(diag 20011 20013 20014)
    target_compile_options(${target}_nvcc PRIVATE "SHELL:-Xcudafe --diag_error=${diag}")
  endforeach()
  target_sources(${target} PRIVATE $<TARGET_OBJECTS:${target}_nvcc>)
  list(LENGTH kokkos nk)
  message(STATUS "dvhpc: ${target}: ${nk} Kokkos unit(s) through nvcc_wrapper")
endfunction()
