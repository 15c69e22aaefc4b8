// Escaping of text for XML and XHTML, shared by the JUnit, HTML and comparison renderings.
#pragma once

#include <string>
#include <string_view>

namespace metron::report::detail {

/// Text with &, <, >, " and ' replaced by entities, and control characters other than tab and
/// line feed by U+FFFD: safe inside XML text and attribute values.
[[nodiscard]] std::string xml_escaped(std::string_view text);

}  // namespace metron::report::detail
