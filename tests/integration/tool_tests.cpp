// End-to-end tests of the real `metron` binary: record, info, dump, export, bad input, help.
#include "fixture.hpp"
#include "process.hpp"

#include <metron/capture/capture.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

namespace {

using metron::test::lines_of;
using metron::test::process_result;
using metron::test::run;
using metron::test::run_options;
using metron::test::scratch_dir;
using nlohmann::json;

const std::string metron_tool = METRON_TOOL_PATH;

process_result run_metron(const std::vector<std::string>& arguments,
                          const run_options& options = {}) {
  return metron::test::run_tool(metron_tool, arguments, options);
}

run_options in(const scratch_dir& directory) { return run_options{directory.path(), {}}; }

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

// Copies the first `size` bytes of `from` to `to`.
void copy_prefix(const std::string& from, const std::string& to, std::uintmax_t size) {
  const std::string bytes = read_text(from);
  write_text(to, bytes.substr(0, static_cast<std::size_t>(size)));
}

// Every line of a JSON-lines text, parsed; a line that does not parse fails the test.
std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> objects;
  for (const std::string& line : lines_of(text)) {
    INFO("line: " << line);
    REQUIRE(json::accept(line));
    objects.push_back(json::parse(line));
  }
  return objects;
}

// A one-line error on stderr that names the file, with nothing else on stderr.
void check_one_line_error(const process_result& result, const std::string& file) {
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 2);
  REQUIRE(lines_of(result.err).size() == 1);
  CHECK(result.err.starts_with("metron: " + file + ": "));
}

// What the library's reader recovers from a capture: observation records per kind.
struct recovered {
  std::uint64_t records = 0;
  std::uint64_t brackets = 0;
  bool complete = false;
};

recovered read_with_library(const std::string& path) {
  const metron::capture capture = metron::load_capture(path);
  recovered totals;
  totals.complete = capture.status.complete;
  for (const std::vector<metron::record>& thread : capture.records) {
    for (const metron::record& r : thread) {
      if (r.tag != 0) {
        continue;
      }
      ++totals.records;
      const metron::site_info* site = capture.find_site(r.site);
      if (site != nullptr && site->kind == metron::site_kind::bracket) {
        ++totals.brackets;
      }
    }
  }
  return totals;
}

std::uint64_t count_complete_events(const json& trace) {
  std::uint64_t events = 0;
  for (const json& event : trace.at("traceEvents")) {
    if (event.at("ph") == "X") {
      ++events;
    }
  }
  return events;
}

// Compares `actual` with the golden file `name`; METRON_UPDATE_GOLDEN=1 rewrites the file.
void check_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path golden = std::filesystem::path(METRON_GOLDEN_DIR) / name;
  if (const char* update = std::getenv("METRON_UPDATE_GOLDEN");
      update != nullptr && *update == '1') {
    write_text(golden, actual);
  }
  INFO("golden file " << golden.string() << " (run with METRON_UPDATE_GOLDEN=1 to rewrite it)");
  CHECK(actual == read_text(golden));
}

// The file size depends on the encoder, which may improve; the golden files should not care.
std::string without_file_size(const std::string& text) {
  return std::regex_replace(text, std::regex("[0-9]+ bytes"), "N bytes");
}

}  // namespace

TEST_CASE("info of the fixture capture matches the golden text", "[integration][info][golden]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  const process_result result = run_metron({"info", "fixture.mtr"}, in(directory));
  CHECK(result.exit_code == 0);
  check_golden("info_fixture.txt", without_file_size(result.out));
  // The fixture reports drops: the table says so, and one warning line goes to stderr.
  INFO("stderr: " << result.err);
  REQUIRE(lines_of(result.err).size() == 1);
  CHECK(result.err.starts_with("metron: warning: 3 records were lost to full rings"));
}

TEST_CASE("info --json of the fixture capture matches the golden object",
          "[integration][info][golden]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  const process_result result = run_metron({"info", "--json", "fixture.mtr"}, in(directory));
  CHECK(result.exit_code == 0);
  REQUIRE(json::accept(result.out));
  json info = json::parse(result.out);
  CHECK(info.at("file_bytes") == std::filesystem::file_size(directory.file("fixture.mtr")));
  CHECK(info.at("valid_bytes") == info.at("file_bytes"));
  for (const char* size_dependent : {"file_bytes", "valid_bytes", "chunks"}) {
    info.erase(size_dependent);
  }
  check_golden("info_fixture.json", info.dump(2) + "\n");
}

