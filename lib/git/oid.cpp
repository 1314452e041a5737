#include "git/oid.hpp"

#include "git/repo_impl.hpp"

namespace porch::git {

std::string Oid::hex() const {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(40, '0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    return out;
}

std::optional<Oid> Oid::from_hex(std::string_view hex) {
    if (hex.size() != 40)
        return std::nullopt;
    Oid out;
    for (std::size_t i = 0; i < 40; ++i) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return std::nullopt;
        out.bytes[i / 2] = static_cast<unsigned char>(i % 2 ? (out.bytes[i / 2] | v) : v << 4);
    }
    return out;
}

Oid Oid::of_blob(std::string_view content) {
    detail::ensure_init();
    git_oid raw;
    detail::check(git_odb_hash(&raw, content.data(), content.size(), GIT_OBJECT_BLOB),
                  "cannot hash object");
    return detail::from_raw(&raw);
}

} // namespace porch::git
