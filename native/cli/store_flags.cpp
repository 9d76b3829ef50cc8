#include "store_flags.hpp"

#include "handoffkit/native/stores.hpp"

namespace handoffkit::cli {

result<std::unique_ptr<token::replay_guard>> open_store_with_flags(const args& a, const std::string& spec) {
    const bool redis = spec.rfind("redis://", 0) == 0 || spec.rfind("rediss://", 0) == 0;
    if (!redis) {
        for (const char* flag : store_secret_flags)
            if (a.has(flag)) return fail(input_code::invalid_argument, std::string("--") + flag + " is for a redis:// or rediss:// store");
        return native::open_store(spec);
    }
    native::store_secrets secrets;
    // The environment's password is read only for Redis: it may be set for other tools.
    auto password = native::redis_password(a.get("redis-password-file").value_or(""));
    if (!password) return password.err();
    secrets.redis_password = std::move(password).value();
    secrets.redis_ca_file = a.get("redis-ca-file").value_or("");
    secrets.redis_cert_file = a.get("redis-cert-file").value_or("");
    secrets.redis_key_file = a.get("redis-key-file").value_or("");
    return native::open_store(spec, secrets);
}

}  // namespace handoffkit::cli
