#pragma once
// The `asc config` commands: show, list, use (cmd_config.cpp); init and check
// (cmd_config_init.cpp).

#include "context.hpp"

#include <CLI/CLI.hpp>

namespace asc::cli {

void setup_config_init(CLI::App& config, Context& ctx);
void setup_config_check(CLI::App& config, Context& ctx);

} // namespace asc::cli
