#include "ops/plan/extract.hpp"

#include "ops/plan/import.hpp"
#include "ops/plan/phrases.hpp"
#include "ops/plan/words.hpp"
#include "util/markdown.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace porch::plan {

namespace md = util::markdown;

namespace {

struct Section {
    std::string title;
    int level = 0;
    bool not_work = false;
    bool findings = false;
    bool features = false; // "Features", "Enhancements": a noun phrase there is a thing to add
    int order = 0; // "Recommended order": its items follow one another; a number shared by them
    std::string priority;
    std::vector<std::string> scope;
    std::string after;
};

// What a parent (a section, a label paragraph, a label item) passes to the items under it.
struct Context {
    std::string heading;
    std::string priority;
    std::vector<std::string> scope;
    std::string after;
    bool findings = false;
    bool features = false;
    int order = 0;
};

class Reader {
public:
    Reader(const Document& doc, const Tree& tree, int& next_list)
        : m_doc(doc), m_tree(tree), m_next_list(next_list), m_blocks(md::parse(doc.text)) {}

    Reading run() {
        std::vector<int> tops;
        for (std::size_t i = 0; i < m_blocks.size(); ++i)
            if (m_blocks[i].parent < 0)
                tops.push_back(static_cast<int>(i));
        for (std::size_t k = 0; k < tops.size(); ++k)
            top_block(tops, k);
        if (m_out.items.empty() && !m_paragraphs.empty()) {
            m_out.items = std::move(m_paragraphs);
            m_out.paragraphs = true;
        }
        return std::move(m_out);
    }

private:
    const md::Block& at(int i) const { return m_blocks[static_cast<std::size_t>(i)]; }

    std::string where(int line) const { return m_doc.name + ":" + std::to_string(line); }

    const Section* section() const { return m_sections.empty() ? nullptr : &m_sections.back(); }

    bool skipping() const { return section() && section()->not_work; }

    Context context() const {
        Context c;
        if (auto* s = section()) {
            c.heading = unmarked(s->title);
            c.priority = s->priority;
            c.scope = s->scope;
            c.after = s->after;
            c.findings = std::any_of(m_sections.begin(), m_sections.end(),
                                     [](const Section& x) { return x.findings; });
            c.features = s->features;
            c.order = s->order;
        }
        if (m_label) {
            if (!m_label->priority.empty())
                c.priority = m_label->priority;
            if (!m_label->scope.empty())
                c.scope = m_label->scope;
            c.findings = c.findings || m_label->findings;
        }
        return c;
    }

    void top_block(const std::vector<int>& tops, std::size_t k) {
        const md::Block& b = at(tops[k]);
        switch (b.kind) {
        case md::Kind::heading:
            open_section(b);
            m_label.reset();
            m_in_finding = is_finding(tops, k);
            if (m_in_finding)
                add_finding(tops, k);
            return;
        case md::Kind::list:
            if (!skipping() && !m_in_finding)
                read_list(tops[k], context());
            m_label.reset();
            return;
        case md::Kind::table:
            if (!m_in_finding)
                read_table(tops[k], context(), skipping());
            m_label.reset();
            return;
        case md::Kind::paragraph:
            if (!skipping() && !m_in_finding)
                paragraph(b);
            return;
        default:
            return;
        }
    }

    void open_section(const md::Block& h) {
        while (!m_sections.empty() && m_sections.back().level >= h.level)
            m_sections.pop_back();
        Section s;
        s.title = bounded(h.text);
        s.level = h.level;
        const Section* parent = section();
        // The document's title ("# Notes from the planning call") is not a section of notes.
        const bool title = h.level == 1 && !m_seen_heading;
        m_seen_heading = true;
        s.not_work = (parent && parent->not_work) || (!title && not_work_title(s.title));
        s.findings = findings_title(s.title);
        s.features = features_title(s.title) || (parent && parent->features);
        s.order = order_title(s.title) && !s.not_work ? ++m_next_list : 0;
        s.priority = priority_of(s.title);
        if (s.priority.empty() && parent)
            s.priority = parent->priority;
        s.scope = paths_in(s.title, m_tree);
        // A title's folder ("Spec: a queue in `core/`") is the document's subject, not each
        // item's scope; a title's one file ("Missing tests in `tests/x.py`") is both.
        if (title && (s.scope.size() != 1 || m_tree.has_dir(s.scope.front()) ||
                      s.scope.front().ends_with("/")))
            s.scope.clear();
        if (s.scope.empty() && parent)
            s.scope = parent->scope;
        s.after = after_phrase(s.title);
        if (s.after.empty() && parent)
            s.after = parent->after;
        if (s.not_work)
            m_out.not_work.push_back(unmarked(s.title));
        m_sections.push_back(std::move(s));
    }

