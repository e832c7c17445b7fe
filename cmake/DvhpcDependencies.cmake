# Finds every outside dependency of dvhpc and fails early with a message that
# says which Debian package or setup step provides it.

find_package(MPI REQUIRED COMPONENTS C CXX)

# Parallel HDF5 is required: all ranks write one file collectively.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "dvhpc needs the parallel (MPI) build of HDF5, but CMake found a serial one "
    "(${HDF5_C_INCLUDE_DIRS}). Install libhdf5-openmpi-dev (scripts/setup.sh does) and "
    "remove libhdf5-dev's pkg-config/alternatives priority, or pass -DHDF5_C_COMPILER_EXECUTABLE=h5pcc.")
endif()
add_library(dvhpc::hdf5 INTERFACE IMPORTED)
target_include_directories(dvhpc::hdf5 INTERFACE ${HDF5_C_INCLUDE_DIRS})
target_link_libraries(dvhpc::hdf5 INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
target_compile_definitions(dvhpc::hdf5 INTERFACE ${HDF5_C_DEFINITIONS} H5_USE_110_API)

find_package(PkgConfig REQUIRED)
pkg_check_modules(HTSLIB REQUIRED IMPORTED_TARGET htslib>=1.10)

# Kokkos: the OpenMP build that scripts/setup.sh makes in .deps/ (Debian's
# package is Serial-only with a broken include path, so it is not used).
if(NOT Kokkos_ROOT AND NOT DEFINED ENV{Kokkos_ROOT})
  foreach(_k kokkos-cuda kokkos-openmp)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/.deps/${_k}/lib/cmake/Kokkos/KokkosConfig.cmake
       AND (_k STREQUAL "kokkos-openmp" OR DVHPC_USE_KOKKOS_CUDA))
      set(Kokkos_ROOT ${CMAKE_CURRENT_SOURCE_DIR}/.deps/${_k})
      break()
    endif()
  endforeach()
endif()
find_package(Kokkos 3.4 QUIET)
if(NOT Kokkos_FOUND)
  message(FATAL_ERROR "Kokkos 3.4 with OpenMP not found. Run scripts/setup.sh (it builds it into "
                      ".deps/kokkos-openmp) or pass -DKokkos_ROOT=<prefix>.")
endif()

find_package(Boost 1.70 REQUIRED COMPONENTS program_options)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(dnnl REQUIRED)   # oneDNN, the CPU backend of the neural networks
find_package(LAPACK REQUIRED) # QR and symmetric eigensolver of `dvhpc pca` (liblapack-dev)
find_package(ZLIB REQUIRED)   # deflate for the PNG figures of src/plot/ (zlib1g-dev)
if(DVHPC_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()

if(DVHPC_ENABLE_CUDA)
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  # cuDNN and NCCL ship in the CUDA tree here but have no CMake config.
  find_library(DVHPC_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} REQUIRED)
  find_library(DVHPC_NCCL_LIBRARY nccl HINTS ${CUDAToolkit_LIBRARY_DIR} REQUIRED)
  find_path(DVHPC_CUDNN_INCLUDE cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS} REQUIRED)
  find_path(DVHPC_NCCL_INCLUDE nccl.h HINTS ${CUDAToolkit_INCLUDE_DIRS} REQUIRED)
  add_library(dvhpc::cudnn INTERFACE IMPORTED)
  target_link_libraries(dvhpc::cudnn INTERFACE ${DVHPC_CUDNN_LIBRARY})
  target_include_directories(dvhpc::cudnn INTERFACE ${DVHPC_CUDNN_INCLUDE})
  add_library(dvhpc::nccl INTERFACE IMPORTED)
  target_link_libraries(dvhpc::nccl INTERFACE ${DVHPC_NCCL_LIBRARY})
  target_include_directories(dvhpc::nccl INTERFACE ${DVHPC_NCCL_INCLUDE})
  message(STATUS "dvhpc: CUDA backends ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, cuDNN ${DVHPC_CUDNN_LIBRARY}, NCCL ${DVHPC_NCCL_LIBRARY})")
else()
  message(STATUS "dvhpc: CUDA backends OFF")
endif()
