# cmake -DINPUT=data.json -DOUTPUT=file.cpp [-DHEADER=h -DNAMESPACE=ns -DFUNCTION=f] -P embed_ruleset.cmake
# Writes a C++ file defining NAMESPACE::FUNCTION() (by default
# handoffkit::eligibility::default_ruleset_json(), declared in handoffkit/eligibility.hpp) as the
# JSON text in a raw string literal. The core's data tables (the eligibility ruleset, the Adaptive
# Cards schema) are compiled in this one way. Run at build time, so editing the JSON is enough to
# rebuild; the output is only replaced when it changes, so nothing recompiles needlessly.
if(NOT DEFINED HEADER)
  set(HEADER "handoffkit/eligibility.hpp")
endif()
if(NOT DEFINED NAMESPACE)
  set(NAMESPACE "handoffkit::eligibility")
endif()
if(NOT DEFINED FUNCTION)
  set(FUNCTION "default_ruleset_json")
endif()
file(READ "${INPUT}" _json)
set(_delim "hk_ruleset")
string(FIND "${_json}" ")${_delim}\"" _clash)
if(NOT _clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${_delim}\"")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed_ruleset.cmake: do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
    static constexpr std::string_view text = R\"${_delim}(${_json})${_delim}\";
    return text;
}

}  // namespace ${NAMESPACE}
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE "${OUTPUT}.tmp")
