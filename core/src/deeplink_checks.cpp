#include "deeplink_checks.hpp"

#include <string>

#include "text_checks.hpp"

namespace handoffkit::deeplink::detail {

bool is_free_text(std::string_view name) {
    return name == "message" || name == "content" || name == "topicName" || name == "subject" || name == "label";
}

std::vector<error> value_problems(std::string_view name, std::string_view value) {
    using namespace handoffkit::detail;
    std::vector<error> out;
    const std::string quoted = "'" + std::string(name) + "'";
    if (!is_valid_utf8(name) || !is_valid_utf8(value))
        out.push_back(fail(input_code::invalid_utf8, quoted + " is not valid UTF-8"));
    if (has_control_char(name, false) || has_control_char(value, is_free_text(name)))
        out.push_back(fail(link_code::control_character, quoted + " contains a control character"));
    if (looks_like_script(value)) out.push_back(fail(link_code::script_injection, quoted + " contains markup or a script URL"));
    return out;
}

}  // namespace handoffkit::deeplink::detail