// The replacement character, as UTF-8.
const std::string replacement = "\xEF\xBF\xBD";

// Whether `name` is the site "ledger.\xFF\xFEapply" with its two bad bytes replaced.
bool is_replaced_apply(const std::string& name) {
  return name.starts_with("ledger." + replacement) && name.ends_with("apply") &&
         name.find('\xFF') == std::string::npos;
}

// A program can name sites and threads with any bytes; every JSON output writes them as U+FFFD
// and stays valid JSON (nlohmann's parser, which the checks use, refuses anything else).
TEST_CASE("every JSON output writes names that are not UTF-8 as U+FFFD", "[integration][json]") {
  const scratch_dir directory;
  metron::test::write_non_utf8_capture(directory.file("bad.mtr"));
  const auto succeeds = [&](const std::vector<std::string>& arguments) {
    const process_result result = run_metron(arguments, in(directory));
    INFO("metron " << arguments.front() << ": " << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    return result.out;
  };
  const auto parsed = [](const std::string& text) {
    REQUIRE(json::accept(text));
    return json::parse(text);
  };

  const json info = parsed(succeeds({"info", "--json", "bad.mtr"}));
  CHECK(is_replaced_apply(info.at("sites").at(0).at("name").get<std::string>()));
  CHECK(info.at("threads").at(0).at("name") == "net-" + replacement);

  bool dumped_site = false;
  for (const json& line : parse_lines(succeeds({"dump", "bad.mtr"}))) {
    dumped_site = dumped_site || (line.contains("name") && line.at("name").is_string() &&
                                  is_replaced_apply(line.at("name").get<std::string>()));
  }
  CHECK(dumped_site);
  CHECK(parsed(succeeds({"export", "bad.mtr"})).dump().find("ledger.") != std::string::npos);

  const json stats = parsed(succeeds({"stats", "--json", "bad.mtr"}));
  CHECK(is_replaced_apply(stats.at("metrics").at(0).at("name").get<std::string>()));

  // Two captures of a few calls each cannot flag a change: the design is accepted as it is.
  succeeds({"compare", "--allow-blind", "--json", "compare.json", "bad.mtr", "bad.mtr"});
  const json compared = parsed(read_text(directory.file("compare.json")));
  CHECK(compared.dump().find("ledger." + replacement) != std::string::npos);

  succeeds({"report", "--format", "json", "-o", "report.json", "bad.mtr"});
  CHECK(parsed(read_text(directory.file("report.json"))).dump().find("ledger." + replacement) !=
        std::string::npos);

  succeeds({"history", "add", "--db", "runs.sqlite", "--commit", "c1", "bad.mtr"});
  const json series = parsed(succeeds({"history", "show", "--db", "runs.sqlite", "--json",
                                       "ledger.\xFF\xFE"
                                       "apply"}));
  CHECK(is_replaced_apply(series.at("metric").get<std::string>()));
  CHECK(series.at("points").size() == 1);
}

TEST_CASE("dump and export of the fixture agree with the library", "[integration][dump][export]") {
  const scratch_dir directory;
  const std::string capture = directory.file("fixture.mtr");
  metron::test::write_fixture_capture(capture);
  const recovered expected = read_with_library(capture);

  const process_result dump = run_metron({"dump", "fixture.mtr"}, in(directory));
  CHECK(dump.exit_code == 0);
  CHECK(dump.err.empty());
  std::uint64_t record_lines = 0;
  const std::vector<json> lines = parse_lines(dump.out);
  for (const json& line : lines) {
    if (line.at("type") == "record") {
      ++record_lines;
    }
  }
  CHECK(record_lines == expected.records);
  REQUIRE(!lines.empty());
  CHECK(lines.back().at("type") == "status");
  CHECK(lines.back().at("complete") == true);

  const process_result exported = run_metron(
      {"export", "--format", "chrome-trace", "fixture.mtr", "-o", "trace.json"}, in(directory));
  CHECK(exported.exit_code == 0);
  CHECK(exported.out.empty());
  const std::string trace = read_text(directory.file("trace.json"));
  REQUIRE(json::accept(trace));
  CHECK(count_complete_events(json::parse(trace)) == expected.brackets);
  CHECK(directory.entries() == std::vector<std::string>{"fixture.mtr", "trace.json"});
}

#if defined(METRON_QUICKSTART_PATH)

namespace {

const std::string quickstart = METRON_QUICKSTART_PATH;

// Records the quickstart into run.mtr in `directory` and checks that it went well.
void record_quickstart(const scratch_dir& directory) {
  const process_result result = run_metron({"record", "--", quickstart}, in(directory));
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.starts_with("quickstart: 3 workers applied "));
  const std::vector<std::string> lines = lines_of(result.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("metron: wrote run.mtr: "));
  CHECK(lines[0].find(" 0 dropped") != std::string::npos);
}

json info_json(const scratch_dir& directory, const std::string& capture) {
  const process_result result = run_metron({"info", "--json", capture}, in(directory));
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  REQUIRE(json::accept(result.out));
  return json::parse(result.out);
}

}  // namespace

