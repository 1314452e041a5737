#include "ops/plan/import.hpp"

#include "git/cli.hpp"
#include "model/naming.hpp"
#include "ops/plan/check.hpp"
#include "ops/plan/dedupe.hpp"
#include "ops/plan/extract.hpp"
#include "ops/plan/phrases.hpp"
#include "ops/plan/words.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

namespace porch::plan {

namespace {

// Verbs that say that something should get better, not what to change.
bool vague(std::string_view verb) {
    static const std::set<std::string, std::less<>> v = {
        "clean",    "enhance",  "handle", "improve", "investigate", "look",
        "optimise", "optimize", "polish", "review",  "tweak"};
    return v.count(verb) > 0;
}

// Removes markdown emphasis and backticks, and collapses white space.
std::string plain(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '`')
            continue;
        if ((c == '*' || c == '_') && i + 1 < text.size() && text[i + 1] == c) {
            ++i;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
            continue;
        }
        out += c;
    }
    return util::trim(out);
}

constexpr std::string_view dep_pattern =
    "(?is)(.*?)\\b(after(?: completing| finishing)?|requires|depends on|blocked by|"
    "needs(?=\\s+(?:step|item|task|phase|#|\\d)))\\s+(.+?)"
    "(?:\\s+(?:to be done first|is done|is finished|is merged|lands))?"
    "\\s*(?:[.;,)](?=\\s|$)|(?=\\n)|$)(.*)";

struct Phrase {
    std::string signal; // after, requires...
    std::string target; // what it names
};

// The dependency phrases of `text`, and the text without them.
std::pair<std::vector<Phrase>, std::string> dependency_phrases(std::string_view text) {
    std::vector<Phrase> out;
    std::string rest(text), kept;
    while (auto m = match(dep_pattern, rest)) {
        kept += (*m)[1];
        out.push_back({util::to_lower((*m)[2]), util::trim((*m)[3])});
        rest = (*m)[4];
    }
    return {out, kept + rest};
}

// P0, **HIGH**, (high priority), [critical]: the first marker wins; all are removed.
// Whether `text` may hold a priority marker: most items have none, and the patterns below are
// the importer's main cost on a large document.
bool may_have_priority(std::string_view text) {
    static const util::Regex hint("(?i)p[0-4]|critical|urgent|high|medium|low|priority|severity",
                                  util::Regex::Mode::jit);
    return hint.search(text);
}

std::pair<std::string, std::string> take_priority(std::string text) {
    if (!may_have_priority(text))
        return {{}, std::move(text)};
    static const std::string_view patterns[] = {
        "(?is)(.*?)\\((?:priority|severity):\\s*(critical|urgent|high|medium|low|P[0-4])\\)(.*)",
        "(?is)(.*?)\\b(?:priority|severity):\\s*(critical|urgent|high|medium|low|P[0-4])\\b(.*)",
        "(?is)(.*?)\\*\\*(critical|urgent|high|medium|low)\\*\\*:?(.*)",
        "(?is)(.*?)\\((P[0-4])\\)(.*)",
        "(?is)(.*?)\\b(P[0-4])\\b:?(.*)",
        "(?is)(.*?)\\((critical|urgent|high|medium|low)(?: priority)?\\)(.*)",
        "(?is)(.*?)\\[(critical|urgent|high|medium|low)(?: priority)?\\](.*)",
        "(?is)(.*?)\\b(critical|urgent|high|medium|low) priority:?(.*)"};
    std::string priority;
    for (auto pattern : patterns)
        while (auto m = match(pattern, text)) {
            if (priority.empty()) {
                priority = (*m)[2];
                priority = priority.size() == 2 && (priority[0] == 'p' || priority[0] == 'P')
                               ? util::to_upper(priority)
                               : util::to_lower(priority);
            }
            text = (*m)[1] + " " + (*m)[3];
        }
    return {priority, text};
}

std::string size_name(int n) {
    static const char* names[] = {"S", "M", "L", "XL"};
    return names[std::clamp(n, 0, 3)];
}

