#include "ops/plan/import.hpp"

#include "model/naming.hpp"
#include "ops/plan/check.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace porch::plan {

namespace {

const util::Regex& re(std::string_view pattern) {
    // Patterns are literals of this file; compile each once.
    static std::map<std::string, util::Regex, std::less<>> cache;
    auto it = cache.find(pattern);
    if (it == cache.end())
        it = cache.emplace(std::string(pattern), util::Regex(pattern)).first;
    return it->second;
}

std::optional<std::vector<std::string>> match(std::string_view pattern, std::string_view s) {
    return re(pattern).match(s);
}

const std::set<std::string, std::less<>>& verbs() {
    static const std::set<std::string, std::less<>> v = {
        "add",       "allow",     "build",    "bump",      "cache",       "change",
        "clean",     "configure", "convert",  "correct",   "create",      "delete",
        "deprecate", "disable",   "document", "drop",      "enable",      "enhance",
        "ensure",    "expose",    "extract",  "fix",       "guard",       "handle",
        "implement", "improve",   "install",  "integrate", "introduce",   "investigate",
        "log",       "look",      "make",     "merge",     "migrate",     "move",
        "optimise",  "optimize",  "polish",   "port",      "prevent",     "refactor",
        "remove",    "rename",    "replace",  "resolve",   "restructure", "review",
        "rewrite",   "redesign",  "sanitize", "set",       "split",       "support",
        "test",      "translate", "tweak",    "update",    "upgrade",     "validate",
        "verify",    "wire",      "write"};
    return v;
}

// Verbs that say that something should get better, not what to change.
bool vague(std::string_view verb) {
    static const std::set<std::string, std::less<>> v = {
        "clean",    "enhance",  "handle", "improve", "investigate", "look",
        "optimise", "optimize", "polish", "review",  "tweak"};
    return v.count(verb) > 0;
}

bool is_stop_word(std::string_view w) {
    static const std::set<std::string, std::less<>> v = {"a",  "an",   "the",  "of", "for",  "to",
                                                         "in", "on",   "and",  "or", "with", "at",
                                                         "by", "from", "into", "is"};
    return v.count(w) > 0;
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!cur.empty())
            out.push_back(std::exchange(cur, {}));
    }
    if (!cur.empty())
        out.push_back(cur);
    return out;
}

std::vector<std::string> significant_words(std::string_view text) {
    std::vector<std::string> out;
    for (auto& w : words(text))
        if (!is_stop_word(w))
            out.push_back(std::move(w));
    return out;
}

// "model" and "models", "migrate" and "migration": a shared stem of four letters or more.
bool same_word(std::string_view a, std::string_view b) {
    if (a == b)
        return true;
    auto n = std::min(a.size(), b.size());
    std::size_t common = 0;
    while (common < n && a[common] == b[common])
        ++common;
    return common >= 4 && common + 3 >= std::max(a.size(), b.size());
}

