// Post-mortem over the JSON-lines logs of several processes: timeline, keyed spans, nodes, windows.
#pragma once

#include <metron/readers/dataset.hpp>
#include <metron/statistics/statistics.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace metron::analysis {

/// A keyed span: from the first `start` event of a key to the `end` events of the same key on
/// the nodes (e.g. a block forged at one node and adopted at the others). `start` and `end` match
/// a namespace equal to them or ending in "." followed by them ("block.forged" matches
/// "chain.block.forged"); the key is the payload field `key_field` (nested fields dotted).
struct span_definition {
  std::string name;       ///< what the report calls it: "block", "tx"
  std::string start;      ///< namespace suffix of the event that opens a key
  std::string end;        ///< namespace suffix of the events that reach a node
  std::string key_field;  ///< payload field holding the key
};

/// What analyse_logs() looks for. docs/postmortem.md describes the defaults.
struct postmortem_options {
  /// Blocks (forged → adopted, key "block") and transactions (submitted → included, key "tx").
  std::vector<span_definition> spans = {{"block", "block.forged", "block.adopted", "block"},
                                        {"tx", "tx.submitted", "tx.included", "tx"}};
  /// Fractions of the nodes whose reach time each span reports, in (0, 1].
  std::vector<double> fractions = {0.5, 0.8, 0.96, 1.0};
  std::string mempool = "mempool";         ///< namespace suffix of mempool size records
  std::string mempool_field = "size";      ///< payload field holding the mempool size
  std::int64_t window_ns = 1'000'000'000;  ///< width of the throughput windows
  /// A node whose last record comes more than this before the last record of all is said to
  /// end early: it stopped (crashed, was killed, lost its log) while the others went on.
  std::int64_t early_end_ns = 2'000'000'000;
};

/// One log file read, and the node its records were attributed to.
struct postmortem_file {
  std::string path;           ///< as found (directories expanded)
  std::string node;           ///< see analyse_logs()
  std::uint64_t records = 0;  ///< records read
};

/// One record of the merged timeline, in time order.
struct timeline_entry {
  std::int64_t time_ns = 0;  ///< ns since the Unix epoch
  std::string node;          ///< who logged it
  std::string name;          ///< its namespace
  std::string severity;      ///< its severity
  std::string key;           ///< the key of the span it belongs to, else empty
  origin where;              ///< file and line
};

/// One key of a span: when it opened and when it reached the nodes.
struct keyed_span {
  std::string key;            ///< the key ("b17", a transaction id)
  std::string origin_node;    ///< the node of the first start event
  std::int64_t start_ns = 0;  ///< time of the first start event, ns since the Unix epoch
  /// Time from the start to the first end event on any node; absent when there is none.
  std::optional<std::int64_t> first_end_ns;
  std::size_t nodes_reached = 0;  ///< nodes with an end event, the origin node counted
  /// For each of postmortem_options::fractions, the time from the start until that fraction of
  /// all nodes had been reached (⌈f · nodes⌉ of them, the origin node reached at the start);
  /// absent when never.
  std::vector<std::optional<std::int64_t>> until_fraction_ns;
};

/// Everything about one span definition.
struct span_report {
  span_definition definition;          ///< what was looked for
  std::vector<keyed_span> keys;        ///< in order of their start
  std::size_t ends_without_start = 0;  ///< end events whose key never started (logs cut short)
  summary first_end;                   ///< over the keys with an end: time to the first end, ns
  /// For each fraction, over the keys that reached it: the time until it was reached, ns.
  std::vector<summary> until_fraction;
  /// For each fraction, how many keys never reached it.
  std::vector<std::size_t> never_reached;
};

/// One node's totals.
struct node_summary {
  std::string node;                    ///< the node
  std::vector<std::string> files;      ///< its log files
  std::uint64_t records = 0;           ///< records logged
  std::uint64_t warnings = 0;          ///< records of severity warning or worse
  std::int64_t first_ns = 0;           ///< its first record
  std::int64_t last_ns = 0;            ///< its last record
  std::vector<std::uint64_t> started;  ///< per span definition: keys it opened (blocks forged)
  std::vector<std::uint64_t> reached;  ///< per span definition: end events it logged (adopted)
  /// Per span definition, over the keys it reached (not opened): time from the start to its
  /// first end event, ns.
  std::vector<summary> delay;
  std::optional<double> mempool_last;  ///< its last mempool size, if it logged any
  std::optional<double> mempool_max;   ///< its largest mempool size
  /// Whether its log ends more than postmortem_options::early_end_ns before the others'.
  bool ends_early = false;
};

/// Activity in one window of postmortem_options::window_ns.
struct throughput_window {
  std::int64_t start_ns = 0;           ///< window start, ns since the Unix epoch
  std::uint64_t records = 0;           ///< records of every node in the window
  std::vector<std::uint64_t> started;  ///< per span definition: keys opened in the window
  std::vector<std::uint64_t> reached;  ///< per span definition: end events in the window
  std::optional<double> mempool_max;   ///< largest mempool size logged in the window
};

/// One mempool size record.
struct mempool_sample {
  std::int64_t time_ns = 0;  ///< when
  std::string node;          ///< who
  double size = 0;           ///< the payload's mempool_field
};

/// What analyse_logs() finds.
struct postmortem_report {
  std::vector<postmortem_file> files;      ///< every file read, in order
  std::int64_t start_ns = 0;               ///< the first record of all
  std::int64_t end_ns = 0;                 ///< the last record of all
  std::vector<node_summary> nodes;         ///< by node name
  std::vector<span_report> spans;          ///< one per span definition
  std::vector<throughput_window> windows;  ///< from start_ns, every window up to end_ns
  std::vector<mempool_sample> mempool;     ///< in time order
  std::vector<timeline_entry> timeline;    ///< every record, in time order
};

/// Reads the JSON-lines logs at `paths` (a directory stands for its *.jsonl and *.log files,
/// sorted by name, not recursing) and relates them.
///
/// A record's node is its host, unless two files share a host (several processes on one
/// machine): then every file is a node, named by its file name without the extension. Records
/// are ordered by time, ties by node. The whole logs are held in memory. Any thread.
/// @throws input_error for a missing path, a directory without logs, a malformed record (file and
///         line), a fraction outside (0, 1], a window or an early end of 0 or less, an empty span
///         definition field, or logs with no records at all; resource_error when a file cannot be
///         read.
[[nodiscard]] postmortem_report analyse_logs(std::span<const std::string> paths,
                                             const postmortem_options& options = {});

}  // namespace metron::analysis
