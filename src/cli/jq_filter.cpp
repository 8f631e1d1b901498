#include "jq_filter.hpp"

#include "asc/base/errors.hpp"

#include <limits>
#include <memory>
#include <ostream>

extern "C" {
#include <jq.h>
#include <jv.h>
}

namespace asc::cli {

namespace {

// Takes ownership of `v` (a string jv); returns its text.
std::string take_string(jv v) {
    std::string text;
    if (jv_get_kind(v) == JV_KIND_STRING) {
        text.assign(jv_string_value(v), static_cast<std::size_t>(jv_string_length_bytes(jv_copy(v))));
    }
    jv_free(v);
    return text;
}

// Takes ownership of `v`: a string as is, anything else as compact JSON.
std::string text_of(jv v) {
    if (jv_get_kind(v) == JV_KIND_STRING) {
        return take_string(v);
    }
    return take_string(jv_dump_string(v, 0));
}

extern "C" void collect_error(void* data, jv message) {
    auto* errors = static_cast<std::string*>(data);
    std::string text = text_of(message);
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    if (text.starts_with("jq: ") && text.ends_with(" compile error")) {
        return; // "jq: 1 compile error": the count of the messages before it
    }
    if (!errors->empty()) {
        *errors += "; ";
    }
    *errors += text;
}

std::string trimmed(std::string text) {
    constexpr std::string_view k_prefix = "jq: error: ";
    if (text.starts_with(k_prefix)) {
        text.erase(0, k_prefix.size());
    }
    return text;
}

} // namespace

JqProgram::JqProgram(const std::string& program) : m_jq(jq_init()) {
    if (m_jq == nullptr) {
        throw Error(ErrorKind::Internal, "jq: cannot allocate");
    }
    jq_set_error_cb(m_jq, collect_error, &m_errors);
    if (jq_compile(m_jq, program.c_str()) == 0) {
        const std::string message = "invalid --jq program: " + trimmed(m_errors);
        jq_teardown(&m_jq);
        throw Error(ErrorKind::Usage, message, "see https://jqlang.github.io/jq/manual/v1.6/");
    }
}

JqProgram::~JqProgram() {
    if (m_jq != nullptr) {
        jq_teardown(&m_jq);
    }
}

void JqProgram::run(std::string_view json_text, std::ostream& out) {
    if (json_text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw Error(ErrorKind::Usage, "the output is too large for --jq", "use -o jsonl and jq");
    }
    std::unique_ptr<jv_parser, decltype(&jv_parser_free)> parser(jv_parser_new(0), &jv_parser_free);
    jv_parser_set_buf(parser.get(), json_text.data(), static_cast<int>(json_text.size()), 0);
    while (true) {
        jv value = jv_parser_next(parser.get());
        if (!jv_is_valid(value)) {
            if (jv_invalid_has_msg(jv_copy(value))) {
                throw Error(ErrorKind::Internal,
                            "--jq: the output is not JSON: " + text_of(jv_invalid_get_msg(value)));
            }
            jv_free(value);
            break;
        }
        jq_start(m_jq, value, 0);
        for (jv result = jq_next(m_jq);; result = jq_next(m_jq)) {
            if (!jv_is_valid(result)) {
                if (jv_invalid_has_msg(jv_copy(result))) {
                    const std::string message = text_of(jv_invalid_get_msg(result));
                    throw Error(ErrorKind::Usage, "--jq: " + message, "the program ran on the json output");
                }
                jv_free(result);
                break;
            }
            out << text_of(result) << '\n';
        }
    }
    out.flush();
}

std::string jq_program_error(const std::string& program) {
    try {
        JqProgram compiled(program);
    } catch (const Error& e) {
        std::string message = e.what();
        constexpr std::string_view k_prefix = "invalid --jq program: ";
        return message.starts_with(k_prefix) ? "invalid jq program: " + message.substr(k_prefix.size())
                                             : message;
    }
    return {};
}

} // namespace asc::cli
