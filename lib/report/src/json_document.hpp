// The one way report writes a JSON document, shared by every JSON output.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

namespace metron::report::detail {

/// Writes `document` indented by two spaces, then a newline. Names come from programs and files
/// (a probe site, a thread, a benchmark) and may hold bytes that are not UTF-8; those become
/// U+FFFD, so the output is valid JSON where nlohmann would otherwise throw.
template <class Json>
void write_json_document(std::ostream& out, const Json& document) {
  out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace metron::report::detail
