#include "util/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <memory>
#include <mutex>

namespace porch::util::markdown {

namespace {

struct ParserDeleter {
    void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
    void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
    void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

std::unique_ptr<cmark_parser, ParserDeleter> make_parser() {
    static std::once_flag once;
    std::call_once(once, cmark_gfm_core_extensions_ensure_registered);
    // Invalid UTF-8 becomes U+FFFD: what follows only ever sees valid text.
    std::unique_ptr<cmark_parser, ParserDeleter> p(cmark_parser_new(CMARK_OPT_VALIDATE_UTF8));
    for (const char* name : {"table", "tasklist", "strikethrough"})
        if (auto* ext = cmark_find_syntax_extension(name))
            cmark_parser_attach_syntax_extension(p.get(), ext);
    return p;
}

std::optional<Kind> block_kind(std::string_view type) {
    if (type == "heading")
        return Kind::heading;
    if (type == "paragraph")
        return Kind::paragraph;
    if (type == "list")
        return Kind::list;
    if (type == "item" || type == "tasklist")
        return Kind::item;
    if (type == "table")
        return Kind::table;
    if (type == "table_header" || type == "table_row")
        return Kind::row;
    if (type == "code_block")
        return Kind::code;
    if (type == "block_quote")
        return Kind::quote;
    if (type == "html_block")
        return Kind::html;
    if (type == "thematic_break")
        return Kind::rule;
    return std::nullopt;
}

// cmark's leaf blocks get no exit event from its iterator.
bool is_leaf(Kind k) {
    return k == Kind::code || k == Kind::html || k == Kind::rule;
}

class Builder {
public:
    void enter_block(cmark_node* node, Kind kind, std::string_view type) {
        Block b;
        b.kind = kind;
        b.line = cmark_node_get_start_line(node);
        b.parent = m_stack.empty() ? -1 : m_stack.back();
        if (kind == Kind::heading)
            b.level = cmark_node_get_heading_level(node);
        if (kind == Kind::list)
            b.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
        if (type == "tasklist")
            b.checked = cmark_gfm_extensions_get_tasklist_item_checked(node);
        if (type == "table_header")
            b.header = true;
        if (is_leaf(kind)) {
            const char* lit = cmark_node_get_literal(node);
            b.text = lit ? lit : "";
        }
        const int index = static_cast<int>(m_blocks.size());
        if (b.parent >= 0)
            m_blocks[static_cast<std::size_t>(b.parent)].children.push_back(index);
        m_blocks.push_back(std::move(b));
        if (!is_leaf(kind))
            m_stack.push_back(index);
    }

    void exit_block() {
        if (!m_stack.empty())
            m_stack.pop_back();
    }

    // Inline content goes to the innermost heading, paragraph or table cell.
    void inline_node(cmark_node* node, std::string_view type, bool entering) {
        if (m_stack.empty())
            return;
        Block& b = m_blocks[static_cast<std::size_t>(m_stack.back())];
        if (type == "table_cell") {
            if (entering)
                b.cells.emplace_back();
            return;
        }
        std::string* sink = b.kind == Kind::row ? (b.cells.empty() ? nullptr : &b.cells.back())
                            : b.kind == Kind::heading || b.kind == Kind::paragraph ? &b.text
                                                                                   : nullptr;
        if (!sink)
            return;
        const char* lit = cmark_node_get_literal(node);
        if (type == "text")
            *sink += lit ? lit : "";
        else if (type == "code")
            *sink += "`" + std::string(lit ? lit : "") + "`";
        else if (type == "strong")
            *sink += "**";
        else if (type == "strikethrough")
            *sink += "~~";
        else if (type == "softbreak" || type == "linebreak")
            *sink += ' ';
    }

    std::vector<Block> take() { return std::move(m_blocks); }

private:
    std::vector<Block> m_blocks;
    std::vector<int> m_stack;
};

} // namespace

std::vector<Block> parse(std::string_view text) {
    auto parser = make_parser();
    cmark_parser_feed(parser.get(), text.data(), text.size());
    std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));
    std::unique_ptr<cmark_iter, IterDeleter> it(cmark_iter_new(doc.get()));
    Builder builder;
    for (cmark_event_type ev; (ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE;) {
        cmark_node* node = cmark_iter_get_node(it.get());
        if (node == doc.get())
            continue;
        const std::string_view type = cmark_node_get_type_string(node);
        const bool entering = ev == CMARK_EVENT_ENTER;
        if (auto kind = block_kind(type)) {
            if (entering)
                builder.enter_block(node, *kind, type);
            else
                builder.exit_block();
        } else {
            builder.inline_node(node, type, entering);
        }
    }
    return builder.take();
}

} // namespace porch::util::markdown