bool looks_like_path(std::string_view s) {
    if (s.empty() || s.find_first_of(" \t") != std::string_view::npos)
        return false;
    if (s.find('/') != std::string_view::npos || s.find_first_of("*?") != std::string_view::npos)
        return true;
    auto dot = s.rfind('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < s.size() &&
           std::isalpha(static_cast<unsigned char>(s[dot + 1])) &&
           s.find('(') == std::string_view::npos;
}

std::vector<std::string> backtick_paths(std::string_view text) {
    std::vector<std::string> out;
    std::string rest(text);
    while (auto m = match("(?s)[^`]*`([^`\\n]+)`(.*)", rest)) {
        std::string p = util::trim((*m)[1]);
        if (looks_like_path(p) && std::find(out.begin(), out.end(), p) == out.end())
            out.push_back(p);
        rest = (*m)[2];
    }
    return out;
}

std::string strip_code(std::string_view text) {
    std::string out;
    bool code = false;
    for (char c : text) {
        if (c == '`')
            code = !code;
        else if (!code)
            out += c;
    }
    return out;
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
    "(?is)(.*?)\\b(after(?: completing| finishing)?|requires|depends on|blocked by)\\s+(.+?)"
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
std::pair<std::string, std::string> take_priority(std::string text) {
    static const std::string_view patterns[] = {
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

struct Raw {
    std::string kind, heading, source, text;
    std::vector<std::string> details; // nested bullets and continuation lines
    int indent = 0;
    int list = 0; // numbered items of one list share a number; 0 otherwise
};

std::vector<Raw> read_document(const Document& doc, int& next_list, std::size_t& done_items) {
    std::vector<Raw> items, paragraphs;
    std::string heading;
    bool fence = false, in_list = false;
    int list = 0;
    std::string para;
    std::string para_source;
    auto end_paragraph = [&] {
        if (!para.empty())
            paragraphs.push_back({"paragraph", heading, para_source, util::trim(para), {}, 0, 0});
        para.clear();
    };
    std::size_t line_no = 0;
    for (auto line : util::split_lines(doc.text)) {
        ++line_no;
        const std::string where = doc.name + ":" + std::to_string(line_no);
        std::string l(line);
        if (util::trim(l).starts_with("```") || util::trim(l).starts_with("~~~")) {
            fence = !fence;
            end_paragraph();
            continue;
        }
        if (fence)
            continue;
        int indent = 0;
        while (indent < static_cast<int>(l.size()) && (l[indent] == ' ' || l[indent] == '\t'))
            indent += l[indent] == '\t' ? 4 : 1;
        if (util::trim(l).empty()) {
            end_paragraph();
            continue;
        }
        if (auto m = match("\\s*#{1,6}\\s+(.*?)\\s*#*\\s*", l)) {
            end_paragraph();
            heading = plain((*m)[1]);
            in_list = false;
            list = 0;
            continue;
        }
        std::optional<Raw> item;
        if (auto m = match("\\s*[-*+]\\s+\\[([ xX])\\]\\s+(.*)", l)) {
            if ((*m)[1] != " ") {
                ++done_items;
                in_list = false; // its nested lines are not another item's details
                continue;
            }
            item = Raw{"task", heading, where, (*m)[2], {}, indent, 0};
        } else if (auto n = match("\\s*\\d+[.)]\\s+(.*)", l)) {
            if (list == 0 || indent > 0)
                list = list ? list : ++next_list;
            item = Raw{"numbered", heading, where, (*n)[1], {}, indent, list};
        } else if (auto b = match("\\s*[-*+]\\s+(.*)", l)) {
            item = Raw{"bullet", heading, where, (*b)[1], {}, indent, 0};
        }
        if (item) {
            end_paragraph();
            if (item->kind != "numbered" && indent == 0)
                list = 0;
            // Indented under an open item: a detail of it, not an item of its own.
            if (in_list && !items.empty() && indent > items.back().indent) {
                items.back().details.push_back(item->text);
                continue;
            }
            items.push_back(std::move(*item));
            in_list = true;
            continue;
        }
        if (in_list && indent > 0) { // a continuation line of the open item
            items.back().text += " " + util::trim(l);
            continue;
        }
        in_list = false;
        list = 0;
        if (para.empty())
            para_source = where;
        para += " " + util::trim(l);
    }
    end_paragraph();
    return items.empty() ? paragraphs : items;
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
    if (match("(?is).*\\b(typos?|spelling|wording|config(uration)?|one-line|comment|constant)\\b.*",
              text))
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
    if (a != "test" && match("(?is).*\\b(and|with|plus) (unit |integration )?tests?\\b.*", text) &&
        size < 3)
        ++size;
    return std::min(size, 3);
}

// Which item a dependency phrase names: "item 3", "#3", a path another item owns, or words of
// another item's description.
std::optional<int> resolve(const Phrase& p, const std::vector<Item>& items, int self) {
    if (auto m = match("(?i)\\s*(?:(?:item|task|step)\\s*-?\\s*|#)?(\\d+)\\b.*", p.target)) {
        int n = std::stoi((*m)[1]);
        bool explicit_ref = !match("\\s*\\d+.*", p.target) || match("\\s*\\d+\\s*", p.target);
        if (explicit_ref && n >= 1 && n <= static_cast<int>(items.size()) && n != self)
            return n;
    }
    for (const auto& path : backtick_paths(p.target))
        for (const auto& it : items)
            if (it.number != self)
                for (const auto& s : it.scope)
                    if (scopes_overlap(s, path))
                        return it.number;
    const auto target = significant_words(plain(p.target));
    if (target.empty())
        return std::nullopt;
    std::optional<int> found;
    for (const auto& it : items) {
        if (it.number == self)
            continue;
        const auto have = significant_words(it.description);
        bool all = std::all_of(target.begin(), target.end(), [&](const std::string& w) {
            return std::any_of(have.begin(), have.end(),
                               [&](const std::string& h) { return same_word(w, h); });
        });
        if (all) {
            if (found)
                return std::nullopt; // ambiguous
            found = it.number;
        }
    }
    return found;
}

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
std::vector<Raw> read_documents(const std::vector<Document>& documents, Manifest& m) {
    std::vector<Raw> raws;
    int next_list = 0;
    for (const auto& doc : documents) {
        m.sources.push_back(doc.name);
        std::size_t done = 0;
        auto found = read_document(doc, next_list, done);
        if (!found.empty() && found.front().kind == "paragraph")
            m.assumptions.push_back(doc.name + " has no lists: each paragraph taken as one item");
        if (done)
            m.assumptions.push_back("Skipped " + util::plural(done, "completed item") +
                                    " ([x]) in " + doc.name);
        raws.insert(raws.end(), found.begin(), found.end());
    }
    return raws;
}

// The item's description without markers, its action verb and its slug.
void describe_item(Item& item, const Raw& r) {
    std::string head = plain(std::get<1>(take_priority(r.text)));
    auto first = words(head);
    if (!first.empty() && verbs().count(first.front()))
        item.action = first.front();
    item.description = head;
    for (const auto& d : r.details)
        item.description += "\n- " + plain(std::get<1>(take_priority(d)));
    // Paths make poor slugs ("fix-null-check-src"): take the words around them.
    item.desc =
        slug(plain(dependency_phrases(std::get<1>(take_priority(strip_code(r.text)))).second));
    if (item.desc.empty())
        item.desc = "item-" + std::to_string(item.number);
}

// Why the item needs clarification before it can be a task; nothing when it is ready.
std::vector<std::string> issues_of(const Item& item) {
    std::vector<std::string> issues;
    if (item.action.empty())
        issues.push_back("No action verb—what should be done?");
    else if (vague(item.action))
        issues.push_back("Vague action \"" + item.action + "\"—what exactly should change?");
    if (item.scope.empty())
        issues.push_back("No specific scope—which files or folders?");
    return issues;
}

// One item as read, with the dependency phrases it holds (not yet resolved: they may name
// items further down) and its text without the priority marker, which the size estimate reads.
struct ReadItem {
    Item item;
    std::vector<Phrase> deps;
    std::string text;
};

ReadItem read_item(const Raw& r, int number) {
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
    auto [priority, unmarked] = take_priority(full);
    item.priority = priority;
    auto [deps, own] = dependency_phrases(unmarked);
    item.scope = backtick_paths(own);
    describe_item(item, r);
    item.issues = issues_of(item);
    out.deps = std::move(deps);
    out.text = std::move(unmarked);
    return out;
}

// Numbered lists "may imply sequence": say that we did not read one into them.
void note_numbered_lists(const std::vector<Raw>& raws, std::vector<std::string>& assumptions) {
    for (std::size_t i = 0; i < raws.size();) {
        std::size_t j = i;
        while (j < raws.size() && raws[i].list && raws[j].list == raws[i].list)
            ++j;
        if (j - i >= 2)
            assumptions.push_back(range(static_cast<int>(i) + 1, static_cast<int>(j)) +
                                  ": a numbered list, taken as independent items (add needs "
                                  "if the order matters)");
        i = j > i ? j : i + 1;
    }
}

// Each item's dependency phrases (phrases[i] for item i + 1) resolved to the items they name.
void resolve_needs(Manifest& m, const std::vector<std::vector<Phrase>>& phrases) {
    for (std::size_t i = 0; i < m.items.size(); ++i) {
        auto& item = m.items[i];
        for (const auto& p : phrases[i]) {
            auto n = resolve(p, m.items, item.number);
            if (!n) {
                m.assumptions.push_back("Item " + std::to_string(item.number) + ": \"" + p.signal +
                                        " " + plain(p.target) +
                                        "\" names no other item; not taken as a dependency");
                continue;
            }
            auto id = std::to_string(*n);
            if (std::find(item.needs.begin(), item.needs.end(), id) == item.needs.end())
                item.needs.push_back(id);
        }
    }
}

// The ready items as the plan's tasks; a need on an item that is not ready is dropped, and said.
void plan_ready_items(Manifest& m) {
    for (const auto& item : m.items) {
        if (!item.ready())
            continue;
        Task t;
        t.id = std::to_string(item.number);
        t.desc = item.desc;
        t.description = item.description;
        t.scope = item.scope;
        t.size = item.size;
        t.priority = item.priority;
        for (const auto& n : item.needs) {
            if (m.items[std::stoul(n) - 1].ready())
                t.needs.push_back(n);
            else
                m.assumptions.push_back("Item " + t.id + ": its dependency on item " + n +
                                        " is dropped until item " + n + " is clarified");
        }
        m.plan.tasks.push_back(std::move(t));
    }
}

} // namespace

Manifest import_documents(const std::vector<Document>& documents) {
    Manifest m;
    const auto raws = read_documents(documents, m);
    std::vector<std::vector<Phrase>> phrases;
    for (std::size_t i = 0; i < raws.size(); ++i) {
        auto read = read_item(raws[i], static_cast<int>(i) + 1);
        read.item.size = size_name(estimate_size(read.item, read.text, m.assumptions));
        m.items.push_back(std::move(read.item));
        phrases.push_back(std::move(read.deps));
    }
    note_numbered_lists(raws, m.assumptions);
    resolve_needs(m, phrases);
    plan_ready_items(m);
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
            std::vector<std::string> needs;
            for (const auto& t : m.plan.tasks)
                if (t.id == std::to_string(i.number))
                    needs = t.needs;
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
    if (unclear) {
        std::vector<std::string> left;
        for (const auto& i : m.items)
            if (!i.ready())
                left.push_back(std::to_string(i.number));
        out += "\nItems " + joined(left, "") + " excluded pending clarification.\n";
    }
    return out;
}

} // namespace porch::plan
