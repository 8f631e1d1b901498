// --jq against the programs that crash libjq 1.6: refused before compiling, or contained in the
// child process that runs them; asc itself never crashes.

#include "asc/base/errors.hpp"
#include "jq_filter.hpp"

#include <doctest/doctest.h>
#include <sstream>
#include <string>

using asc::cli::jq_unsupported_name;
using asc::cli::JqProgram;

TEST_SUITE_BEGIN("cli::jq");

TEST_CASE("jq_unsupported_name finds the builtins that reach outside the output") {
    CHECK(jq_unsupported_name("input") == "input");
    CHECK(jq_unsupported_name("[inputs]") == "inputs");
    CHECK(jq_unsupported_name("first(inputs)") == "inputs");
    CHECK(jq_unsupported_name(".[] | debug") == "debug");
    CHECK(jq_unsupported_name(". as $x | stderr") == "stderr");
    CHECK(jq_unsupported_name("import \"a\" as a; .") == "import");
    CHECK(jq_unsupported_name("include \"a\"; .") == "include");
    CHECK(jq_unsupported_name("input_filename") == "input_filename");
    CHECK(jq_unsupported_name("$__prog_args") == "$__prog_args");
    CHECK(jq_unsupported_name("$ENV.ASC_CLIENT_SECRET") == "$ENV"); // the environment holds secrets
    CHECK(jq_unsupported_name("env | keys") == "env");
    CHECK(jq_unsupported_name("[.[] | env.HOME]") == "env");
    CHECK(jq_unsupported_name("\"x\\(input)y\"") == "input"); // inside an interpolation it is code
    CHECK(jq_unsupported_name("{a: input}") == "input");
}

TEST_CASE("jq_unsupported_name leaves fields, variables, keys, strings and comments alone") {
    CHECK(jq_unsupported_name(".input").empty());
    CHECK(jq_unsupported_name(".[].debug | .inputs").empty());
    CHECK(jq_unsupported_name(". as $input | $input").empty());
    CHECK(jq_unsupported_name("{input: 1, debug}").empty());
    CHECK(jq_unsupported_name("\"input\" | \"debug \\(.a)\"").empty());
    CHECK(jq_unsupported_name(".a # input\n| .b").empty());
    CHECK(jq_unsupported_name("inputsize | my_debug").empty());
    CHECK(jq_unsupported_name(".env | .environment | $envelope | {env: 1}").empty());
    CHECK(jq_unsupported_name(".[] | select(.status == \"Unshipped\") | .order_id").empty());
}

TEST_CASE("refused programs exit 2 naming what is not supported") {
    for (const char* program : {"input", "inputs", "first(inputs)", "debug", "import \"a\" as a; .", "include \"a\"; .",
                                "$ENV.ASC_CLIENT_SECRET", "env"}) {
        CAPTURE(program);
        try {
            JqProgram compiled(program);
            FAIL("accepted");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Usage);
            CHECK(std::string(e.what()).find("is not supported by asc's --jq") != std::string::npos);
        }
    }
    CHECK(asc::cli::jq_program_error("debug").starts_with("invalid jq program: `debug` is not supported"));
}

TEST_CASE("a recursion without end runs out of its budget in the child, not asc") {
    JqProgram program("def f: f+1; f");
    std::ostringstream out;
    try {
        program.run("{}", out);
        FAIL("no error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Usage);
        const std::string what = e.what();
        CHECK(what.find("--jq: ") == 0);
        CHECK((what.find("needed more than") != std::string::npos || what.find("libjq failed") != std::string::npos));
    }
}

TEST_CASE("results stream out of the child, and errors after them still count") {
    std::ostringstream out;
    JqProgram(".[] | .id").run(R"([{"id":"a"},{"id":2}])", out);
    CHECK(out.str() == "a\n2\n");
    std::ostringstream partial;
    CHECK_THROWS_AS(JqProgram(".[] | (.id | ascii_downcase)").run(R"([{"id":"A"},{"id":2}])", partial), asc::Error);
    CHECK(partial.str() == "a\n");
}

TEST_CASE("jq_memory_budget grows with the input and never overflows") {
    CHECK(asc::cli::jq_memory_budget(0) == std::size_t{1} << 30U);
    CHECK(asc::cli::jq_memory_budget(1 << 20U) == (std::size_t{1} << 30U) + (std::size_t{16} << 20U));
    CHECK(asc::cli::jq_memory_budget(static_cast<std::size_t>(-1)) == static_cast<std::size_t>(-1));
}

TEST_SUITE_END();
