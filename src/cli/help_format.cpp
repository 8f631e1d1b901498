#include "help_format.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace asc::cli {

namespace {

constexpr std::string_view k_global_group = "Global flags";

std::size_t help_width() {
    if (const char* c = std::getenv("COLUMNS"); c != nullptr && std::atoi(c) > 0) {
        return static_cast<std::size_t>(std::atoi(c));
    }
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        return ws.ws_col;
    }
    return 80;
}

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

HelpFormatter::HelpFormatter() : m_width(std::max<std::size_t>(help_width(), 40)) {
    column_width(28);
}

std::string HelpFormatter::make_option(const CLI::Option* opt, bool is_positional) const {
    const std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    const std::string desc = make_option_desc(opt);
    const std::size_t column = get_column_width();
    std::string out = name;
    const auto lines = wrap_words(desc, std::max<std::size_t>(m_width - column - 1, 20));
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
    return globals + CLI::Formatter::make_footer(app);
}

} // namespace asc::cli