// Opening a FIFO for reading waits for a writer that may never come: refused at once instead.
TEST_CASE("an input that is a FIFO is refused at once, as stats refuses it",
          "[integration][errors]") {
  const scratch_dir directory;
  REQUIRE(mkfifo(directory.file("input.fifo").c_str(), 0600) == 0);
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"info"}, {"info", "--json"}, {"dump"}, {"export"}, {"stats"}, {"serve"}}) {
    INFO("metron " << command.front());
    std::vector<std::string> arguments = command;
    arguments.push_back("input.fifo");
    const process_result result = run_metron(arguments, in(directory));
    check_one_line_error(result, "input.fifo");
    CHECK(result.err == "metron: input.fifo: not a regular file (a FIFO)\n");
  }
}

TEST_CASE("an output that is a FIFO is written in place, not replaced", "[integration][export]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  const std::string fifo = directory.file("trace.fifo");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // The reader must open the FIFO before the writer's open returns; it reads to the end.
  std::string received;
  std::thread reader([&] { received = read_text(fifo); });
  const process_result exported = run_metron(
      {"export", "--format", "chrome-trace", "fixture.mtr", "-o", "trace.fifo"}, in(directory));
  reader.join();
  CHECK(exported.exit_code == 0);
  CHECK(exported.err.empty());
  CHECK(json::accept(received));
  CHECK(std::filesystem::is_fifo(fifo));
  CHECK(directory.entries() == std::vector<std::string>{"fixture.mtr", "trace.fifo"});
}

TEST_CASE("record of the quickstart captures every site with its kind and count",
          "[integration][record][info]") {
  const scratch_dir directory;
  record_quickstart(directory);
  CHECK(directory.entries() == std::vector<std::string>{"run.mtr"});
  const json info = info_json(directory, "run.mtr");

  CHECK(info.at("complete") == true);
  CHECK(info.at("dropped") == 0);
  CHECK(info.at("metadata").at("policy") == "block");
  REQUIRE(info.at("threads").size() == 3);
  for (const json& thread : info.at("threads")) {
    CHECK(thread.at("name").get<std::string>().starts_with("ledger-"));
    CHECK(thread.at("records").get<std::uint64_t>() > 0);
    CHECK(thread.at("dropped") == 0);
  }

  // 3 workers, 100 batches each, a checkpoint every 20 batches.
  struct expected_site {
    std::string kind;
    std::uint64_t count;
  };
  const std::map<std::string, expected_site> expected = {
      {"quickstart::build_batch", {"bracket", 300}},
      {"ledger.serialise", {"bracket", 300}},
      {"ledger.digest", {"bracket", 300}},
      {"quickstart::ledger::apply", {"bracket", 300}},
      {"quickstart.worker", {"bracket", 3}},
      {"ledger.unspent_outputs", {"gauge", 300}},
      {"ledger.transactions_applied", {"counter", 300}},
      {"ledger.transactions_rejected", {"counter", 300}},
      {"ledger.checkpoint", {"event", 15}},
  };
  std::map<std::string, json> sites;
  for (const json& site : info.at("sites")) {
    sites[site.at("name").get<std::string>()] = site;
  }
  CHECK(sites.size() == expected.size());
  for (const auto& [name, want] : expected) {
    INFO("site " << name);
    REQUIRE(sites.contains(name));
    CHECK(sites[name].at("kind") == want.kind);
    CHECK(sites[name].at("count") == want.count);
    if (want.kind == "bracket") {
      CHECK(sites[name].at("total_ns").get<std::int64_t>() > 0);
    }
  }
  CHECK(sites["ledger.serialise"].at("observables") == json({"cpu_time_ns", "page_faults"}));
  CHECK(sites["ledger.transactions_applied"].at("sum").get<double>() +
            sites["ledger.transactions_rejected"].at("sum").get<double>() ==
        3 * 100 * 1024);
  CHECK(sites["ledger.unspent_outputs"].at("last").get<double>() > 0);

  const process_result text = run_metron({"info", "run.mtr"}, in(directory));
  CHECK(text.exit_code == 0);
  CHECK(text.err.empty());
  for (const auto& [name, want] : expected) {
    CHECK(text.out.find(name) != std::string::npos);
  }
}

