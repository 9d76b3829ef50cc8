# Third-party headers and libraries. Natively they come from Debian's packages through
# find_package. Under Emscripten, find_package cannot see host packages and -I/usr/include breaks
# em++ (glibc headers), so the header-only ones are located on the host and exposed through a
# symlink folder of their own, under the same target names the native branch gets.
if(EMSCRIPTEN)
  set(_hk_shim "${CMAKE_BINARY_DIR}/host-headers")
  file(MAKE_DIRECTORY "${_hk_shim}")
  foreach(_hk_pair "nlohmann;nlohmann/json.hpp" "boost;boost/url.hpp")
    list(GET _hk_pair 0 _hk_dir)
    list(GET _hk_pair 1 _hk_probe)
    find_path(_hk_root_${_hk_dir} "${_hk_probe}" PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
    if(NOT _hk_root_${_hk_dir})
      message(FATAL_ERROR "${_hk_probe} not found on the host: run scripts/deps.sh")
    endif()
    file(CREATE_LINK "${_hk_root_${_hk_dir}}/${_hk_dir}" "${_hk_shim}/${_hk_dir}" SYMBOLIC)
  endforeach()
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json INTERFACE "${_hk_shim}")
  add_library(Boost::headers INTERFACE IMPORTED)
  target_include_directories(Boost::headers INTERFACE "${_hk_shim}")
else()
  find_package(nlohmann_json 3.11 REQUIRED)
  find_package(Boost 1.81 REQUIRED)
endif()
