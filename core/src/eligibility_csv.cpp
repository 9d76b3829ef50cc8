// Representatives as admins keep them in spreadsheets: CSV (RFC 4180) with a header row -> the
// JSON array the environment's `representatives` would hold, so one reader checks both.
//
// Fields are separated by commas and records by CRLF (LF and CR alone are taken too); a field
// in double quotes may hold commas, line breaks and "" for a quote. A UTF-8 byte order mark is
// skipped. Lists (licenses, roles) are separated by ';'. Values and list items are trimmed of
// spaces and tabs, as spreadsheets pad them. An empty cell of a list column is an empty list (the
// representative holds none); an empty surface or experienceProfile is not given; a column left
// out is not given for anyone. A record with nothing in it (a blank line, or only commas) is
// skipped; rows keep their numbers as the spreadsheet shows them (the header is row 1).
#include <algorithm>

#include "eligibility_model.hpp"
#include "text_checks.hpp"

namespace handoffkit::eligibility::detail {
namespace {

using handoffkit::json;

enum class column : std::uint8_t { id, surface, licenses, roles, experience_profile };
constexpr std::string_view column_names[] = {"id", "surface", "licenses", "roles", "experienceProfile"};

error csv_error(const std::string& why) { return error{eligibility_code::environment_invalid, "representatives CSV: " + why, "/representatives"}; }

std::string row_name(std::size_t row) { return "row " + std::to_string(row); }

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// Splits text into records of fields, per RFC 4180.
class records {
public:
    explicit records(std::string_view text) : text_(text) {}

    /// The next record into `fields`; false at the end of the text or on a problem (see failed()).
    bool next(std::vector<std::string>& fields) {
        fields.clear();
        if (at_ >= text_.size()) return false;
        ++row_;
        for (;;) {
            std::string field;
            if (!read_field(field)) return false;
            fields.push_back(std::move(field));
            if (at_ >= text_.size()) return true;
            const char c = text_[at_++];
            if (c == ',') continue;
            if (c == '\r' && at_ < text_.size() && text_[at_] == '\n') ++at_;
            return true;  // a line break ends the record
        }
    }
    std::size_t row() const { return row_; }
    const std::optional<error>& failed() const { return problem_; }

private:
    bool read_field(std::string& out) {
        if (at_ < text_.size() && text_[at_] == '"') return read_quoted(out);
        const std::size_t start = at_;
        while (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '\r' && text_[at_] != '\n') {
            if (text_[at_] == '"')
                return fail("a double quote inside a field that does not start with one (quote the whole field, and "
                            "double the quotes inside)");
            ++at_;
        }
        out.assign(text_.substr(start, at_ - start));
        return true;
    }

    bool read_quoted(std::string& out) {
        ++at_;  // the opening quote
        for (;;) {
            const std::size_t quote = text_.find('"', at_);
            if (quote == std::string_view::npos) return fail("a quoted field is not closed");
            out.append(text_.substr(at_, quote - at_));
            at_ = quote + 1;
            if (at_ < text_.size() && text_[at_] == '"') {
                out.push_back('"');
                ++at_;
                continue;
            }
            if (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '\r' && text_[at_] != '\n')
                return fail("text after the closing quote of a field");
            return true;
        }
    }

    bool fail(const std::string& why) {
        problem_ = csv_error(row_name(row_) + ": " + why);
        return false;
    }

    std::string_view text_;
    std::size_t at_ = 0;
    std::size_t row_ = 0;
    std::optional<error> problem_;
};

/// A blank line, or a row of empty cells as spreadsheets export them (",,,,").
bool blank(const std::vector<std::string>& fields) {
    return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return trimmed(f).empty(); });
}

/// The header row: which column each field is. Every name at most once; `id` required.
result<std::vector<column>> header(const std::vector<std::string>& fields) {
    std::vector<column> out;
    std::vector<std::string> all(std::begin(column_names), std::end(column_names));
    for (const auto& raw : fields) {
        const std::string name(trimmed(raw));
        auto it = std::find_if(std::begin(column_names), std::end(column_names),
                               [&](std::string_view c) { return lower_ascii(c) == lower_ascii(name); });
        if (it == std::end(column_names)) {
            const std::string* meant = suggestion(name, all);
            return csv_error("row 1: unknown column '" + name + "' (the columns are id, surface, licenses, roles, "
                             "experienceProfile" + (meant ? "; did you mean '" + *meant + "'?)" : std::string(")")));
        }
        const auto c = static_cast<column>(it - std::begin(column_names));
        if (std::find(out.begin(), out.end(), c) != out.end()) return csv_error("row 1: column '" + name + "' appears twice");
        out.push_back(c);
    }
    if (std::find(out.begin(), out.end(), column::id) == out.end()) return csv_error("row 1: the header names no 'id' column");
    return out;
}

json list_of(std::string_view cell) {
    json items = json::array();
    while (!cell.empty()) {
        const std::size_t semicolon = cell.find(';');
        const std::string_view item = trimmed(cell.substr(0, semicolon));
        if (!item.empty()) items.push_back(std::string(item));
        if (semicolon == std::string_view::npos) break;
        cell.remove_prefix(semicolon + 1);
    }
    return items;
}

json representative_of(const std::vector<column>& columns, const std::vector<std::string>& fields) {
    json rep = json::object();
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const std::string_view cell = trimmed(fields[i]);
        const std::string key(column_names[static_cast<std::size_t>(columns[i])]);
        if (columns[i] == column::licenses || columns[i] == column::roles) rep[key] = list_of(cell);
        else if (columns[i] == column::id || !cell.empty()) rep[key] = std::string(cell);
    }
    return rep;
}

}  // namespace

result<csv_representatives> read_representatives_csv(std::string_view text) {
    if (text.size() > max_environment_bytes)
        return error{input_code::input_too_large, "the representatives CSV is larger than " + std::to_string(max_environment_bytes >> 20) + " MiB", ""};
    if (!handoffkit::detail::is_valid_utf8(text)) return csv_error("not UTF-8 text");
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    records in(text);
    std::vector<std::string> fields;
    if (!in.next(fields)) return in.failed() ? *in.failed() : csv_error("no header row (the file is empty)");
    auto columns = header(fields);
    if (!columns) return columns.err();

    csv_representatives out;
    out.array = json::array();
    while (in.next(fields)) {
        if (blank(fields)) continue;
        if (fields.size() != columns->size())
            return csv_error(row_name(in.row()) + " has " + std::to_string(fields.size()) + " fields; the header has " +
                             std::to_string(columns->size()));
        // More rows than an environment may hold: refused here, before building them all.
        if (out.rows.size() == max_representatives)
            return csv_error("more than " + std::to_string(max_representatives) + " representatives");
        out.array.push_back(representative_of(*columns, fields));
        out.rows.push_back(in.row());
    }
    if (in.failed()) return *in.failed();
    return out;
}

}  // namespace handoffkit::eligibility::detail
