#include "ops/plan/dedupe.hpp"

#include "ops/plan/check.hpp"
#include "ops/plan/phrases.hpp"
#include "ops/plan/words.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

namespace porch::plan {

namespace {

// Comparisons per item are bounded: a megabyte of near-identical lines stays linear.
constexpr std::size_t max_candidates = 200;
constexpr std::size_t max_order_entries = 100;

struct Key {
    std::string document; // ids repeat across documents ("1.1" in two reviews)
    std::string id;
    bool strong_id = false; // "1.1", "h-3", "003-x.md": not a bare number that lists restart
    std::vector<std::string> words;
    std::string verb; // empty for a finding stated without one
};

Key key_of(const Raw& r) {
    Key k;
    k.document = r.source.substr(0, r.source.rfind(':'));
    const auto l = strip_label(r.text);
    k.id = r.id.empty() ? l.id : r.id;
    k.strong_id = k.id.find_first_not_of("0123456789") != std::string::npos;
    for (auto& w : significant_words(strip_code(l.rest)))
        if (std::none_of(k.words.begin(), k.words.end(), [&](const auto& x) { return x == w; }))
            k.words.push_back(std::move(w));
    // The verb says what to do, not which issue: "Fix x" and "x" are one.
    if (!k.words.empty() && !action_verb(k.words.front()).empty()) {
        k.verb = action_verb(k.words.front());
        k.words.erase(k.words.begin());
    }
    return k;
}

double overlap(const Key& a, const Key& b) {
    const auto& small = a.words.size() <= b.words.size() ? a : b;
    const auto& large = &small == &a ? b : a;
    if (small.words.empty())
        return 0;
    std::size_t shared = 0;
    for (const auto& w : small.words)
        shared += std::any_of(large.words.begin(), large.words.end(),
                              [&](const std::string& x) { return same_word(w, x); });
    return static_cast<double>(shared) / static_cast<double>(small.words.size());
}

bool scopes_agree(const Raw& a, const Raw& b) {
    if (a.scope.empty() || b.scope.empty())
        return true;
    for (const auto& x : a.scope)
        for (const auto& y : b.scope)
            if (scopes_overlap(x, y))
                return true;
    return false;
}

bool same_item(const Raw& ra, const Key& a, const Raw& rb, const Key& b) {
    if (!a.verb.empty() && !b.verb.empty() && a.verb != b.verb)
        return false; // "Read line items from x" and "Write line items to x" are two
    bool same = false;
    if (!a.id.empty() && a.id == b.id && a.document == b.document)
        same = a.strong_id || overlap(a, b) >= 0.3;
    else if (a.strong_id && b.strong_id && a.document == b.document)
        return false; // "1.1" and "1.2": two findings, however alike their words
    else
        same = std::min(a.words.size(), b.words.size()) >= 3 && overlap(a, b) >= 0.8;
    return same && scopes_agree(ra, rb); // the costly check last
}

bool all_in(const std::vector<std::string>& some, const std::vector<std::string>& words) {
    return !some.empty() && std::all_of(some.begin(), some.end(), [&](const std::string& w) {
        return std::any_of(words.begin(), words.end(),
                           [&](const std::string& x) { return same_word(w, x); });
    });
}

// An entry of an "implementation order" list names an item stated elsewhere, often by its label
// ("2. Retries" for "- Retries: cap the total time..."): the item whose label has the entry's
// first words, else the one item whose text has them all.
std::optional<std::size_t> order_target(const Raw& entry, const std::vector<Raw>& kept,
                                        const std::vector<Key>& keys) {
    const auto l = strip_label(entry.text);
    const std::string text = l.rest.empty() ? l.label : l.rest;
    auto end = text.find_first_of(",:;(");
    for (std::string_view stop : {" - ", " \u2014 ", " since ", " because ", " so that "})
        end = std::min(end, text.find(stop));
    auto head = significant_words(text.substr(0, end));
    if (!head.empty() && !action_verb(head.front()).empty() && head.size() > 1)
        head.erase(head.begin());
    if (head.empty())
        return std::nullopt;
    for (std::size_t c = 0; c < kept.size(); ++c)
        if (all_in(head, significant_words(strip_label(kept[c].text).label)))
            return c;
    std::optional<std::size_t> found;
    bool several = false;
    for (std::size_t c = 0; c < kept.size() && !several; ++c)
        if (all_in(head, keys[c].words)) {
            several = found.has_value();
            found = c;
        }
    if (found && !several)
        return found;
    // "2. HTTP" for the section "Phase 1: HTTP": its first item.
    for (std::size_t c = 0; c < kept.size(); ++c)
        if (all_in(head, significant_words(kept[c].heading)))
            return c;
    return std::nullopt;
}

void fold(Raw& kept, Raw& other) {
    for (auto& d : other.details)
        if (kept.details.size() < 40)
            kept.details.push_back(std::move(d));
    if (kept.scope.empty())
        kept.scope = std::move(other.scope);
    if (kept.priority.empty())
        kept.priority = std::move(other.priority);
    if (kept.size.empty())
        kept.size = std::move(other.size);
    if (kept.id.empty())
        kept.id = std::move(other.id);
    if (kept.after.empty())
        kept.after = std::move(other.after);
    kept.finding = kept.finding || other.finding;
}

} // namespace

std::vector<std::size_t> merge_duplicates(std::vector<Raw>& raws,
                                          std::vector<std::vector<std::string>>& also) {
    std::vector<Key> keys;
    std::unordered_map<std::string, std::size_t> frequency;
    for (const auto& r : raws) {
        keys.push_back(key_of(r));
        for (const auto& w : keys.back().words)
            ++frequency[w];
    }
    std::vector<Raw> kept;
    std::vector<Key> kept_keys;
    std::unordered_map<std::string, std::vector<std::size_t>> by_word, by_id;
    std::vector<std::size_t> into(raws.size());
    std::size_t orders_read = 0;
    also.clear();
    // References (a summary's table) are read after the items they sum up, into them.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < raws.size(); ++i)
        if (!raws[i].reference)
            order.push_back(i);
    for (std::size_t i = 0; i < raws.size(); ++i)
        if (raws[i].reference)
            order.push_back(i);
    for (std::size_t i : order) {
        const Key& k = keys[i];
        // Candidates: earlier items with the same id or one of this item's two rarest words.
        auto rare = k.words;
        std::sort(rare.begin(), rare.end(),
                  [&](const auto& x, const auto& y) { return frequency[x] < frequency[y]; });
        std::vector<std::size_t> candidates;
        auto take = [&](const std::vector<std::size_t>& list) {
            auto from = list.size() > max_candidates ? list.end() - max_candidates : list.begin();
            candidates.insert(candidates.end(), from, list.end());
        };
        if (!k.id.empty())
            if (auto it = by_id.find(k.document + "\n" + k.id); it != by_id.end())
                take(it->second);
        for (std::size_t r = 0; r < std::min<std::size_t>(2, rare.size()); ++r)
            if (auto it = by_word.find(rare[r]); it != by_word.end())
                take(it->second);
        if (raws[i].order && orders_read++ < max_order_entries) {
            if (auto c = order_target(raws[i], kept, kept_keys)) {
                into[i] = *c;
                also[*c].push_back(raws[i].source);
                continue;
            }
            if (action_verb(strip_label(raws[i].text).rest).empty()) {
                into[i] = dropped; // "5. The rest: independent of these": no item of its own
                continue;
            }
        }
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        auto match = std::find_if(candidates.begin(), candidates.end(), [&](std::size_t c) {
            return same_item(kept[c], kept_keys[c], raws[i], k);
        });
        if (match != candidates.end()) {
            into[i] = *match;
            also[*match].push_back(raws[i].source);
            fold(kept[*match], raws[i]);
            continue;
        }
        if (raws[i].reference) {
            into[i] = dropped; // sums up nothing this document states as work
            continue;
        }
        into[i] = kept.size();
        if (!k.id.empty())
            by_id[k.document + "\n" + k.id].push_back(kept.size());
        for (const auto& w : k.words)
            by_word[w].push_back(kept.size());
        kept.push_back(std::move(raws[i]));
        kept_keys.push_back(k);
        also.emplace_back();
    }
    raws = std::move(kept);
    return into;
}

} // namespace porch::plan
