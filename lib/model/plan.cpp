#include "model/plan.hpp"

#include "model/config.hpp"
#include "model/naming.hpp"
#include "model/toml_read.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/text.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <toml++/toml.h>

namespace porch::plan {

namespace {

using config::type_name;

[[noreturn]] void fail_at(std::string_view source, const toml::source_region& where,
                          const std::string& message) {
    config::fail_at(source, where, message,
                    "fix " + std::string(plan_path) + ", or see git-porch(1) under plan");
}

std::string read_string(std::string_view source, const toml::node& node, const std::string& key) {
    if (node.is_string())
        return config::toml_unshield(*node.value<std::string>());
    fail_at(source, node.source(), "'" + key + "' must be a string, not " + type_name(node));
}

std::vector<std::string> read_strings(std::string_view source, const toml::node& node,
                                      const std::string& key) {
    if (!node.is_array())
        fail_at(source, node.source(),
                "'" + key + "' must be an array of strings, not " + type_name(node));
    std::vector<std::string> out;
    for (const auto& item : *node.as_array()) {
        if (!item.is_string())
            fail_at(source, item.source(),
                    "'" + key + "' must hold only strings, not " + type_name(item));
        out.push_back(config::toml_unshield(*item.value<std::string>()));
    }
    return out;
}

std::vector<std::string> read_scope(std::string_view source, const toml::node& node) {
    auto scope = read_strings(source, node, "scope");
    for (const auto& s : scope)
        if (s.empty())
            fail_at(source, node.source(), "'scope' holds an empty path");
    return scope;
}

std::string read_size(std::string_view source, const toml::node& node) {
    auto size = read_string(source, node, "size");
    if (size != "S" && size != "M" && size != "L" && size != "XL")
        fail_at(source, node.source(),
                "'size' must be S, M, L or XL, not " + protocol::quote(size));
    return size;
}

// An item number: bounded, so that nothing downstream counts to an attacker's number.
int read_number(std::string_view source, const toml::node& node, const std::string& key) {
    auto v = node.value<std::int64_t>();
    if (!node.is_integer() || !v)
        fail_at(source, node.source(), "'" + key + "' must be an integer, not " + type_name(node));
    if (*v < 1 || *v > max_item_number)
        fail_at(source, node.source(),
                "'" + key + "' must be from 1 to " + std::to_string(max_item_number) + ", not " +
                    std::to_string(*v));
    return static_cast<int>(*v);
}

std::vector<int> read_numbers(std::string_view source, const toml::node& node,
                              const std::string& key) {
    if (!node.is_array())
        fail_at(source, node.source(),
                "'" + key + "' must be an array of item numbers, not " + type_name(node));
    std::vector<int> out;
    for (const auto& n : *node.as_array())
        out.push_back(read_number(source, n, key));
    return out;
}

PlanItem read_item(std::string_view source, const toml::table& table) {
    PlanItem item;
    bool has_number = false, has_text = false;
    for (const auto& [k, node] : table) {
        const std::string key(k.str());
        if (key == "number") {
            item.number = read_number(source, node, key);
            has_number = true;
        } else if (key == "text") {
            item.text = read_string(source, node, key);
            has_text = true;
        } else if (key == "source") {
            item.source = read_string(source, node, key);
        } else if (key == "scope") {
            item.scope = read_scope(source, node);
        } else if (key == "size") {
            item.size = read_size(source, node);
        } else if (key == "needs") {
            item.needs = read_numbers(source, node, key);
        } else if (key == "priority") {
            item.priority = read_string(source, node, key);
        } else {
            fail_at(source, k.source(), "unknown key 'task.item." + key + "'");
        }
    }
    if (!has_number)
        fail_at(source, table.source(), "a [[task.item]] has no 'number'");
    if (!has_text)
        fail_at(source, table.source(), "item " + std::to_string(item.number) + " has no 'text'");
    return item;
}

// `seen`: the item numbers of the tasks read so far; a number is one item of the whole plan.
std::vector<PlanItem> read_items(std::string_view source, const toml::node& node,
                                 std::set<int>& seen) {
    if (!node.is_array_of_tables())
        fail_at(source, node.source(),
                "'item' must be an array of tables: write [[task.item]], not " + type_name(node));
    std::vector<PlanItem> items;
    for (const auto& entry : *node.as_array()) {
        items.push_back(read_item(source, *entry.as_table()));
        if (!seen.insert(items.back().number).second)
            fail_at(source, entry.source(),
                    "item " + std::to_string(items.back().number) + " is in the plan twice");
    }
    return items;
}

Task read_task(std::string_view source, const toml::table& table, std::set<int>& seen) {
    Task task;
    bool has_id = false, has_desc = false;
    for (const auto& [k, node] : table) {
        const std::string key(k.str());
        if (key == "id") {
            // An integer id (id = 3) is what people write by hand; accept it as "3".
            if (node.is_integer() && *node.value<std::int64_t>() >= 0)
                task.id = std::to_string(*node.value<std::int64_t>());
            else
                task.id = read_string(source, node, key);
            if (auto id = protocol::normalize_id(task.id))
                task.id = *id;
            else if (auto err = protocol::validate_id(task.id))
                fail_at(source, node.source(), *err);
            has_id = true;
        } else if (key == "desc") {
            task.desc = read_string(source, node, key);
            if (auto err = protocol::validate_desc(task.desc))
                fail_at(source, node.source(), *err);
            has_desc = true;
        } else if (key == "description") {
            task.description = read_string(source, node, key);
        } else if (key == "scope") {
            task.scope = read_scope(source, node);
        } else if (key == "needs") {
            for (auto& need : read_strings(source, node, key)) {
                auto id = protocol::normalize_id(need);
                if (!id)
                    fail_at(source, node.source(),
                            "'needs' holds " + protocol::quote(need) +
                                ", which is not a task id (e.g. 3 or task-3)");
                task.needs.push_back(*id);
            }
        } else if (key == "size") {
            task.size = read_size(source, node);
        } else if (key == "priority") {
            task.priority = read_string(source, node, key);
        } else if (key == "checkpoints") {
            task.checkpoints = read_strings(source, node, key);
        } else if (key == "verify") {
            task.verify = read_strings(source, node, key);
        } else if (key == "produces") {
            task.produces = read_strings(source, node, key);
            for (const auto& item : task.produces)
                if (util::trim(item).empty() || item.find_first_of("]\n") != std::string::npos)
                    fail_at(source, node.source(),
                            "'produces' holds " + protocol::quote(item) +
                                ": an item is what follows task-<id>/ in [NEEDS:...], "
                                "not empty and without ] or a line break");
        } else if (key == "item") {
            task.items = read_items(source, node, seen);
        } else {
            // Reported where the key is written, not where its value is.
            fail_at(source, k.source(), "unknown key 'task." + key + "'");
        }
    }
    if (!has_id)
        fail_at(source, table.source(), "a [[task]] has no 'id'");
    if (!has_desc)
        fail_at(source, table.source(), "task " + task.id + " has no 'desc'");
    return task;
}

// A TOML basic string: toml++ would do this too, but writing it here keeps the output's
// layout (one key a line, arrays inline) under our control.
std::string toml_string(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                static const char hex[] = "0123456789ABCDEF";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else
                out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + toml_string(items[i]);
    return out + "]";
}

PlanMode read_mode(std::string_view source, const toml::node& node) {
    auto mode = read_string(source, node, "mode");
    if (mode == "sequential")
        return PlanMode::sequential;
    if (mode == "auto")
        return PlanMode::automatic;
    fail_at(source, node.source(),
            "'mode' must be \"sequential\" or \"auto\", not " + protocol::quote(mode));
}

std::string numbers(const std::vector<int>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + std::to_string(items[i]);
    return out + "]";
}

std::string item_toml(const PlanItem& item) {
    std::string out = "\n[[task.item]]\n";
    out += "number = " + std::to_string(item.number) + "\n";
    out += "text = " + toml_string(item.text) + "\n";
    if (!item.source.empty())
        out += "source = " + toml_string(item.source) + "\n";
    out += "scope = " + array(item.scope) + "\n";
    if (!item.size.empty())
        out += "size = " + toml_string(item.size) + "\n";
    out += "needs = " + numbers(item.needs) + "\n";
    if (!item.priority.empty())
        out += "priority = " + toml_string(item.priority) + "\n";
    return out;
}

} // namespace

Plan parse(std::string_view toml_text, std::string_view source_name) {
    toml::table root;
    const std::string shielded = config::toml_shield(toml_text, source_name, plan_path);
    try {
        root = toml::parse(shielded, source_name);
    } catch (const toml::parse_error& e) {
        fail_at(source_name, e.source(), std::string(e.description()));
    }
    Plan plan;
    std::set<int> seen;
    for (const auto& [k, node] : root) {
        if (k.str() == "mode") {
            plan.mode = read_mode(source_name, node);
            continue;
        }
        if (k.str() != "task")
            fail_at(source_name, k.source(), "unknown key '" + std::string(k.str()) + "'");
        // `[task]` (one table) instead of `[[task]]` is the likely slip: say so.
        if (!node.is_array_of_tables())
            fail_at(source_name, node.source(),
                    "'task' must be an array of tables: write [[task]], not [task]");
        for (const auto& item : *node.as_array())
            plan.tasks.push_back(read_task(source_name, *item.as_table(), seen));
    }
    return plan;
}

std::optional<Plan> load(const std::string& root) {
    const auto path = std::filesystem::path(root) / plan_path;
    const auto text = util::read_file(path.string());
    if (!text) {
        if (!std::filesystem::exists(path))
            return std::nullopt;
        throw Error(ErrorKind::fatal, "cannot read " + path.string());
    }
    return parse(*text, plan_path);
}

const Task* find(const Plan& plan, std::string_view id) {
    auto bare = protocol::normalize_id(id);
    if (!bare)
        return nullptr;
    for (const auto& task : plan.tasks)
        if (task.id == *bare)
            return &task;
    return nullptr;
}

std::string to_toml(const Plan& plan) {
    std::string out =
        "# The git porch plan: one [[task]] per worker. See git-porch(1) under plan.\n";
    if (plan.mode == PlanMode::sequential)
        out += "mode = \"sequential\"\n";
    for (const auto& t : plan.tasks) {
        out += "\n[[task]]\n";
        out += "id = " + toml_string(t.id) + "\n";
        out += "desc = " + toml_string(t.desc) + "\n";
        if (!t.description.empty())
            out += "description = " + toml_string(t.description) + "\n";
        out += "scope = " + array(t.scope) + "\n";
        out += "needs = " + array(t.needs) + "\n";
        if (!t.size.empty())
            out += "size = " + toml_string(t.size) + "\n";
        if (!t.priority.empty())
            out += "priority = " + toml_string(t.priority) + "\n";
        if (!t.checkpoints.empty())
            out += "checkpoints = " + array(t.checkpoints) + "\n";
        if (!t.verify.empty())
            out += "verify = " + array(t.verify) + "\n";
        if (!t.produces.empty())
            out += "produces = " + array(t.produces) + "\n";
        for (const auto& item : t.items)
            out += item_toml(item);
    }
    return out;
}

void save(const std::string& root, const Plan& plan) {
    const auto target = std::filesystem::path(root) / plan_path;
    const auto tmp = std::filesystem::path(target.string() + ".tmp");
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << to_toml(plan);
        if (!out.flush())
            fail("cannot write " + tmp.string());
    }
    std::filesystem::rename(tmp, target, ec);
    if (ec)
        fail("cannot write " + target.string() + ": " + ec.message());
}

} // namespace porch::plan