    // A heading with a body of prose that states one finding ("### 1.1 Lock scope too wide in
    // `src/dl.py`"), rather than a heading that gathers the items under it.
    bool is_finding(const std::vector<int>& tops, std::size_t k) const {
        const md::Block& h = at(tops[k]);
        if (skipping() || k + 1 >= tops.size() || h.level <= 1) // a title, not a finding
            return false;
        const md::Block& first = at(tops[k + 1]);
        if (first.kind == md::Kind::heading)
            return false; // no body, or sub-sections: a group
        bool prose = first.kind == md::Kind::paragraph || first.kind == md::Kind::code ||
                     first.kind == md::Kind::quote;
        for (std::size_t j = k + 1; j < tops.size() && at(tops[j]).kind != md::Kind::heading; ++j)
            if (at(tops[j]).kind == md::Kind::list && has_task_items(tops[j]))
                return false; // a checklist under a heading: the heading groups it
        if (first.kind == md::Kind::list && key_value_list(tops[k + 1]))
            prose = true;
        if (!prose)
            return false;
        const std::string title = unmarked(h.text);
        const auto l = strip_label(h.text);
        if (not_work_title(title) || (group_title(l.rest) && l.label.empty()) || group_title(title))
            return false;
        bool in_findings = std::any_of(m_sections.begin(), m_sections.end() - 1,
                                       [](const Section& s) { return s.findings; });
        if (search("(?i)^\\W*(issue|finding|bug|problem|defect|vulnerability)\\s*#?\\s*[\\w.-]*\\d",
                   title))
            return true; // "Issue 2: Button has no accessible label"
        return !action_verb(l.rest).empty() || !paths_in(h.text, m_tree).empty() ||
               states_problem(l.rest) || (!l.id.empty() && in_findings);
    }

    bool has_task_items(int list) const {
        for (int c : at(list).children)
            if (at(c).checked)
                return true;
        return false;
    }

    // "- **Location:** `x.py:12`", "- Severity: high": the fields of a finding, not items.
    bool key_value_list(int list) const {
        for (int c : at(list).children) {
            auto t = item_text(c);
            if (!match("(?s)\\s*(?:\\*\\*[^*]{1,30}\\*\\*|[A-Za-z][\\w ]{0,20}:).*", t))
                return false;
        }
        return true;
    }

    std::string item_text(int item) const {
        const auto& kids = at(item).children;
        return !kids.empty() && at(kids.front()).kind == md::Kind::paragraph ? at(kids.front()).text
                                                                             : std::string();
    }

    void add_finding(const std::vector<int>& tops, std::size_t k) {
        const md::Block& h = at(tops[k]);
        Context c = context();
        Raw r = make_raw("heading", h.line, h.text, c);
        r.finding = true;
        std::vector<std::string> located, anywhere;
        for (std::size_t j = k + 1; j < tops.size() && at(tops[j]).kind != md::Kind::heading; ++j)
            body_details(tops[j], r.details);
        for (const auto& d : r.details) {
            auto paths = paths_in(d, m_tree);
            auto& into =
                search("(?i)\\b(location|file|files|path|where|in)\\b", d) ? located : anywhere;
            into.insert(into.end(), paths.begin(), paths.end());
            if (r.priority.empty() || r.priority == c.priority)
                if (auto m = match("(?is)\\W*(?:severity|priority|impact)\\W*(.*)", d))
                    if (auto p = priority_of((*m)[1]); !p.empty())
                        r.priority = p;
            if (auto m = match("(?is)\\W*(?:effort|estimate|est\\.?(?: time)?|size)\\W*(.*)", d))
                if (auto s = size_of_estimate((*m)[1]); !s.empty())
                    r.size = s;
        }
        if (paths_in(r.text, m_tree).empty() && r.scope == c.scope) {
            auto& found = located.empty() ? anywhere : located;
            if (!found.empty())
                r.scope = found;
        }
        m_out.items.push_back(std::move(r));
    }

    // A finding's body: its paragraphs and list items (not its code), as details.
    void body_details(int block, std::vector<std::string>& out) const {
        std::vector<int> todo{block};
        while (!todo.empty() && out.size() < max_details) {
            int b = todo.back();
            todo.pop_back();
            if (at(b).kind == md::Kind::paragraph)
                out.push_back(bounded(at(b).text));
            if (at(b).kind == md::Kind::row)
                out.push_back(bounded(util::join(at(b).cells, " | ")));
            const auto& kids = at(b).children;
            for (auto it = kids.rbegin(); it != kids.rend(); ++it)
                todo.push_back(*it);
        }
    }

    Raw make_raw(std::string kind, int line, std::string_view text, const Context& c) const {
        Raw r;
        r.kind = std::move(kind);
        r.heading = c.heading;
        r.source = where(line);
        r.text = bounded(text);
        r.priority = c.priority;
        r.scope = c.scope;
        r.after = c.after;
        r.finding = c.findings;
        if (c.features)
            r.action = "add";
        r.order = c.order;
        return r;
    }

