// The demo node's components under Google Benchmark: ledger batch validation against the epoch's
// size, mempool admission. The components' own brackets record into a capture when the suite
// runs under `metron record` (or METRON_CAPTURE), so one run gives both views.
#include "ledger.hpp"
#include "mempool.hpp"
#include "wallet.hpp"

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace demo;

constexpr std::size_t wallet_count = 20;         // one payment of each per block
constexpr std::size_t outputs_per_wallet = 320;  // enough for the largest epoch
constexpr std::uint64_t genesis_amount = 1'000'000;

// A genesis ledger and an epoch of `blocks` blocks of 20 payments each, valid on it.
struct epoch_fixture {
  std::vector<wallet> wallets;
  std::vector<output> initial;
  std::vector<block> blocks;

  explicit epoch_fixture(std::size_t block_count) {
    std::vector<hash256> addresses;
    for (std::size_t i = 0; i < wallet_count; ++i) {
      wallets.emplace_back("bench-" + std::to_string(i));
      addresses.push_back(wallets.back().address());
    }
    initial = genesis_outputs(addresses, outputs_per_wallet, genesis_amount);
    for (wallet& w : wallets) {
      w.apply_genesis(initial);
    }
    ledger forger(initial);
    for (std::size_t b = 0; b < block_count; ++b) {
      std::vector<transaction> payments;
      for (std::size_t i = 0; i < wallet_count; ++i) {
        payments.push_back(
            *wallets[i].build_payment(addresses[(i + 1) % wallet_count], 10, block_count + 1));
      }
      blocks.push_back(forge_block(forger, b + 1, 0, std::move(payments)));
      forger.apply_block(blocks.back());
      for (wallet& w : wallets) {
        w.apply_block(blocks.back());
      }
    }
  }
};

// Google Benchmark calls a benchmark function several times per repetition while it settles the
// iteration count; the fixtures are deterministic, so each is built once per process and only
// the timed work runs again.
const epoch_fixture& epoch_of(std::size_t block_count) {
  static std::map<std::size_t, const epoch_fixture> built;
  return built.try_emplace(block_count, block_count).first->second;
}

void BM_ledger_apply_epoch(benchmark::State& state) {
  const auto block_count = static_cast<std::size_t>(state.range(0));
  const epoch_fixture& fixture = epoch_of(block_count);
  const ledger genesis(fixture.initial);
  for (auto _ : state) {
    state.PauseTiming();
    ledger chain = genesis;
    state.ResumeTiming();
    chain.apply_epoch(fixture.blocks);
    benchmark::DoNotOptimize(chain.tip());
  }
  const auto transactions = static_cast<std::int64_t>(block_count * wallet_count);
  state.SetItemsProcessed(state.iterations() * transactions);
  state.SetComplexityN(transactions);
  state.counters["utxo_size"] = static_cast<double>(fixture.initial.size());
}
BENCHMARK(BM_ledger_apply_epoch)
    ->Arg(10)
    ->Arg(30)
    ->Arg(100)
    ->Arg(300)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

// A ledger of `pending` outputs of one wallet, and a payment spending each of them.
struct admission_fixture {
  static constexpr std::size_t pending = 4096;
  std::unique_ptr<const ledger> chain;
  std::vector<transaction> payments;

  admission_fixture() {
    wallet payer("bench-payer");
    const wallet payee("bench-payee");
    const std::vector<output> initial =
        genesis_outputs(std::vector<hash256>{payer.address()}, pending, genesis_amount);
    payer.apply_genesis(initial);
    chain = std::make_unique<const ledger>(initial);
    for (std::size_t i = 0; i < pending; ++i) {
      payments.push_back(*payer.build_payment(payee.address(), 10));
    }
  }
};

void BM_mempool_add(benchmark::State& state) {
  static const admission_fixture fixture;
  constexpr std::size_t pending = admission_fixture::pending;
  const ledger& chain = *fixture.chain;
  const std::vector<transaction>& payments = fixture.payments;
  mempool pool(pending);
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == payments.size()) {
      state.PauseTiming();
      pool = mempool(pending);
      next = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(pool.add(payments[next++], chain));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_mempool_add)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::AddCustomContext("demo_slowdown_percent", std::to_string(injected_slowdown_percent()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
