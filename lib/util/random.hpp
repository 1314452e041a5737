// Randomness for ids and backoff jitter (not for security).
#pragma once

#include <string>

namespace porch::util {

std::string random_hex(std::size_t bytes);
int random_int(int low, int high); // inclusive

} // namespace porch::util
