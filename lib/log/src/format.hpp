// What the logging thread renders beyond the public line formats.
#pragma once

#include <metron/log/detail/log_queue.hpp>

#include <string>

namespace metron::detail {

/// Appends the fields a queued value's `to_fields` writes as the text of a JSON object. `ops`
/// must have write_fields.
void append_fields(std::string& out, const log_value_ops& ops, const void* value, verbosity level);

}  // namespace metron::detail
