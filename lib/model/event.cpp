#include "model/event.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

namespace porch::store {

using nlohmann::json;

namespace {
const std::initializer_list<std::string_view> reserved = {"v",  "lc",   "t",     "clone",
                                                          "id", "type", "worker"};
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
            throw Error(ErrorKind::fatal, "internal error: event key '" + key + "' is used twice");
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
        throw Error(ErrorKind::fatal, "cannot record a '" + event.type + "' event of " +
                                          std::to_string(line.size()) + " bytes (at most " +
                                          std::to_string(max_event_line) + ")");
    return line;
}

namespace {

// The flat JSON that to_line writes: an object whose values are strings, integers or arrays of
// strings. Status parses every live event of every worker, and a general JSON parser costs
// about 150 instructions a byte; this one a few. Anything else (floats, nesting, literals, odd
// escapes) makes it give up, and the general parser decides.
class FlatParser {
public:
    explicit FlatParser(std::string_view text) : m_s(text) {}

    struct Value {
        enum class Kind { string, integer, list } kind = Kind::string;
        std::string text;
        std::int64_t number = 0;
        bool negative = false;
        std::vector<std::string> items;
    };

    bool parse(std::map<std::string, Value, std::less<>>& out) {
        if (!consume('{'))
            return false;
        if (consume('}'))
            return at_end();
        do {
            std::string key;
            Value value;
            if (!string(key) || !consume(':') || !parse_value(value))
                return false;
            out[std::move(key)] = std::move(value);
        } while (consume(','));
        return consume('}') && at_end();
    }

private:
    void skip_ws() {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t'))
            ++m_i;
    }
    bool consume(char c) {
        skip_ws();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }
    bool at_end() {
        skip_ws();
        return m_i == m_s.size();
    }
    static void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    bool hex4(std::uint32_t& out) {
        if (m_i + 4 > m_s.size())
            return false;
        out = 0;
        for (int k = 0; k < 4; ++k) {
            char c = m_s[m_i++];
            int v = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (v < 0)
                return false;
            out = out * 16 + static_cast<std::uint32_t>(v);
        }
        return true;
    }
    bool string(std::string& out) {
        if (!consume('"'))
            return false;
        while (m_i < m_s.size()) {
            char c = m_s[m_i++];
            if (c == '"')
                return true;
            if (static_cast<unsigned char>(c) < 0x20)
                return false;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_i >= m_s.size())
                return false;
            char e = m_s[m_i++];
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xd800 && cp < 0xdc00) {
                    std::uint32_t low = 0;
                    if (m_i + 2 > m_s.size() || m_s[m_i] != '\\' || m_s[m_i + 1] != 'u')
                        return false;
                    m_i += 2;
                    if (!hex4(low) || low < 0xdc00 || low >= 0xe000)
                        return false;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                } else if (cp >= 0xdc00 && cp < 0xe000) {
                    return false;
                }
                put_utf8(out, cp);
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }
    bool parse_value(Value& v) {
        skip_ws();
        if (m_i >= m_s.size())
            return false;
        char c = m_s[m_i];
        if (c == '"') {
            v.kind = Value::Kind::string;
            return string(v.text);
        }
        if (c == '[') {
            ++m_i;
            v.kind = Value::Kind::list;
            if (consume(']'))
                return true;
            do {
                std::string item;
                if (!string(item))
                    return false;
                v.items.push_back(std::move(item));
            } while (consume(','));
            return consume(']');
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            v.kind = Value::Kind::integer;
            v.negative = c == '-';
            if (v.negative)
                ++m_i;
            std::size_t digits = 0;
            std::uint64_t n = 0;
            while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') {
                if (++digits > 18)
                    return false; // beyond what to_line writes: let the general parser judge
                n = n * 10 + static_cast<std::uint64_t>(m_s[m_i++] - '0');
            }
            if (digits == 0 ||
                (m_i < m_s.size() && (m_s[m_i] == '.' || m_s[m_i] == 'e' || m_s[m_i] == 'E')))
                return false;
            v.number = v.negative ? -static_cast<std::int64_t>(n) : static_cast<std::int64_t>(n);
            return true;
        }
        return false;
    }

    std::string_view m_s;
    std::size_t m_i = 0;
};

std::optional<Event> from_flat(std::string_view line, bool& understood) {
    std::map<std::string, FlatParser::Value, std::less<>> values;
    understood = FlatParser(line).parse(values);
    if (!understood)
        return std::nullopt;
    using Kind = FlatParser::Value::Kind;
    auto integer = [&](const char* key) -> const FlatParser::Value* {
        auto it = values.find(key);
        return it != values.end() && it->second.kind == Kind::integer ? &it->second : nullptr;
    };
    auto text = [&](const char* key) -> const std::string* {
        auto it = values.find(key);
        return it != values.end() && it->second.kind == Kind::string ? &it->second.text : nullptr;
    };
    const auto* v = integer("v");
    const auto* lc = integer("lc");
    const auto* t = integer("t");
    if (!v || v->number != event_format_version || !lc || lc->negative ||
        static_cast<std::uint64_t>(lc->number) > max_lamport || !t)
        return std::nullopt;
    const auto *clone = text("clone"), *id = text("id"), *type = text("type"),
               *worker = text("worker");
    if (!clone || !id || !type || !worker || id->empty() || type->empty())
        return std::nullopt;
    Event e;
    e.lamport = static_cast<std::uint64_t>(lc->number);
    e.time = t->number;
    e.clone = *clone;
    e.id = *id;
    e.type = *type;
    e.worker = *worker;
    for (auto& [k, value] : values) {
        if (std::find(reserved.begin(), reserved.end(), k) != reserved.end())
            continue;
        if (value.kind == Kind::string)
            e.fields[k] = std::move(value.text);
        else if (value.kind == Kind::list)
            e.lists[k] = std::move(value.items);
    }
    return e;
}

} // namespace

std::optional<Event> from_line(std::string_view line) {
    // JSON is UTF-8: a line that is not (from a careless or hostile clone) is malformed.
    if (line.empty() || line.size() > max_event_line || line.front() != '{' ||
        !util::is_valid_utf8(line))
        return std::nullopt;
    bool understood = false;
    if (auto e = from_flat(line, understood); understood)
        return e;
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
        lc == j.end() || !lc->is_number_unsigned() || lc->get<std::uint64_t>() > max_lamport ||
        t == j.end() || !t->is_number_integer())
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