// The seed's complexity signals: the action, the files named, sweeping words, tests.
int estimate_size(const Item& item, std::string_view text, std::vector<std::string>& assumptions) {
    const std::string& a = item.action;
    int size = 1;
    if (a == "fix" || a == "remove" || a == "delete" || a == "rename" || a == "bump" ||
        a == "drop" || a == "correct")
        size = 0;
    if (a == "refactor" || a == "migrate" || a == "rewrite" || a == "redesign" ||
        a == "restructure")
        size = item.scope.size() >= 2 ? 3 : 2;
    if (re("(?i)\\b(typos?|spelling|wording|config(uration)?|one-line|comment|constant)\\b")
            .search(text))
        size = 0;
    if (item.scope.size() >= 3 && size < 3) {
        ++size;
        assumptions.push_back("Item " + std::to_string(item.number) + ": marked " +
                              size_name(size) + " because it names " +
                              std::to_string(item.scope.size()) + " files");
    }
    if (auto m = match("(?is).*?\\b(comprehensive|entire|whole|every|all|across)\\b.*", text)) {
        size = std::min(size + 1, 3);
        assumptions.push_back("Item " + std::to_string(item.number) + ": marked " +
                              size_name(size) + " due to \"" + util::to_lower((*m)[1]) +
                              "\" language");
    }
    if (a != "test" && re("(?i)\\b(and|with|plus) (unit |integration )?tests?\\b").search(text) &&
        size < 3)
        ++size;
    return std::min(size, 3);
}

// Which item a dependency phrase names: "item 3", "#3", a path another item owns, or words of
// another item's description.
// "Step 2", "4.1", "F1", "Phase 3": a label as a key ("step2"); empty when `text` starts with
// none.
std::string label_key(std::string_view text) {
    auto m =
        match("(?i)\\s*\\**\\s*((?:step|phase|stage|day|part|task|item|finding|issue)\\s*#?\\s*"
              "[\\w.]*\\w|#?\\d+(?:\\.\\d+)+|[a-z]{1,6}-?\\d+(?:\\.\\d+)?)(?![\\w.]\\w)(?s:.*)",
              text);
    if (!m)
        return {};
    std::string key;
    for (char c : (*m)[1])
        if (c != ' ' && c != '#')
            key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

// Words a dependency phrase uses for any item: "after the drive letter change".
bool generic_word(std::string_view w) {
    static const std::set<std::string, std::less<>> v = {
        "change", "changes",  "fix",      "work", "item", "task", "one",
        "done",   "first",    "thing",    "bit",  "part", "is",   "are",
        "merged", "finished", "complete", "that", "this"};
    return v.count(w) > 0;
}

// Finds the item a dependency phrase names: "Step 2", "4.1", "item 3", "#3", a path another
// item owns, or words of another item's description. Built once per import, with indexes, so
// that a document with thousands of "after ..." phrases imports in linear time.
class Resolver {
public:
    explicit Resolver(const std::vector<Item>& items) : m_items(items) {
        for (const auto& it : items) {
            if (auto key = label_key(it.original); !key.empty())
                m_labels.emplace(key, it.number);
            auto ws = significant_words(it.description);
            for (const auto& w : ws) {
                auto& list = m_by_stem[stem(w)];
                if (list.empty() || list.back() != it.number)
                    list.push_back(it.number);
            }
            m_words.push_back(std::move(ws));
        }
    }

    std::optional<int> operator()(const Phrase& p, int self) const {
        if (auto key = label_key(p.target); !key.empty()) {
            auto [from, to] = m_labels.equal_range(key);
            for (auto it = from; it != to; ++it)
                if (it->second != self)
                    return it->second;
        }
        if (auto m = match("(?i)\\s*(?:(?:item|task|step)\\s*-?\\s*|#)?(\\d+)\\b.*", p.target)) {
            int n = std::stoi((*m)[1].substr(0, 9));
            bool explicit_ref = !match("\\s*\\d+.*", p.target) || match("\\s*\\d+\\s*", p.target);
            if (explicit_ref && n >= 1 && n <= static_cast<int>(m_items.size()) && n != self)
                return n;
        }
        for (const auto& path : paths_in(p.target, Tree()))
            for (const auto& it : m_items)
                if (it.number != self)
                    for (const auto& s : it.scope)
                        if (scopes_overlap(s, path))
                            return it.number;
        return by_words(p.target, self);
    }

private:
    // same_word() needs a shared stem of four letters, or the same word.
    static std::string stem(std::string_view w) { return std::string(w.substr(0, 4)); }

    // The one item whose description has all the phrase's words; none when several do.
    std::optional<int> by_words(std::string_view phrase, int self) const {
        auto target = significant_words(plain(phrase));
        std::erase_if(target, [](const std::string& w) { return generic_word(w); });
        const std::vector<int>* rarest = nullptr;
        for (const auto& w : target) {
            auto it = m_by_stem.find(stem(w));
            if (it == m_by_stem.end())
                return std::nullopt;
            if (!rarest || it->second.size() < rarest->size())
                rarest = &it->second;
        }
        if (!rarest)
            return std::nullopt;
        std::optional<int> found;
        for (int n : *rarest) {
            const auto& have = m_words[static_cast<std::size_t>(n) - 1];
            bool all = n != self && std::all_of(target.begin(), target.end(), [&](const auto& w) {
                           return std::any_of(have.begin(), have.end(), [&](const std::string& h) {
                               return same_word(w, h);
                           });
                       });
            if (all) {
                if (found)
                    return std::nullopt; // ambiguous
                found = n;
            }
        }
        return found;
    }

    const std::vector<Item>& m_items;
    std::multimap<std::string, int> m_labels;
    std::unordered_map<std::string, std::vector<int>> m_by_stem;
    std::vector<std::vector<std::string>> m_words; // per item, in number order
};

std::string range(int first, int last) {
    return first == last ? "Item " + std::to_string(first)
                         : "Items " + std::to_string(first) + "-" + std::to_string(last);
}

} // namespace

