#pragma once
// --jq EXPR: the JSON output of a command run through a jq program (libjq, as gh --jq does).
//
// libjq 1.6 (Debian's) crashes the process on some programs: `import`/`include` abort while
// compiling, a recursion without end (`def f: f+1; f`) grows the heap until jq aborts with
// "cannot allocate memory", and `input`, `inputs`, `debug` need callbacks a library user must
// set. So asc refuses the builtins that reach outside the output it filters (before compiling),
// and compiles and runs every program in a child process with a memory budget: whatever libjq
// does, asc itself never crashes, and says what happened (exit 2).

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace asc::cli {

class JqProgram {
  public:
    // Checks `program`: throws Error(Usage) when it uses a builtin or directive asc does not
    // support (see jq_unsupported_name) or when it is not valid jq (with jq's message).
    explicit JqProgram(std::string program);

    // Runs the program on each JSON value of `json_text` (one document, or one per line) and
    // writes every result on its own line: strings as they are, anything else as compact JSON.
    // Throws Error(Usage) with jq's message when the program fails on the data, runs out of its
    // memory budget or makes libjq crash; Error(Interrupted) on SIGINT.
    void run(std::string_view json_text, std::ostream& out);

  private:
    std::string m_program;
};

// The first builtin or directive of `program` that asc refuses (input, inputs, debug, stderr,
// input_filename, input_line_number, get_search_list, modulemeta, import, include, $__prog_args),
// or "" when it uses none. Field names (.input), variables ($input) and object keys ({input: 1})
// are not calls and do not count; neither do strings and comments.
std::string jq_unsupported_name(std::string_view program);

// The memory a jq child may use on top of what asc already holds, for an input of `input_size`
// bytes: 1 GiB plus 16 bytes per input byte (jq's values are several times their text).
std::size_t jq_memory_budget(std::size_t input_size);

// For CLI11's check(): "" when `program` can run, else why not.
std::string jq_program_error(const std::string& program);

} // namespace asc::cli