TEST_CASE("dump and export of a recorded capture agree with info", "[integration][dump][export]") {
  const scratch_dir directory;
  record_quickstart(directory);
  const json info = info_json(directory, "run.mtr");
  std::uint64_t brackets = 0;
  std::map<std::string, std::uint64_t> counts_by_site;
  for (const json& site : info.at("sites")) {
    counts_by_site[site.at("name").get<std::string>()] = site.at("count").get<std::uint64_t>();
    if (site.at("kind") == "bracket") {
      brackets += site.at("count").get<std::uint64_t>();
    }
  }

  const process_result dump = run_metron({"dump", "run.mtr", "-o", "run.jsonl"}, in(directory));
  CHECK(dump.exit_code == 0);
  CHECK(dump.out.empty());
  CHECK(dump.err.empty());
  std::uint64_t records = 0;
  std::map<std::string, std::uint64_t> dumped_by_site;
  for (const json& line : parse_lines(read_text(directory.file("run.jsonl")))) {
    if (line.at("type") == "record") {
      ++records;
      ++dumped_by_site[line.at("name").get<std::string>()];
    }
  }
  CHECK(records == info.at("records").get<std::uint64_t>());
  CHECK(dumped_by_site == counts_by_site);

  const process_result exported = run_metron(
      {"export", "--format", "chrome-trace", "run.mtr", "-o", "trace.json"}, in(directory));
  CHECK(exported.exit_code == 0);
  const std::string trace = read_text(directory.file("trace.json"));
  REQUIRE(json::accept(trace));
  CHECK(count_complete_events(json::parse(trace)) == brackets);
  CHECK(directory.entries() == std::vector<std::string>{"run.jsonl", "run.mtr", "trace.json"});
}

TEST_CASE("record passes its options to the program's session", "[integration][record]") {
  const scratch_dir directory;
  const process_result result =
      run_metron({"record", "-o", "tuned.mtr", "--policy", "drop", "--ring-bytes", "64k",
                  "--resource-interval-ms", "0", "--", quickstart},
                 in(directory));
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  const json info = info_json(directory, "tuned.mtr");
  CHECK(info.at("metadata").at("policy") == "drop");
  CHECK(info.at("metadata").at("ring_bytes") == 65536);
  CHECK(info.at("metadata").at("resource_interval_ms") == 0);
  CHECK(info.at("resource_samples") == 0);
}

TEST_CASE("a program whose capture cannot be written still runs, with one warning",
          "[integration][record]") {
  const process_result result =
      run({quickstart}, run_options{{}, {{"METRON_CAPTURE", "/nonexistent/dir/x.mtr"}}});
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.starts_with("quickstart: 3 workers applied "));
  CHECK(lines_of(result.err).size() == 1);
  CHECK(result.err.find("/nonexistent/dir/x.mtr") != std::string::npos);
}

