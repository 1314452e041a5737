// libFuzzer target: plan import's reading of markdown documents (cmark-gfm, then the items,
// labels, tables, repeated mentions and dependencies). Any input imports without a crash, and
// every item it finds has a source line inside the document.
#include "ops/plan/import.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    porch::plan::ImportOptions options;
    options.tree = porch::plan::Tree({"src/a.py", "src/b/c.go", "docs/x.md"});
    const auto m = porch::plan::import_documents({{"doc.md", text}}, options);
    long lines = 1; // CommonMark ends a line at \n, \r\n or a lone \r
    for (std::size_t i = 0; i < text.size(); ++i)
        lines +=
            text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
    for (const auto& item : m.items) {
        const long line = std::stol(item.source.substr(item.source.rfind(':') + 1));
        if (line < 1 || line > lines)
            __builtin_trap();
    }
    (void)porch::plan::manifest_markdown(m);
    return 0;
}
