// Names as admins write them (eligibility_names.hpp).
#include "eligibility_names.hpp"

#include <algorithm>
#include <array>

namespace handoffkit::eligibility::detail {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

struct access_name {
    access right;
    std::string_view canonical;  ///< in table:access
    std::string_view prv;        ///< in prv<Access><Table>
};

// Longest first, so that "prvAppendTo…" is tried as AppendTo before Append.
constexpr std::array<access_name, 8> access_names{{
    {access::append_to, "appendTo", "AppendTo"},
    {access::append, "append", "Append"},
    {access::create, "create", "Create"},
    {access::remove, "delete", "Delete"},
    {access::assign, "assign", "Assign"},
    {access::share, "share", "Share"},
    {access::write, "write", "Write"},
    {access::read, "read", "Read"},
}};

const access_name& name_of(access right) {
    for (const auto& a : access_names)
        if (a.right == right) return a;
    return access_names.back();
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool known_table(const names& known, std::string_view table) {
    return std::binary_search(known.tables.begin(), known.tables.end(), table, std::less<>());
}

std::string with_table(const privilege& p, std::string_view table) {
    const access_name& a = name_of(p.right);
    return p.prv ? "prv" + std::string(a.prv) + std::string(table) : std::string(table) + ":" + std::string(a.canonical);
}

}  // namespace

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

std::string loose_key(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s)
        if (c != ' ' && c != '-' && c != '_') out.push_back(lower(c));
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rolling rows of the optimal string alignment table (a swap looks two rows back).
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const bool same = lower(a[i - 1]) == lower(b[j - 1]);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                current[j] = std::min(current[j], before[j - 2] + 1);
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

const std::string* closest(std::string_view value, const std::vector<std::string>& candidates) {
    const std::string* best = nullptr;
    std::size_t best_distance = 0;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(value, c);
        if (!best || d < best_distance) best = &c, best_distance = d;
    }
    return best;
}

const std::string* suggestion(std::string_view value, const std::vector<std::string>& candidates) {
    const std::string* nearest = closest(value, candidates);
    if (nearest && edit_distance(value, *nearest) <= std::max<std::size_t>(2, nearest->size() / 3)) return nearest;
    const std::string low = lower_ascii(value);
    if (low.size() < 3) return nullptr;
    for (const auto& c : candidates) {
        const std::string candidate = lower_ascii(c);
        if (candidate.size() >= 3 && (candidate.find(low) != std::string::npos || low.find(candidate) != std::string::npos))
            return &c;
    }
    return nullptr;
}

bool looks_like(std::string_view value, std::string_view known) {
    const std::size_t d = edit_distance(value, known);
    return d > 0 && d <= (known.size() >= 8 ? 2u : 1u);
}

privilege parse_privilege(std::string_view text, const names& known) {
    privilege p;
    p.text = std::string(text);
    const std::string low = lower_ascii(text);
    if (const auto colon = low.rfind(':'); colon != std::string::npos) {
        p.table = low.substr(0, colon);
        const std::string_view right = std::string_view(low).substr(colon + 1);
        for (const auto& a : access_names)
            if (lower_ascii(a.canonical) == right && !p.table.empty()) {
                p.form = privilege::kind::table;
                p.right = a.right;
            }
        return p;
    }
    if (!starts_with(low, "prv") || low.size() == 3) return p;
    p.prv = true;
    if (known.miscellaneous.count(low)) {
        p.form = privilege::kind::miscellaneous;
        return p;
    }
    const std::string_view rest = std::string_view(low).substr(3);
    const access_name* first = nullptr;
    for (const auto& a : access_names) {
        const std::string prefix = lower_ascii(a.canonical);
        if (!starts_with(rest, prefix) || rest.size() == prefix.size()) continue;
        if (!first) first = &a;
        if (known_table(known, rest.substr(prefix.size()))) {
            first = &a;
            break;
        }
    }
    if (!first) {
        p.form = privilege::kind::miscellaneous;
        return p;
    }
    p.form = privilege::kind::table;
    p.right = first->right;
    p.table = std::string(rest.substr(lower_ascii(first->canonical).size()));
    return p;
}

std::string canonical_privilege(const privilege& p, const names& known) {
    if (p.form == privilege::kind::table) return p.table + ":" + std::string(name_of(p.right).canonical);
    if (p.form == privilege::kind::miscellaneous) {
        auto it = known.miscellaneous.find(lower_ascii(p.text));
        if (it != known.miscellaneous.end()) return it->second;
    }
    return p.text;
}

std::string prv_name(std::string_view canonical) {
    const auto colon = canonical.rfind(':');
    if (colon == std::string_view::npos) return std::string(canonical);
    for (const auto& a : access_names)
        if (canonical.substr(colon + 1) == a.canonical)
            return "prv" + std::string(a.prv) + std::string(canonical.substr(0, colon));
    return std::string(canonical);
}

std::optional<std::string> privilege_suggestion(const privilege& p, const names& known) {
    if (p.form == privilege::kind::malformed) {
        const std::string* meant = suggestion(p.text, known.privilege_spellings);
        return meant ? *meant : std::string();  // malformed is worth a warning even with nothing to suggest
    }
    if (p.form == privilege::kind::table) {
        if (known_table(known, p.table)) return std::nullopt;
        const std::string* nearest = closest(p.table, known.tables);
        if (nearest && looks_like(p.table, *nearest)) return with_table(p, *nearest);
        return std::nullopt;
    }
    const std::string low = lower_ascii(p.text);
    if (known.miscellaneous.count(low)) return std::nullopt;
    for (const auto& [key, spelled] : known.miscellaneous)
        if (looks_like(low, key)) return spelled;
    // prv + a misspelled access + a known table: "prvRaedmsdyn_aimodel".
    for (const auto& table : known.tables) {
        if (low.size() <= 3 + table.size() || low.compare(low.size() - table.size(), table.size(), table) != 0) continue;
        const std::string_view middle = std::string_view(low).substr(3, low.size() - 3 - table.size());
        for (const auto& a : access_names)
            if (looks_like(middle, lower_ascii(a.canonical))) return "prv" + std::string(a.prv) + table;
    }
    return std::nullopt;
}

}  // namespace handoffkit::eligibility::detail
