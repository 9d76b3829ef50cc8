# cmake -DINPUT=rules.json -DOUTPUT=file.cpp -P embed_ruleset.cmake
# Writes a C++ file defining handoffkit::eligibility::default_ruleset_json() as the JSON text in a
# raw string literal. Run at build time, so editing the JSON is enough to rebuild; the output is
# only replaced when it changes, so nothing recompiles needlessly.
file(READ "${INPUT}" _json)
set(_delim "hk_ruleset")
string(FIND "${_json}" ")${_delim}\"" _clash)
if(NOT _clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${_delim}\"")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed_ruleset.cmake: do not edit.
#include \"handoffkit/eligibility.hpp\"

namespace handoffkit::eligibility {

std::string_view default_ruleset_json() {
    static constexpr std::string_view text = R\"${_delim}(${_json})${_delim}\";
    return text;
}

}  // namespace handoffkit::eligibility
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE "${OUTPUT}.tmp")
