# Third-party headers and libraries. Natively they come from Debian's packages through
# find_package. Under Emscripten, find_package cannot see host packages and -I/usr/include breaks
# em++ (glibc headers), so the header-only ones are located on the host and exposed through a
# symlink folder of their own, under the same target names the native branch gets. Only Boost:
# nothing in the wasm module uses nlohmann/json (the core's JSON is its own).
if(EMSCRIPTEN)
  set(_hk_shim "${CMAKE_BINARY_DIR}/host-headers")
  file(MAKE_DIRECTORY "${_hk_shim}")
  find_path(_hk_boost_root boost/url.hpp PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
  if(NOT _hk_boost_root)
    message(FATAL_ERROR "boost/url.hpp not found on the host: run scripts/deps.sh")
  endif()
  file(CREATE_LINK "${_hk_boost_root}/boost" "${_hk_shim}/boost" SYMBOLIC)
  add_library(Boost::headers INTERFACE IMPORTED)
  target_include_directories(Boost::headers INTERFACE "${_hk_shim}")
else()
  find_package(nlohmann_json 3.11 REQUIRED)
  find_package(Boost 1.81 REQUIRED)
endif()