std::string slug(std::string_view text, std::size_t max_words) {
    std::string out;
    std::size_t taken = 0;
    for (const auto& w : words(text)) {
        if (is_stop_word(w) && taken > 0)
            continue;
        if (out.size() + w.size() + 1 > protocol::max_desc_length)
            break;
        out += (out.empty() ? "" : "-") + w;
        if (++taken == max_words)
            break;
    }
    return protocol::validate_desc(out) ? std::string() : out;
}

namespace {

// The documents' items in document order; what reading them assumed goes to the manifest.
std::vector<Raw> read_documents(const std::vector<Document>& documents, const Tree& tree,
                                Manifest& m) {
    std::vector<Raw> raws;
    int next_list = 0;
    for (const auto& doc : documents) {
        m.sources.push_back(doc.name);
        auto found = extract(doc, tree, next_list);
        if (found.paragraphs)
            m.assumptions.push_back(doc.name + " has no lists: each paragraph taken as one item");
        if (found.done)
            m.assumptions.push_back("Skipped " + util::plural(found.done, "completed item") +
                                    " ([x], \u2705, struck through) in " + doc.name);
        if (!found.not_work.empty())
            m.assumptions.push_back("Not read as work (" + doc.name +
                                    "): " + util::first_few(found.not_work, 6));
        std::move(found.items.begin(), found.items.end(), std::back_inserter(raws));
    }
    return raws;
}

// The item's description without its label and markers, its action verb and its slug. A
// statement of a problem with no verb (a review's finding) is a thing to fix.
void describe_item(Item& item, const Raw& r) {
    const auto l = strip_label(std::get<1>(take_priority(r.text)));
    std::string head = plain(l.rest.empty() ? l.label : l.rest);
    item.action = action_verb(head);
    if (item.action.empty())
        item.action = r.action;
    if (item.action.empty() && (r.finding || states_problem(head)))
        item.action = "fix";
    item.description = head;
    for (const auto& d : r.details)
        item.description += "\n- " + plain(std::get<1>(take_priority(d)));
    // Paths make poor slugs ("fix-null-check-src"): take the words around them.
    const auto unticked = strip_label(strip_code(std::get<1>(take_priority(r.text))));
    std::string words_only =
        plain(dependency_phrases(unticked.rest.empty() ? unticked.label : unticked.rest).second);
    if (action_verb(words_only).empty() && !item.action.empty())
        words_only = item.action + " " + words_only;
    item.desc = slug(words_only);
    if (item.desc.empty())
        item.desc = "item-" + std::to_string(item.number);
}

// "Optimize", "Make everything more robust": no scope, and too few words to say what to change.
// "Investigate why HTTPS_PROXY is ignored when a config file sets one" says enough.
bool too_vague(const Item& item) {
    if (!item.scope.empty())
        return false;
    const auto first_line = item.description.substr(0, item.description.find('\n'));
    const bool vague_words = re("(?i).*\\b(everything|more robust|better|nicer|cleaner|faster|"
                                "stuff|things|overall|in general)\\b.*")
                                 .match(first_line)
                                 .has_value();
    return (vague(item.action) || vague_words) && significant_words(first_line).size() < 7;
}

// Why the item needs clarification before it can be a task; nothing when it is ready. Scope
// is "preferred" in the seed: only a vague action needs one.
std::vector<std::string> issues_of(const Item& item) {
    std::vector<std::string> issues;
    if (item.action.empty())
        issues.push_back("No action verb\u2014what should be done?");
    else if (too_vague(item))
        issues.push_back("Vague action \"" + item.action +
                         "\" and no scope\u2014what exactly should change, and where?");
    return issues;
}

// An item's own paths, and those of its section or parent that none of its own lies in: under
// "## Queue (`core/queue.ts`)", "Throw a `QueueFullError` (new, in `core/errors.ts`)" touches
// both files; under "## `api/`", "Fix `api/users.go`" only its own.
std::vector<std::string> inherit_scope(const std::vector<std::string>& inherited,
                                       std::vector<std::string> own) {
    std::vector<std::string> out;
    for (const auto& p : inherited)
        if (std::none_of(own.begin(), own.end(),
                         [&](const std::string& o) { return scopes_overlap(o, p); }))
            out.push_back(p);
    out.insert(out.end(), own.begin(), own.end());
    return out;
}

// One item as read, with the dependency phrases it holds (not yet resolved: they may name
// items further down) and its text without the priority marker, which the size estimate reads.
struct ReadItem {
    Item item;
    std::vector<Phrase> deps;
    std::string text;
};

ReadItem read_item(const Raw& r, int number, const Tree& tree) {
    ReadItem out;
    Item& item = out.item;
    item.number = number;
    item.source = r.source;
    item.kind = r.kind;
    item.heading = r.heading;
    item.original = r.text;
    std::string full = r.text;
    for (const auto& d : r.details)
        full += "\n" + d;
    auto [priority, unmarked] = take_priority(r.text);
    item.priority = priority.empty() ? r.priority : priority;
    auto [deps, own] = dependency_phrases(unmarked);
    auto [detail_deps, detail_text] = dependency_phrases(full.substr(r.text.size()));
    deps.insert(deps.end(), detail_deps.begin(), detail_deps.end());
    // A list item's nested bullets are part of it ("- including `src/models/extra.py`"); a
    // finding's body was read for its location already.
    std::string scoped = own;
    if (r.kind != "heading")
        scoped += "\n" + detail_text;
    item.scope = inherit_scope(r.scope, paths_in(scoped, tree));
    describe_item(item, r);
    item.issues = issues_of(item);
    out.deps = std::move(deps);
    out.text = full;
    return out;
}

// Numbered lists "may imply sequence": say that we did not read one into them.
void note_numbered_lists(const std::vector<Item>& items, const std::vector<int>& lists,
                         std::vector<std::string>& assumptions) {
    for (std::size_t i = 0; i < items.size();) {
        std::size_t j = i;
        while (j < items.size() && lists[i] && lists[j] == lists[i])
            ++j;
        if (j - i >= 2)
            assumptions.push_back(range(items[i].number, items[j - 1].number) +
                                  ": a numbered list, taken as independent items (add needs "
                                  "if the order matters)");
        i = j > i ? j : i + 1;
    }
}

void add_need(Item& item, int n) {
    auto id = std::to_string(n);
    if (n != item.number && std::find(item.needs.begin(), item.needs.end(), id) == item.needs.end())
        item.needs.push_back(id);
}

// Each item's dependency phrases (phrases[i] for item i + 1) resolved to the items they name.
void resolve_needs(Manifest& m, const std::vector<std::vector<Phrase>>& phrases) {
    const Resolver resolve(m.items);
    for (std::size_t i = 0; i < m.items.size(); ++i) {
        auto& item = m.items[i];
        for (const auto& p : phrases[i]) {
            auto n = resolve(p, item.number);
            if (!n) {
                m.assumptions.push_back("Item " + std::to_string(item.number) + ": \"" + p.signal +
                                        " " + plain(p.target) +
                                        "\" names no other item; not taken as a dependency");
                continue;
            }
            add_need(item, *n);
        }
    }
}

// "Phases 2 and 3" -> "phase 2", "phase 3"; "the parser and the lexer" -> both.
std::vector<std::vector<std::string>> named_sections(std::string_view after) {
    std::vector<std::vector<std::string>> out;
    std::string noun;
    std::string lower = " " + util::to_lower(after) + " ", pieces;
    for (std::size_t i = 0; i < lower.size(); ++i) {
        if (lower.compare(i, 5, " and ") == 0) {
            pieces += ',';
            i += 3;
        } else {
            pieces += lower[i] == '&' ? ',' : lower[i];
        }
    }
    for (std::size_t at = 0; at < pieces.size();) {
        const auto end = std::min(pieces.find(',', at), pieces.size());
        const std::string piece = pieces.substr(at, end - at);
        at = end + 1;
        {
            auto w = significant_words(piece);
            std::erase_if(w, [](const std::string& x) { return generic_word(x); });
            if (w.empty())
                continue;
            if (w.size() >= 2 && std::isdigit(static_cast<unsigned char>(w.back()[0])))
                noun = w.front().ends_with("s") ? w.front().substr(0, w.front().size() - 1)
                                                : w.front();
            else if (w.size() == 1 && std::isdigit(static_cast<unsigned char>(w[0][0])) &&
                     !noun.empty())
                w.insert(w.begin(), noun);
            if (!w.empty() && w.front().ends_with("s") && w.size() == 2)
                w.front().pop_back(); // "phases 2" -> "phase 2"
            out.push_back(std::move(w));
        }
    }
    return out;
}

// A heading's name, without what it says about order: "Phase 2: Cache (do after Phase 1)".
std::string heading_name(std::string_view heading) {
    std::string h(heading.substr(0, heading.find('(')));
    if (auto m = match("(?is)(.*?)\\s*(?:[-\u2013\u2014:]\\s*)?\\b(?:do |start )?(?:after|once|"
                       "following|requires|depends on)\\b.*",
                       h))
        h = (*m)[1];
    return h;
}

// A heading that says "(after Phase 1)": its items need the items under the heading it names.
void resolve_section_order(Manifest& m, const std::vector<std::string>& after) {
    constexpr std::size_t max_needs = 50;
    std::vector<std::vector<std::string>> names;
    for (const auto& item : m.items)
        names.push_back(significant_words(heading_name(item.heading)));
    for (std::size_t i = 0; i < m.items.size(); ++i) {
        for (const auto& target : named_sections(after[i]))
            for (std::size_t j = 0; j < m.items.size(); ++j) {
                if (m.items[j].heading == m.items[i].heading ||
                    m.items[i].needs.size() >= max_needs)
                    continue;
                const auto& have = names[j];
                if (std::all_of(target.begin(), target.end(), [&](const std::string& w) {
                        return std::any_of(have.begin(), have.end(),
                                           [&](const std::string& x) { return same_word(w, x); });
                    }))
                    add_need(m.items[i], m.items[j].number);
            }
    }
}

// An "implementation order" list: each item it names needs the one named before it.
void resolve_order_lists(Manifest& m, const std::vector<int>& orders,
                         const std::vector<std::size_t>& into) {
    std::map<int, int> last; // order list -> the item its previous entry became
    for (std::size_t r = 0; r < orders.size(); ++r) {
        if (!orders[r] || into[r] == dropped)
            continue;
        const int item = static_cast<int>(into[r]) + 1;
        if (auto it = last.find(orders[r]); it != last.end() && it->second != item)
            add_need(m.items[into[r]], it->second);
        last[orders[r]] = item;
    }
}

// The ready items grouped into workers, and the workers as the plan's tasks; a need on an item
// that is not ready is dropped, and said.
void plan_ready_items(Manifest& m, const config::Config& config) {
    std::vector<Item> ready;
    for (const auto& item : m.items) {
        if (!item.ready())
            continue;
        ready.push_back(item);
        for (const auto& n : item.needs)
            if (!m.items[std::stoul(n) - 1].ready())
                m.assumptions.push_back("Item " + std::to_string(item.number) +
                                        ": its dependency on item " + n +
                                        " is dropped until item " + n + " is clarified");
    }
    m.grouping = group_items(ready, config);
    m.assumptions.insert(m.assumptions.end(), m.grouping.assumptions.begin(),
                         m.grouping.assumptions.end());
    m.plan = plan_from(m.grouping, ready);
}

} // namespace