    // A short line that names what follows rather than stating work: "**High priority**",
    // "Backend:", "Phase 2 (after Phase 1)".
    void paragraph(const md::Block& p) {
        const std::string t = util::trim(p.text);
        const bool bold = t.starts_with("**") && t.ends_with("**") && t.size() > 4 &&
                          t.find("**", 2) == t.size() - 2;
        const bool colon = t.ends_with(":") && std::count(t.begin(), t.end(), ' ') < 10;
        if (bold || colon) {
            Section s;
            s.title = t;
            s.not_work = not_work_title(t);
            s.findings = findings_title(t);
            s.priority = priority_of(t);
            s.scope = paths_in(t, m_tree);
            m_label = std::move(s);
            return;
        }
        if (m_label && m_label->not_work)
            return;
        if (done_text(t)) {
            ++m_out.done;
            return;
        }
        // Prose states work as "Lena will add...", "we need to move...": a paragraph with none
        // of that (who attended, why it got slow) is context.
        std::string verb = action_verb(strip_label(t).rest);
        if (verb.empty())
            if (auto m = match("(?is).*?\\b(?:will|should|must|needs? to|wants? to|going to|has "
                               "to|have to|plan to|todo:?)\\s+(?:also\\s+|then\\s+)?(\\w+)\\b.*",
                               t))
                verb = action_verb((*m)[1]);
        if (verb.empty())
            return;
        Raw r = make_raw("paragraph", p.line, t, context());
        r.action = verb;
        m_paragraphs.push_back(std::move(r));
    }

    // The list's items; an item that only labels the items nested under it ("Backend:",
    // "**Phase 1**") passes its scope and priority on to them instead of being one. Depth first
    // with an explicit stack: a hostile document's nesting does not recurse.
    void read_list(int list, const Context& c) {
        if (m_label && m_label->not_work)
            return;
        struct Frame {
            int list;
            std::size_t next;
            int number;
            Context ctx;
        };
        std::vector<Frame> stack{{list, 0, at(list).ordered ? ++m_next_list : 0, c}};
        while (!stack.empty()) {
            Frame& f = stack.back();
            const auto& kids = at(f.list).children;
            if (f.next >= kids.size()) {
                stack.pop_back();
                continue;
            }
            const int item = kids[f.next++];
            if (at(item).kind != md::Kind::item)
                continue;
            const std::string text = item_text(item);
            if (at(item).checked.value_or(false) || done_text(text)) {
                ++m_out.done;
                continue;
            }
            std::vector<int> sublists;
            for (int k : at(item).children)
                if (at(k).kind == md::Kind::list)
                    sublists.push_back(k);
            if (is_label_item(text, sublists)) {
                Context inner = label_context(text, f.ctx);
                for (auto it = sublists.rbegin(); it != sublists.rend(); ++it)
                    stack.push_back({*it, 0, at(*it).ordered ? ++m_next_list : 0, inner});
                continue;
            }
            if (only_ids(text))
                continue; // "Database: F1, F2, F6": a cross-reference to items stated elsewhere
            Raw r = make_raw(at(item).checked     ? "task"
                             : at(f.list).ordered ? "numbered"
                                                  : "bullet",
                             at(item).line, text, f.ctx);
            r.list = f.number;
            for (std::size_t k = 1; k < at(item).children.size(); ++k)
                body_details(at(item).children[k], r.details);
            m_out.items.push_back(std::move(r));
        }
    }

    Context label_context(std::string_view text, Context c) {
        if (auto p = priority_of(text); !p.empty())
            c.priority = p;
        if (auto s = paths_in(text, m_tree); !s.empty())
            c.scope = s;
        if (auto a = after_phrase(text); !a.empty())
            c.after = a;
        if (order_title(text))
            c.order = ++m_next_list;
        c.heading = unmarked(text);
        return c;
    }

    static bool only_ids(std::string_view text) {
        std::string t = unmarked(strip_label(text).rest);
        if (auto colon = t.find(':'); colon != std::string::npos) // "Database: F1, F2"
            t = t.substr(colon + 1);
        return match("(?i)\\s*(?:(?:[a-z]{1,6}-?\\d+(?:\\.\\d+)*|#\\d+|\\d+(?:\\.\\d+)+|items?\\s+"
                     "\\d+)\\s*(?:,|and|&)?\\s*)+\\.?",
                     t)
            .has_value();
    }

