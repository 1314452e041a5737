// The model's enums in --json output: always their word (model/states.hpp), never a number.
// Found by argument-dependent lookup wherever a command puts one into a json value.
#pragma once

#include "model/states.hpp"

#include <nlohmann/json.hpp>

namespace porch::model {

inline void to_json(nlohmann::json& j, WorkerState v) {
    j = to_string(v);
}
inline void to_json(nlohmann::json& j, QaVerdict v) {
    j = to_string(v);
}
inline void to_json(nlohmann::json& j, IntegrationState v) {
    j = to_string(v);
}
inline void to_json(nlohmann::json& j, SkipKind v) {
    j = to_string(v);
}
inline void to_json(nlohmann::json& j, AlertKind v) {
    j = to_string(v);
}
inline void to_json(nlohmann::json& j, FindingKind v) {
    j = to_string(v);
}

} // namespace porch::model