TEST_CASE("a truncated capture: what was recovered is printed, then a one-line error",
          "[integration][errors]") {
  const scratch_dir directory;
  record_quickstart(directory);
  const std::string whole = directory.file("run.mtr");
  copy_prefix(whole, directory.file("cut.mtr"), std::filesystem::file_size(whole) * 2 / 3);
  const recovered expected = read_with_library(directory.file("cut.mtr"));
  REQUIRE_FALSE(expected.complete);
  REQUIRE(expected.records > 0);
  const std::regex error_line("metron: cut\\.mtr: .*byte [0-9]+.*\n");

  SECTION("dump") {
    const process_result dump = run_metron({"dump", "cut.mtr"}, in(directory));
    check_one_line_error(dump, "cut.mtr");
    CHECK(std::regex_match(dump.err, error_line));
    std::uint64_t records = 0;
    const std::vector<json> lines = parse_lines(dump.out);
    for (const json& line : lines) {
      if (line.at("type") == "record") {
        ++records;
      }
    }
    CHECK(records == expected.records);
    REQUIRE(!lines.empty());
    CHECK(lines.back().at("complete") == false);
  }
  SECTION("dump to a file keeps the recovered lines") {
    const process_result dump = run_metron({"dump", "cut.mtr", "-o", "cut.jsonl"}, in(directory));
    check_one_line_error(dump, "cut.mtr");
    CHECK(parse_lines(read_text(directory.file("cut.jsonl"))).size() > expected.records);
  }
  SECTION("info") {
    const process_result info = run_metron({"info", "--json", "cut.mtr"}, in(directory));
    check_one_line_error(info, "cut.mtr");
    CHECK(std::regex_match(info.err, error_line));
    REQUIRE(json::accept(info.out));
    CHECK(json::parse(info.out).at("records") == expected.records);
    CHECK(json::parse(info.out).at("complete") == false);
  }
  SECTION("export") {
    const process_result exported =
        run_metron({"export", "cut.mtr", "-o", "cut.json"}, in(directory));
    check_one_line_error(exported, "cut.mtr");
    const std::string trace = read_text(directory.file("cut.json"));
    REQUIRE(json::accept(trace));
    CHECK(count_complete_events(json::parse(trace)) == expected.brackets);
  }
}

#endif  // METRON_QUICKSTART_PATH

TEST_CASE("record returns the program's exit status", "[integration][record]") {
  const scratch_dir directory;
  SECTION("an exit status") {
    const process_result result =
        run_metron({"record", "--", "/bin/sh", "-c", "exit 7"}, in(directory));
    CHECK(result.exit_code == 7);
    // sh is not linked with metron::probe: it writes no capture, and record says so.
    CHECK(result.err.find("wrote no capture") != std::string::npos);
    CHECK(directory.entries().empty());
  }
  SECTION("a signal") {
    const process_result result =
        run_metron({"record", "--", "/bin/sh", "-c", "kill -TERM $$"}, in(directory));
    CHECK(result.exit_code == 128 + 15);
    CHECK(result.err.find("killed by signal 15") != std::string::npos);
  }
  SECTION("SIGTERM sent to metron reaches the program") {
    // The program signals its parent, metron, which must pass the signal on: the trap answers.
    const process_result result = run_metron(
        {"record", "--", "/bin/sh", "-c", "trap 'exit 5' TERM; kill -TERM $PPID; sleep 2 & wait"},
        in(directory));
    CHECK(result.exit_code == 5);
  }
  SECTION("a program that cannot be started") {
    const process_result result = run_metron({"record", "--", "./no-such-program"}, in(directory));
    CHECK(result.exit_code == 2);
    CHECK(lines_of(result.err) ==
          std::vector<std::string>{
              "metron: cannot start './no-such-program': No such file or directory"});
  }
  SECTION("an output that cannot be written, before the program runs") {
    const process_result result =
        run_metron({"record", "-o", "/nonexistent/dir/x.mtr", "--", "/bin/sh", "-c", "echo ran"},
                   in(directory));
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(lines_of(result.err).size() == 1);
    CHECK(result.err.find("/nonexistent/dir/x.mtr") != std::string::npos);
  }
}

