// Branch names and full ref names as distinct types. Both are text (`work/task-1-api` and
// `refs/heads/work/task-1-api`), and passing one where the other belongs names another ref
// without any error; the types make every conversion between them explicit.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace porch::git {

// A short branch name, e.g. work/task-1-api.
class BranchName {
public:
    explicit BranchName(std::string_view name) : m_name(name) {}
    const std::string& str() const { return m_name; }
    auto operator<=>(const BranchName&) const = default;

private:
    std::string m_name;
};

// A full ref name, e.g. refs/heads/work/task-1-api or refs/notes/porch.
class RefName {
public:
    explicit RefName(std::string_view full_name) : m_name(full_name) {}
    static RefName of_branch(const BranchName& branch);
    // The branch this ref is; nullopt unless it is under refs/heads/.
    std::optional<BranchName> branch() const;
    // The remote-tracking branch this ref is, as git shows it (origin/main); nullopt unless it
    // is under refs/remotes/.
    std::optional<std::string> remote_branch() const;
    const std::string& str() const { return m_name; }
    auto operator<=>(const RefName&) const = default;

private:
    std::string m_name;
};

// The ref of a branch porch holds as text (configuration, templates, worker records).
inline RefName branch_ref(std::string_view branch) {
    return RefName::of_branch(BranchName(branch));
}

} // namespace porch::git
