#pragma once
// The table renderer (internal to the output part; make_renderer picks it).

#include "asc/output/output.hpp"

#include <memory>

namespace asc {

// Fields from a record's own keys (keys starting with '_' left out), for callers that passed none.
std::vector<Field> fields_of_record(const Record& record);

std::unique_ptr<Renderer> make_table_renderer(const RenderOptions& options, std::vector<Field> fields,
                                              std::ostream& out);

} // namespace asc