Tree repository_tree(const std::string& root) {
    return Tree(git::tracked_files(root));
}

Manifest import_documents(const std::vector<Document>& documents, const ImportOptions& options) {
    Manifest m;
    auto raws = read_documents(documents, options.tree, m);
    std::vector<int> orders;
    for (const auto& r : raws)
        orders.push_back(r.order);
    std::vector<std::vector<std::string>> also;
    const auto into = merge_duplicates(raws, also);
    const auto repeated =
        static_cast<std::size_t>(
            std::count_if(into.begin(), into.end(), [&](std::size_t i) { return i != dropped; })) -
        raws.size();
    if (repeated)
        m.assumptions.push_back(util::plural(repeated, "repeated mention") +
                                " of an item (summary tables, priority lists, orders) taken "
                                "as that item");
    std::vector<std::vector<Phrase>> phrases;
    std::vector<std::string> after;
    std::vector<int> lists;
    std::size_t findings = 0;
    for (std::size_t i = 0; i < raws.size(); ++i) {
        auto read = read_item(raws[i], static_cast<int>(i) + 1, options.tree);
        read.item.also = std::move(also[i]);
        read.item.size = raws[i].size.empty()
                             ? size_name(estimate_size(read.item, read.text, m.assumptions))
                             : raws[i].size;
        findings += raws[i].finding && action_verb(plain(read.item.original)).empty() &&
                    read.item.action == "fix";
        m.items.push_back(std::move(read.item));
        phrases.push_back(std::move(read.deps));
        after.push_back(raws[i].after);
        lists.push_back(raws[i].list);
    }
    if (findings)
        m.assumptions.push_back(util::plural(findings, "item") +
                                " state a problem without a verb: taken as \"fix\"");
    note_numbered_lists(m.items, lists, m.assumptions);
    resolve_needs(m, phrases);
    resolve_section_order(m, after);
    resolve_order_lists(m, orders, into);
    plan_ready_items(m, options.config);
    return m;
}

