#include "key_cache.hpp"

#include <string>

namespace handoffkit::detail {

result<std::shared_ptr<const token::key_set>> cached_key_set(std::string_view text) {
    thread_local std::string last_text;
    thread_local std::shared_ptr<const token::key_set> last;
    if (last && text == last_text) return last;
    auto parsed = token::key_set::parse(text);
    if (!parsed) return parsed.err();
    last = std::make_shared<const token::key_set>(std::move(parsed).value());
    last_text = text;
    return last;
}

}  // namespace handoffkit::detail
