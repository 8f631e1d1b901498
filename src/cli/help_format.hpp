#pragma once
// How `--help` looks: each option's, command's and topic's description wrapped to the terminal's width (COLUMNS, else
// the terminal of stdout, else 80 columns), and under a subcommand the global flags listed under
// their own heading ("Global flags:"), since they work there too (after the command or before).

#include <CLI/CLI.hpp>

namespace asc::cli {

class HelpFormatter : public CLI::Formatter {
  public:
    // `width`: the terminal's columns (Context::help_width); 0 or less: 80. Never under 40.
    explicit HelpFormatter(int width);
    std::string make_option(const CLI::Option* opt, bool is_positional) const override;
    std::string make_footer(const CLI::App* app) const override;
    std::string make_subcommand(const CLI::App* sub) const override;
    std::string make_description(const CLI::App* app) const override;

  private:
    // `name` padded to `column`, then `desc` wrapped to the width under itself.
    std::string two_columns(const std::string& name, std::string_view desc, std::size_t column) const;
    // Prose re-wrapped to the width when it does not fit; rows wrapped under their description.
    std::string fit_text(const std::string& text) const;
    std::size_t m_width;
};

// The text wrapped at spaces into lines of at most `width` columns (a longer word stays whole).
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

} // namespace asc::cli
