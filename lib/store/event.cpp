#include "store/event.hpp"

#include "error.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

namespace porch::store {

using nlohmann::json;

namespace {
const std::initializer_list<std::string_view> reserved = {"v", "lc", "t", "clone", "id", "type",
                                                          "worker"};
}

std::string to_line(const Event& event) {
    json j;
    j["v"] = event_format_version;
    j["lc"] = event.lamport;
    j["t"] = event.time;
    j["clone"] = event.clone;
    j["id"] = event.id;
    j["type"] = event.type;
    j["worker"] = event.worker;
    auto add = [&](const std::string& key, const auto& value) {
        // A field named like a header key, or a field and a list of one name, would overwrite it.
        if (j.contains(key))
            throw Error(ExitCode::fatal, "internal error: event key '" + key + "' is used twice");
        j[key] = value;
    };
    for (const auto& [k, v] : event.fields)
        add(k, v);
    for (const auto& [k, v] : event.lists)
        add(k, v);
    // ensure_ascii keeps every line printable and free of raw newlines or control bytes.
    std::string line = j.dump(-1, ' ', true, json::error_handler_t::replace);
    // from_line skips longer lines: better to fail now than to lose the event silently.
    if (line.size() > max_event_line)
        throw Error(ExitCode::fatal, "cannot record a '" + event.type + "' event of " +
                                         std::to_string(line.size()) + " bytes (at most " +
                                         std::to_string(max_event_line) + ")");
    return line;
}

std::optional<Event> from_line(std::string_view line) {
    if (line.empty() || line.size() > max_event_line || line.front() != '{')
        return std::nullopt;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return std::nullopt;
    auto get_string = [&](const char* key) -> std::optional<std::string> {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string())
            return std::nullopt;
        return it->get<std::string>();
    };
    auto v = j.find("v");
    auto lc = j.find("lc");
    auto t = j.find("t");
    if (v == j.end() || !v->is_number_integer() || v->get<std::int64_t>() != event_format_version ||
        lc == j.end() || !lc->is_number_unsigned() || t == j.end() || !t->is_number_integer())
        return std::nullopt;
    Event e;
    e.lamport = lc->get<std::uint64_t>();
    e.time = t->get<std::int64_t>();
    auto clone = get_string("clone"), id = get_string("id"), type = get_string("type"),
         worker = get_string("worker");
    if (!clone || !id || !type || !worker || id->empty() || type->empty())
        return std::nullopt;
    e.clone = *clone;
    e.id = *id;
    e.type = *type;
    e.worker = *worker;
    for (const auto& [k, value] : j.items()) {
        if (std::find(reserved.begin(), reserved.end(), k) != reserved.end())
            continue;
        if (value.is_string()) {
            e.fields[k] = value.get<std::string>();
        } else if (value.is_array()) {
            std::vector<std::string> items;
            for (const auto& item : value)
                if (item.is_string())
                    items.push_back(item.get<std::string>());
            e.lists[k] = std::move(items);
        }
        // Other value types come from newer writers; they are ignored, not fatal.
    }
    return e;
}

bool before(const Event& a, const Event& b) {
    return std::tie(a.lamport, a.time, a.clone, a.id) < std::tie(b.lamport, b.time, b.clone, b.id);
}

} // namespace porch::store
