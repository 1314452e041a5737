// A git object id, independent of libgit2's types so the rest of porch never sees <git2.h>.
#pragma once

#include <array>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace porch::git {

struct Oid {
    std::array<unsigned char, 20> bytes{};

    std::string hex() const;
    std::string short_hex(std::size_t n = 7) const { return hex().substr(0, n); }
    static std::optional<Oid> from_hex(std::string_view hex);
    // The id git gives a blob with this content (`git hash-object`), computed without writing.
    static Oid of_blob(std::string_view content);

    auto operator<=>(const Oid&) const = default;
};

} // namespace porch::git
