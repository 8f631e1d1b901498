#pragma once
// A fast compact JSON serializer for the simulator's responses (nlohmann's dump() is several
// times slower, and a page of 100 orders is ~250 KB). Same output as dump() for the values the
// simulator produces: strings are written as given (UTF-8 passes through; '"', '\\' and control
// characters are escaped), integers exactly, floats through nlohmann.

#include "generator.hpp"

#include <string>

namespace sim {

void write_json(std::string& out, const Json& value);
std::string to_json_text(const Json& value);

} // namespace sim
