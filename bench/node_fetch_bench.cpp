// The demo node's block fetch under Google Benchmark: a client asks a server for a block of 20
// payments over loopback TCP and decodes the answer, one round trip per iteration.
#include "ledger.hpp"
#include "net.hpp"
#include "wallet.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace demo;
using namespace std::chrono_literals;

// A block at height 1 holding one payment from each of 20 wallets.
block payment_block() {
  std::vector<wallet> wallets;
  std::vector<hash256> addresses;
  for (int i = 0; i < 20; ++i) {
    wallets.emplace_back("fetch-" + std::to_string(i));
    addresses.push_back(wallets.back().address());
  }
  const std::vector<output> initial = genesis_outputs(addresses, 1, 1'000'000);
  std::vector<transaction> payments;
  for (std::size_t i = 0; i < wallets.size(); ++i) {
    wallets[i].apply_genesis(initial);
    payments.push_back(*wallets[i].build_payment(addresses[(i + 1) % addresses.size()], 10));
  }
  return forge_block(ledger(initial), 1, 0, std::move(payments));
}

// Answers requests for the one block it holds until the client hangs up.
void serve(listener& server, const block& held, std::atomic<bool>& failed) {
  try {
    int fd = -1;
    while ((fd = server.accept_fd()) < 0) {
      std::this_thread::sleep_for(1ms);
    }
    connection peer(fd);
    const hash256 id = held.hash();
    const frame answer{frame_kind::block, encode(held)};
    while (true) {
      const frame request = peer.receive_blocking(60s);
      const bool known = request.payload.size() == id.size() &&
                         std::equal(id.begin(), id.end(), request.payload.begin());
      peer.send(known ? answer : frame{frame_kind::not_found, request.payload});
      peer.flush_blocking(5s);
    }
  } catch (const net_error& problem) {
    // The client's hang-up ends the loop; anything else is a failure.
    if (std::string(problem.what()).find("closed") == std::string::npos) {
      failed = true;
    }
  }
}

void BM_block_fetch_round_trip(benchmark::State& state) {
  const block held = payment_block();
  listener server(0);
  std::atomic<bool> failed = false;
  std::thread serving([&] { serve(server, held, failed); });
  {
    connection client = connect_to(server.port(), 5s);
    const hash256 id = held.hash();
    const frame request{frame_kind::request, {id.begin(), id.end()}};
    std::size_t bytes = 0;
    for (auto _ : state) {
      client.send(request);
      client.flush_blocking(5s);
      const frame answer = client.receive_blocking(5s);
      const block got = decode_block(answer.payload);
      bytes += answer.payload.size();
      benchmark::DoNotOptimize(got.transactions.data());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["txs"] = static_cast<double>(held.transactions.size());
  }
  serving.join();
  if (failed) {
    state.SkipWithError("the server failed");
  }
}
BENCHMARK(BM_block_fetch_round_trip)->Unit(benchmark::kMicrosecond);

}  // namespace