TEST_CASE("missing, empty and foreign captures give a one-line error and exit 2",
          "[integration][errors]") {
  const scratch_dir directory;
  write_text(directory.file("empty.mtr"), "");
  write_text(directory.file("foreign.mtr"), "{\"this\": \"is JSON, not a capture\"}\n");
  const std::vector<std::string> inputs = {"empty.mtr", "foreign.mtr"};

  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"info"},
                                             {"info", "--json"},
                                             {"dump"},
                                             {"dump", "-o", "out.jsonl"},
                                             {"export"},
                                             {"export", "-o", "out.json"}}) {
    INFO("metron " << command.front() << " " << (command.size() > 1 ? command[1] : ""));
    for (const std::string& input : inputs) {
      std::vector<std::string> arguments = command;
      arguments.push_back(input);
      const process_result result = run_metron(arguments, in(directory));
      check_one_line_error(result, input);
      CHECK(std::regex_match(result.err, std::regex("metron: .*: byte [0-9]+: .*\n")));
      CHECK(result.out.empty());
    }
    std::vector<std::string> arguments = command;
    arguments.push_back("missing.mtr");
    const process_result missing = run_metron(arguments, in(directory));
    check_one_line_error(missing, "missing.mtr");
    CHECK(missing.err == "metron: missing.mtr: no such file\n");
    // Failures leave no output file, partial or temporary, behind.
    CHECK(directory.entries() == std::vector<std::string>{"empty.mtr", "foreign.mtr"});
  }
}

TEST_CASE("an output that cannot be written gives a one-line error and exits 2",
          "[integration][errors]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  for (const char* command : {"dump", "export"}) {
    INFO("metron " << command);
    const process_result into_itself =
        run_metron({command, "fixture.mtr", "-o", "./fixture.mtr"}, in(directory));
    CHECK(into_itself.exit_code == 2);
    CHECK(lines_of(into_itself.err) ==
          std::vector<std::string>{
              "metron: ./fixture.mtr is the file being read; write the output to another file"});
    const process_result nowhere =
        run_metron({command, "fixture.mtr", "-o", "/nonexistent/dir/out"}, in(directory));
    CHECK(nowhere.exit_code == 2);
    CHECK(lines_of(nowhere.err) ==
          std::vector<std::string>{
              "metron: cannot create /nonexistent/dir/out: No such file or directory"});
    CHECK(directory.entries() == std::vector<std::string>{"fixture.mtr"});
  }
}

TEST_CASE("every subcommand's --help exits 0 and documents the exit codes", "[integration][help]") {
  for (const std::vector<std::string>& arguments :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"record", "--help"},
                                             {"info", "--help"},
                                             {"dump", "--help"},
                                             {"export", "--help"},
                                             {"stats", "--help"},
                                             {"postmortem", "--help"}}) {
    const process_result result = run_metron(arguments);
    INFO("metron " << arguments.front() << ": " << result.out);
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("Exit codes:") != std::string::npos);
    CHECK(result.out.find("Examples:") != std::string::npos);
    CHECK(result.err.empty());
  }
  const process_result top = run_metron({"--help"});
  for (const char* subcommand : {"record", "info", "dump", "export", "stats", "postmortem"}) {
    CHECK(top.out.find(subcommand) != std::string::npos);
  }
  const process_result version = run_metron({"--version"});
  CHECK(version.exit_code == 0);
  CHECK_FALSE(version.out.empty());
}

TEST_CASE("bad usage gives a one-line error and exits 2", "[integration][usage]") {
  struct usage_case {
    std::vector<std::string> arguments;
    std::string message;
  };
  for (const usage_case& bad : std::vector<usage_case>{
           {{"frobnicate"}, "unknown subcommand 'frobnicate'"},
           {{}, "subcommand is required"},
           {{"info", "--frobnicate", "run.mtr"}, "--frobnicate"},
           {{"info"}, "capture is required"},
           {{"export", "--format", "svg", "run.mtr"}, "chrome-trace"},
           {{"record", "--policy", "sometimes", "--", "/bin/true"}, "block,drop"},
           {{"record", "--ring-bytes", "lots", "--", "/bin/true"}, "--ring-bytes"},
           {{"record"}, "program is required"},
       }) {
    const process_result result = run_metron(bad.arguments);
    INFO("stderr: " << result.err);
    CHECK(result.exit_code == 2);
    CHECK(lines_of(result.err).size() == 1);
    CHECK(result.err.starts_with("metron: "));
    CHECK(result.err.find(bad.message) != std::string::npos);
    CHECK(result.out.empty());
  }
}
