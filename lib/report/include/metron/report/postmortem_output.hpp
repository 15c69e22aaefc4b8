// The renderings of a post-mortem report (`metron postmortem`): text, or JSON.
#pragma once

#include <metron/postmortem/postmortem.hpp>

#include <ostream>

namespace metron::report {

/// Writes a post-mortem report as text: the files and their nodes, the nodes whose logs end
/// early (said first, since their data is partial), one line per node, each span's keys and the
/// time until each fraction of the nodes was reached, then (unless `summary_only`) one line per
/// key, the throughput per window, the mempool samples and the merged timeline. Times are
/// offsets from the report's start through format_duration(). `options` must be the ones the
/// report was made with (its fractions, window and early-end allowance). Any thread; linear in
/// the report's size.
void write_text(std::ostream& out, const analysis::postmortem_report& report,
                const analysis::postmortem_options& options, bool summary_only);

/// Writes a post-mortem report as one JSON document (docs/postmortem.md), ending in a newline.
/// Times are ns since the Unix epoch ("…_ns") or ms from the report's start ("…_ms"); absent
/// values are null. `options` as for write_text(). Any thread.
void write_json(std::ostream& out, const analysis::postmortem_report& report,
                const analysis::postmortem_options& options);

}  // namespace metron::report