    // "Backend:", "**Phase 1**", a bare path, or "Phase 3: switch reads" over a checklist: the
    // item names a group, and its nested items are the work. A verb over plain bullets is one
    // item whose bullets are details.
    bool is_label_item(std::string_view text, const std::vector<int>& sublists) const {
        if (sublists.empty())
            return false;
        const std::string t = util::trim(text);
        const bool checklist =
            std::any_of(sublists.begin(), sublists.end(), [&](int l) { return has_task_items(l); });
        if (t.empty() || t.ends_with(":") || t.ends_with(":**") || (group_title(t) && checklist))
            return true;
        const auto l = strip_label(t);
        if (l.rest.empty() || (t.starts_with("**") && t.ends_with("**")))
            return true;
        return action_verb(l.rest).empty() && !states_problem(l.rest);
    }

    enum class Column { none, id, title, description, file, priority, size, status };

    static Column column_of(std::string_view header) {
        const std::string h = util::to_lower(unmarked(header));
        if (match("\\s*(#|id|no\\.?|nr\\.?|num(ber)?|ref)\\s*", h))
            return Column::id;
        if (search("\\b(issue|finding|task|title|item|problem|bug|todo|action|change|work|"
                   "summary|name|what|recommendation|fix)\\b",
                   h))
            return Column::title;
        if (search("\\b(description|details?|notes?|comment|explanation|why)\\b", h))
            return Column::description;
        if (search("\\b(file|files|location|path|paths|scope|module|component|where)\\b", h))
            return Column::file;
        if (search("\\b(priority|severity|impact|prio|urgency)\\b", h))
            return Column::priority;
        if (search("\\b(est|estimate|estimated|effort|time|size|complexity|duration|"
                   "hours|days|cost|points)\\b",
                   h))
            return Column::size;
        if (search("\\b(status|state|done|resolved)\\b", h))
            return Column::status;
        return Column::none;
    }

    void read_table(int table, const Context& c, bool reference) {
        reference = reference || (m_label && m_label->not_work);
        const auto& rows = at(table).children;
        if (rows.empty() || !at(rows.front()).header)
            return;
        std::vector<Column> cols;
        for (const auto& h : at(rows.front()).cells)
            cols.push_back(column_of(h));
        auto col = [&](Column want) {
            auto it = std::find(cols.begin(), cols.end(), want);
            return it == cols.end() ? -1 : static_cast<int>(it - cols.begin());
        };
        int title = col(Column::title);
        if (title < 0)
            title = col(Column::description);
        if (title < 0)
            return; // metrics, counts, references: no column says what to do
        for (std::size_t i = 1; i < rows.size(); ++i)
            table_row(at(rows[i]), cols, title, c, reference);
    }

    void table_row(const md::Block& row, const std::vector<Column>& cols, int title,
                   const Context& c, bool reference) {
        auto cell = [&](int i) {
            return i >= 0 && static_cast<std::size_t>(i) < row.cells.size()
                       ? bounded(row.cells[static_cast<std::size_t>(i)])
                       : std::string();
        };
        const std::string text = cell(title);
        if (match("(?i)\\s*(|-|\u2014|total|totals|sum|overall|all)\\s*:?\\s*", unmarked(text)))
            return;
        Raw r = make_raw("row", row.line, text, c);
        r.reference = reference;
        for (std::size_t i = 0; i < cols.size(); ++i) {
            const std::string v = cell(static_cast<int>(i));
            switch (cols[i]) {
            case Column::id:
                r.id = id_of(v);
                break;
            case Column::status:
                if (done_text(v) || search("(?i)\\b(done|fixed|resolved|complete|completed|"
                                           "closed|merged)\\b",
                                           v)) {
                    ++m_out.done;
                    return;
                }
                break;
            case Column::file:
                if (auto p = paths_in(v, m_tree); !p.empty())
                    r.scope = p;
                break;
            case Column::priority:
                if (auto p = priority_of(v); !p.empty())
                    r.priority = p;
                break;
            case Column::size:
                r.size = size_of_estimate(v);
                break;
            case Column::description:
                if (static_cast<int>(i) != title && !v.empty())
                    r.details.push_back(v);
                break;
            default:
                break;
            }
        }
        if (!action_verb(strip_label(text).rest).size())
            r.finding = true; // a row that names a problem, not an action
        m_out.items.push_back(std::move(r));
    }

    const Document& m_doc;
    const Tree& m_tree;
    int& m_next_list;
    std::vector<md::Block> m_blocks;
    std::vector<Section> m_sections;
    std::optional<Section> m_label; // a label paragraph: it applies to the list after it
    bool m_in_finding = false;      // in a finding's body: its lists are details, not items
    bool m_seen_heading = false;
    std::vector<Raw> m_paragraphs; // the fallback when the document has no lists
    Reading m_out;
};

} // namespace

Reading extract(const Document& doc, const Tree& tree, int& next_list) {
    return Reader(doc, tree, next_list).run();
}

} // namespace porch::plan
