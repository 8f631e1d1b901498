#pragma once
// --jq EXPR: the JSON output of a command run through a jq program (libjq, as gh --jq does).

#include <iosfwd>
#include <string>
#include <string_view>

struct jq_state;

namespace asc::cli {

class JqProgram {
  public:
    // Compiles `program`; throws Error(Usage) with jq's message when it is not valid jq.
    explicit JqProgram(const std::string& program);
    ~JqProgram();
    JqProgram(const JqProgram&) = delete;
    JqProgram& operator=(const JqProgram&) = delete;

    // Runs the program on each JSON value of `json_text` (one document, or one per line) and
    // writes every result on its own line: strings as they are, anything else as compact JSON.
    // Throws Error(Usage) with jq's message when the program fails on the data.
    void run(std::string_view json_text, std::ostream& out);

  private:
    jq_state* m_jq = nullptr;
    std::string m_errors;
};

// For CLI11's check(): "" when `program` compiles, else jq's message.
std::string jq_program_error(const std::string& program);

} // namespace asc::cli