namespace {

std::string cell(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += "; ";
        else
            out += c;
    }
    return out;
}

// A manifest cell's list: comma-separated, or `none` when empty.
std::string joined(const std::vector<std::string>& v, std::string_view none) {
    return v.empty() ? std::string(none) : util::join(v, ", ");
}

// "Fix null check in user.py" -> "Null check in user.py": the Action column has the verb.
std::string without_verb(const Item& item) {
    std::string first_line = item.description.substr(0, item.description.find('\n'));
    if (item.action.empty())
        return first_line;
    auto rest = util::trim(first_line.substr(std::min(first_line.size(), item.action.size())));
    if (rest.empty())
        return first_line;
    rest[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(rest[0])));
    return rest;
}

} // namespace

std::string manifest_markdown(const Manifest& m) {
    std::size_t ready = 0;
    for (const auto& i : m.items)
        ready += i.ready();
    std::string out = "## Work Item Manifest\n\n";
    out += "**Source documents:** " + joined(m.sources, "none") + "\n";
    out += "**Total items extracted:** " + std::to_string(m.items.size()) + "\n\n";
    out += "### Ready to Assign (" + util::plural(ready, "item") + ")\n\n";
    out += "| # | Action | Description | Scope | Size | Priority | Dependencies |\n";
    out += "|---|--------|-------------|-------|------|----------|--------------|\n";
    for (const auto& i : m.items)
        if (i.ready()) {
            std::vector<std::string> needs; // those on items that are not ready are dropped
            for (const auto& n : i.needs)
                if (m.items[std::stoul(n) - 1].ready())
                    needs.push_back(n);
            out += "| " + std::to_string(i.number) + " | " + i.action + " | " +
                   cell(without_verb(i)) + " | " + cell(joined(i.scope, "—")) + " | " + i.size +
                   " | " + (i.priority.empty() ? "—" : i.priority) + " | " + joined(needs, "—") +
                   " |\n";
        }
    const std::size_t unclear = m.items.size() - ready;
    if (unclear) {
        out += "\n### Needs Clarification (" + util::plural(unclear, "item") + ")\n\n";
        out += "| # | Original Text | Issue |\n|---|---------------|-------|\n";
        for (const auto& i : m.items)
            if (!i.ready())
                out += "| " + std::to_string(i.number) + " | \"" + cell(plain(i.original)) +
                       "\" | " + cell(util::trim(util::join(i.issues, "; "))) + " |\n";
    }
    out += "\n### Assumptions Made\n\n";
    if (m.assumptions.empty())
        out += "- None\n";
    for (const auto& a : m.assumptions)
        out += "- " + cell(a) + "\n";
    std::vector<int> excluded;
    for (const auto& i : m.items)
        if (!i.ready())
            excluded.push_back(i.number);
    return out + "\n" + assessment_markdown(m.grouping, excluded, m.sources);
}

} // namespace porch::plan
