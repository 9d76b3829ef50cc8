// handoffkit keys new|rotate|retire: signing keys without hand-written JSON.
//
// A key file is the JWK Set `--keys` reads (token.hpp). `rotate` puts a new signing key first,
// keeps the old ones verifying, and records on the old signing key when it stopped signing
// ("stoppedSigningAt": a JWK Set has no timestamps of its own); `retire` removes a key once no
// token it signed can verify any more: handoffkit issues tokens of at most
// token::default_max_lifetime seconds, and a verifier allows at most token::max_leeway of skew.
// Every file is written whole or not at all (a temporary file in the same folder, fsynced, then
// renamed over the old one), readable by its owner only (0600), and only after the core has
// parsed the new text: a command never leaves a key file the host would refuse. Nothing printed
// contains key bytes, except `keys new` without --out, which prints the new set on purpose.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "handoffkit/base64url.hpp"
#include "handoffkit/crypto.hpp"
#include "handoffkit/native/system.hpp"
#include "handoffkit/token.hpp"
#include "output.hpp"

namespace handoffkit::cli {
namespace {

using nlohmann::json;

/// How long after a key stopped signing a token it signed may still verify.
constexpr std::int64_t verifying_after_stop = token::default_max_lifetime + token::max_leeway;

error write_failed(const std::string& path, const std::string& why) {
    return fail(native::cli_code::keys_write_failed, "cannot write the key file " + path + ": " + why);
}

enum class existing { replace, keep };

error file_exists(const std::string& path) {
    return fail(native::cli_code::keys_file_exists, path + " exists: keys new never replaces a key file (use keys rotate)");
}

// Writes `text` to `path` atomically with mode 0600: readers see the old file or the new one,
// never a part, and a crash leaves at most a stray temporary file beside it. With
// existing::keep an existing `path` is left alone, even one created meanwhile (link(2) refuses
// to replace).
result<token::done> write_atomically(const std::string& path, const std::string& text, existing mode) {
    std::string temp = path + ".tmp-XXXXXX";
    const int fd = mkstemp(temp.data());  // created 0600
    if (fd < 0) return write_failed(path, std::strerror(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    const bool ok = written == text.size() && fchmod(fd, 0600) == 0 && fsync(fd) == 0;
    const int saved = errno;
    const auto put_in_place = [&] {
        if (mode == existing::replace) return std::rename(temp.c_str(), path.c_str()) == 0;
        return ::link(temp.c_str(), path.c_str()) == 0 && ::unlink(temp.c_str()) == 0;
    };
    if (::close(fd) != 0 || !ok || !put_in_place()) {
        const int why = ok ? errno : saved;
        ::unlink(temp.c_str());
        return why == EEXIST && mode == existing::keep ? file_exists(path) : write_failed(path, std::strerror(why));
    }
    // The rename itself is durable once the folder is synced.
    const std::string folder = std::filesystem::path(path).parent_path().string();
    if (const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
        fsync(dir);
        ::close(dir);
    }
    return token::done{};
}

// The file's text as the key set the core reads, or the reason it is not one.
std::string key_file_text(const json& set) { return set.dump(2) + "\n"; }

result<token::done> save(const std::string& path, const json& set, existing mode = existing::replace) {
    const std::string text = key_file_text(set);
    if (auto parsed = token::key_set::parse(text); !parsed) return parsed.err();
    return write_atomically(path, text, mode);
}

result<json> load(const std::string& path) {
    auto text = native::read_key_file(path);  // parsed by the core: strict JSON, a valid set
    if (!text) return text.err();
    return json::parse(*text);
}

std::optional<std::int64_t> parse_seconds(const std::string& text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value <= token::max_time ? std::optional<std::int64_t>(value) : std::nullopt;
}

std::string utc(std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&t, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

// A kid that says when the key was made and does not repeat: 2026-11-30-1a2b3c4d.
result<std::string> default_kid(std::int64_t now) {
    auto random = native::random_bytes(4);
    if (!random) return random.err();
    return utc(now).substr(0, 10) + "-" + crypto::to_hex(*random);
}

result<json> new_key(const std::string& kid) {
    auto bytes = native::random_bytes(token::min_key_bytes);
    if (!bytes) return bytes.err();
    return json{{"kty", "oct"}, {"kid", kid}, {"alg", "HS256"}, {"use", "sig"}, {"k", base64url::encode(*bytes)}};
}

std::string signing_kid(const json& set) {
    if (set.contains("activeKid")) return set["activeKid"].get<std::string>();
    return set["keys"][0]["kid"].get<std::string>();
}

json* find_key(json& set, const std::string& kid) {
    for (auto& k : set["keys"])
        if (k["kid"] == kid) return &k;
    return nullptr;
}

json kids_of(const json& set) {
    json out = json::array();
    for (const auto& k : set["keys"]) out.push_back(k["kid"]);
    return out;
}

// What the core accepts as a kid (token.hpp), checked before anything is generated.
bool is_kid(const std::string& kid) {
    if (kid.empty() || kid.size() > token::max_kid_length) return false;
    for (char c : kid)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

struct common {
    std::int64_t now = 0;
    std::optional<std::string> kid;
};

// --now (tests only, as for `token`) and --kid, checked the same way for every subcommand.
std::optional<common> read_common(const args& a) {
    common c{native::unix_now(), a.get("kid")};
    if (auto now = a.get("now")) {
        auto value = parse_seconds(*now);
        if (!value) return usage_error("--now takes unix seconds"), std::nullopt;
        c.now = *value;
    }
    if (c.kid && !is_kid(*c.kid)) return usage_error("--kid takes 1-64 printable ASCII characters"), std::nullopt;
    return c;
}

int print_json(const json& value) {
    std::cout << value.dump() << '\n';
    return exit_ok;
}

int keys_new(const args& a, const common& c) {
    if (a.positional.size() != 1) return usage_error("keys new takes no FILE: use --out FILE");
    auto kid = c.kid ? result<std::string>(*c.kid) : default_kid(c.now);
    if (!kid) return print_error(kid.err());
    auto key = new_key(*kid);
    if (!key) return print_error(key.err());
    const json set{{"keys", json::array({*key})}, {"activeKid", *kid}};
    auto out = a.get("out");
    if (!out) {
        std::cout << key_file_text(set);
        return exit_ok;
    }
    if (auto saved = save(*out, set, existing::keep); !saved) return print_error(saved.err());
    return print_json({{"file", *out}, {"activeKid", *kid}});
}

int keys_rotate(const std::string& path, const common& c) {
    auto loaded = load(path);
    if (!loaded) return print_error(loaded.err());
    json set = std::move(loaded).value();
    auto kid = c.kid ? result<std::string>(*c.kid) : default_kid(c.now);
    if (!kid) return print_error(kid.err());
    if (find_key(set, *kid)) return print_error(fail(native::cli_code::key_exists, "the key set already has a key '" + *kid + "'"));
    auto key = new_key(*kid);
    if (!key) return print_error(key.err());
    const std::string previous = signing_kid(set);
    (*find_key(set, previous))["stoppedSigningAt"] = c.now;
    auto& keys = set["keys"];
    keys.insert(keys.begin(), *key);
    set["activeKid"] = *kid;
    if (auto saved = save(path, set); !saved) return print_error(saved.err());
    return print_json({{"activeKid", *kid}, {"previousKid", previous}, {"stoppedSigningAt", c.now},
                       {"retirableAt", c.now + verifying_after_stop}, {"keys", kids_of(set)}});
}

int keys_retire(const args& a, const std::string& path, const common& c) {
    if (!c.kid) return usage_error("keys retire needs --kid K");
    auto loaded = load(path);
    if (!loaded) return print_error(loaded.err());
    json set = std::move(loaded).value();
    json* key = find_key(set, *c.kid);
    if (!key) return print_error(fail(native::cli_code::key_not_found, "the key set has no key '" + *c.kid + "'"));
    if (signing_kid(set) == *c.kid)
        return print_error(fail(native::cli_code::key_active, "'" + *c.kid + "' signs new tokens: rotate first, then retire it later"));
    if (!a.has("force")) {
        if (!key->contains("stoppedSigningAt"))
            return print_error(fail(native::cli_code::key_stop_unknown, "the key set does not record when '" + *c.kid +
                                                            "' stopped signing (stoppedSigningAt); --force retires it anyway"));
        const std::int64_t until = (*key)["stoppedSigningAt"].get<std::int64_t>() + verifying_after_stop;
        if (c.now < until)
            return print_error(fail(native::cli_code::key_still_verifying, "tokens signed by '" + *c.kid + "' may verify until " + utc(until) +
                                                               " (" + std::to_string(until) + "); --force retires it now"));
    }
    auto& keys = set["keys"];
    for (auto it = keys.begin(); it != keys.end(); ++it)
        if ((*it)["kid"] == *c.kid) {
            keys.erase(it);
            break;
        }
    if (auto saved = save(path, set); !saved) return print_error(saved.err());
    return print_json({{"retired", *c.kid}, {"keys", kids_of(set)}});
}

}  // namespace

const command_spec& keys_spec() {
    static const command_spec spec{"keys", {"new", "rotate", "retire"}, {
        {"kid", flag_kind::value, {"new", "rotate", "retire"}},
        {"out", flag_kind::value, {"new"}},
        {"now", flag_kind::value, {"new", "rotate", "retire"}},
        {"force", flag_kind::boolean, {"retire"}},
    }};
    return spec;
}

int cmd_keys(const args& a) {
    const std::string sub = a.positional.empty() ? "" : a.positional[0];
    if (sub != "new" && sub != "rotate" && sub != "retire") return usage_error("keys takes new, rotate or retire");
    const auto c = read_common(a);
    if (!c) return exit_usage;
    if (sub == "new") return keys_new(a, *c);
    if (a.positional.size() != 2) return usage_error("keys " + sub + " takes exactly one FILE");
    if (a.has("out")) return usage_error("--out is for keys new; keys " + sub + " rewrites FILE");
    return sub == "rotate" ? keys_rotate(a.positional[1], *c) : keys_retire(a, a.positional[1], *c);
}

}  // namespace handoffkit::cli
