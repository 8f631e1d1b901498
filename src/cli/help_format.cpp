#include "help_format.hpp"

#include <algorithm>
#include <regex>
#include <cstdlib>
#include <sstream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace asc::cli {

namespace {

constexpr std::string_view k_global_group = "Global flags";

std::size_t columns(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

} // namespace

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
    std::vector<std::string> lines;
    std::istringstream paragraphs{std::string(text)};
    std::string paragraph;
    while (std::getline(paragraphs, paragraph)) {
        std::istringstream words(paragraph);
        std::string word;
        std::string line;
        while (words >> word) {
            if (!line.empty() && columns(line) + 1 + columns(word) > width) {
                lines.push_back(line);
                line.clear();
            }
            line += (line.empty() ? "" : " ") + word;
        }
        lines.push_back(line);
    }
    return lines;
}

HelpFormatter::HelpFormatter(int width) : m_width(std::max<std::size_t>(width > 0 ? static_cast<std::size_t>(width) : 80, 40)) {
    column_width(28);
}

std::string HelpFormatter::two_columns(const std::string& name, std::string_view desc, std::size_t column) const {
    std::string out = name;
    const auto lines = wrap_words(desc, std::max<std::size_t>(m_width > column + 1 ? m_width - column - 1 : 0, 20));
    if (lines.empty() || desc.empty()) {
        return out + "\n";
    }
    if (columns(name) >= column) {
        out += "\n" + std::string(column, ' ');
    } else {
        out += std::string(column - columns(name), ' ');
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += (i == 0 ? "" : "\n" + std::string(column, ' ')) + lines[i];
    }
    return out + "\n";
}

std::string HelpFormatter::make_option(const CLI::Option* opt, bool is_positional) const {
    const std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    return two_columns(name, make_option_desc(opt), get_column_width());
}

std::string HelpFormatter::make_subcommand(const CLI::App* sub) const {
    return two_columns("  " + sub->get_display_name(true), sub->get_description(), get_column_width());
}

std::string HelpFormatter::fit_text(const std::string& text) const {
    // Descriptions and footers hold prose paragraphs (written wrapped at 100 columns), topic rows
    // ("  name   description") and example commands. On a narrower terminal a paragraph is
    // wrapped again and a row's description wraps under itself; an example command stays as
    // written (it must stay copyable). What fits is left exactly as written.
    static const std::regex k_row(R"(^(  [^ ]+ {2,})([^ ].*)$)");
    std::istringstream in(text);
    std::string out;
    std::vector<std::string> paragraph;
    const auto flush = [&] {
        const bool fits = std::all_of(paragraph.begin(), paragraph.end(),
                                      [this](const std::string& l) { return columns(l) <= m_width; });
        std::string joined;
        for (const auto& l : paragraph) {
            joined += (joined.empty() ? "" : " ") + l;
        }
        for (const auto& l : fits ? paragraph : wrap_words(joined, m_width)) {
            out += l + "\n";
        }
        paragraph.clear();
    };
    static const std::regex k_heading(R"(^[A-Z][A-Za-z ]{0,30}:$)"); // "Examples:", "Help topics:"
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.front() != ' ' && !std::regex_match(line, k_heading)) {
            paragraph.push_back(line);
            continue;
        }
        flush();
        std::smatch m;
        if (columns(line) > m_width && std::regex_match(line, m, k_row) && !line.starts_with("  asc ")) {
            out += two_columns(m[1].str(), m[2].str(), static_cast<std::size_t>(m[1].length()));
        } else {
            out += line + "\n";
        }
    }
    flush();
    if (!text.ends_with('\n') && !out.empty()) {
        out.pop_back();
    }
    return out;
}

std::string HelpFormatter::make_description(const CLI::App* app) const {
    return fit_text(CLI::Formatter::make_description(app));
}

std::string HelpFormatter::make_footer(const CLI::App* app) const {
    std::string globals;
    if (app->get_parent() != nullptr) {
        const CLI::App* root = app;
        while (root->get_parent() != nullptr) {
            root = root->get_parent();
        }
        const auto opts =
            root->get_options([](const CLI::Option* o) { return o->get_group() == k_global_group; });
        if (!opts.empty()) {
            globals = std::string(k_global_group) + " (before or after the command):\n";
            for (const CLI::Option* o : opts) {
                globals += make_option(o, false);
            }
            globals += "\n";
        }
    }
    return globals + fit_text(CLI::Formatter::make_footer(app));
}

} // namespace asc::cli
