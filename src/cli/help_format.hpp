#pragma once
// How `--help` looks: each option's description wrapped to the terminal's width (COLUMNS, else
// the terminal of stdout, else 80 columns), and under a subcommand the global flags listed under
// their own heading ("Global flags:"), since they work there too (after the command or before).

#include <CLI/CLI.hpp>

namespace asc::cli {

class HelpFormatter : public CLI::Formatter {
  public:
    HelpFormatter();
    std::string make_option(const CLI::Option* opt, bool is_positional) const override;
    std::string make_footer(const CLI::App* app) const override;

  private:
    std::size_t m_width;
};

// The text wrapped at spaces into lines of at most `width` columns (a longer word stays whole).
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

} // namespace asc::cli
