#include "git/refname.hpp"

#include <string_view>

namespace porch::git {

namespace {
constexpr std::string_view heads = "refs/heads/";
constexpr std::string_view remotes = "refs/remotes/";
} // namespace

RefName RefName::of_branch(const BranchName& branch) {
    return RefName(std::string(heads) + branch.str());
}

std::optional<BranchName> RefName::branch() const {
    if (!m_name.starts_with(heads))
        return std::nullopt;
    return BranchName(m_name.substr(heads.size()));
}

std::optional<std::string> RefName::remote_branch() const {
    if (!m_name.starts_with(remotes))
        return std::nullopt;
    return m_name.substr(remotes.size());
}

} // namespace porch::git
