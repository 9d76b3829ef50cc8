// Names as admins write them: display names and spellings that differ in case, privileges in
// Dataverse's prv<Access><Table> form beside table:access, and, for a name that is not known, the
// closest known one ("did you mean").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace handoffkit::eligibility::detail {

std::string lower_ascii(std::string_view s);
/// Lower case without spaces, '-' and '_': "United States" and "unitedStates" meet.
std::string loose_key(std::string_view s);
/// Case-insensitive optimal string alignment distance (insert, delete, substitute, swap two).
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate nearest to `value` (the first of equals); nullptr when there are none.
const std::string* closest(std::string_view value, const std::vector<std::string>& candidates);
/// What `value` was probably meant to be: the nearest candidate when it is near (a third of its
/// length in edits, at least two), else the first that holds `value` or is held in it (as
/// "Enterprise" in "Dynamics 365 Customer Service Enterprise"); nullptr when none is.
const std::string* suggestion(std::string_view value, const std::vector<std::string>& candidates);
/// Near enough to `known` to be taken for a misspelling of it (one edit, two from 8 characters).
bool looks_like(std::string_view value, std::string_view known);

/// The names the ruleset knows, each under the lower-case spellings that find it.
struct names {
    std::map<std::string, std::string, std::less<>> features;  ///< id, name, alsoCalled -> id
    std::vector<std::string> feature_spellings;                ///< in ruleset order, for "did you mean"
    std::map<std::string, std::string, std::less<>> licenses;  ///< id, name, alsoCalled -> id
    std::vector<std::string> license_spellings;
    std::map<std::string, std::string, std::less<>> roles;  ///< roles the rules name -> their spelling
    std::vector<std::string> role_spellings;
    std::vector<std::string> tables;  ///< sorted: tables the rules' privileges name (lower case)
    std::map<std::string, std::string, std::less<>> miscellaneous;  ///< prvIntelligenceUsage and the like
    /// Every privilege the rules name, as table:access and as prv<Access><Table>, for "did you mean".
    std::vector<std::string> privilege_spellings;
};

// ---- privileges -----------------------------------------------------------------------------

enum class access : std::uint8_t { create, read, write, remove, append, append_to, assign, share };

struct privilege {
    enum class kind : std::uint8_t { table, miscellaneous, malformed };
    kind form = kind::malformed;
    std::string table;  ///< lower case (table privileges)
    access right = access::read;
    bool prv = false;   ///< written prv<Access><Table> (or prv<Name> for a miscellaneous one)
    std::string text;   ///< as given
};

/// "msdyn_aimodel:read", "prvReadmsdyn_aimodel" (any case) or a miscellaneous "prvIntelligenceUsage".
/// A prv name that reads two ways ("prvAppendTo…") is read the way that names a known table.
privilege parse_privilege(std::string_view text, const names& known);
/// The form rules compare: "table:access" (access as create, read, write, delete, append,
/// appendTo, assign, share), or a miscellaneous privilege as the ruleset spells it.
std::string canonical_privilege(const privilege& p, const names& known);
/// The same privilege as Dataverse names it: prvReadmsdyn_aimodel (miscellaneous ones unchanged).
std::string prv_name(std::string_view canonical);
/// For a privilege that is malformed or one edit away from one the rules name: what was meant.
std::optional<std::string> privilege_suggestion(const privilege& p, const names& known);

}  // namespace handoffkit::eligibility::detail
