#include "pool/claim.hpp"

#include "git/repo.hpp"
#include "store/store.hpp"
#include "util/regex.hpp"

namespace porch::pool {

std::optional<std::string> claimed_worker(const git::Repo& repo, const std::string& slot) {
    auto target = repo.ref_target(claim_ref(slot));
    if (!target)
        return std::nullopt;
    auto content = repo.read_blob(*target);
    const std::string prefix = "porch worker ";
    if (!content || !content->starts_with(prefix) || content->back() != '\n')
        return std::string("?");
    return content->substr(prefix.size(), content->size() - prefix.size() - 1);
}

bool is_slot_name(std::string_view name) {
    static const util::Regex re("wt-[1-9][0-9]{0,3}");
    return re.match(name).has_value();
}

} // namespace porch::pool
