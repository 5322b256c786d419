// Every consensus-spec reference test, through the library (the conformance
// runner calls the public Context API).
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <map>
#include <tuple>

#include "conformance/vectors.hpp"
#include "kzg/thread_pool.hpp"
#include "support/vectors_dir.hpp"

namespace {

// Every optimized path must give the spec's answers: the default fixed-base
// tables with calls split over a thread pool, and no tables (blst's Pippenger
// only) on one thread.
enum class Mode { kTablesThreads, kPippengerOneThread };

const kzg::Context& ctx(Mode mode) {
    static auto with_tables = kzg::Context::mainnet([] {
        kzg::ContextOptions o;
        o.pool = std::make_shared<kzg::ThreadPool>(3);
        return o;
    }());
    static auto without = kzg::Context::mainnet([] {
        kzg::ContextOptions o;
        o.precompute = 0;
        o.blob_window_bits = 0;
        return o;
    }());
    const auto& c = mode == Mode::kTablesThreads ? with_tables : without;
    if (!c) throw std::runtime_error(c.message());
    return **c;
}

// Case counts of the shared vectors (see their README): a runner that silently
// found fewer cases would otherwise pass.
const std::map<std::string, std::size_t> kMinimumCases = {
    {"blob_to_kzg_commitment", 11},  {"compute_kzg_proof", 52},
    {"compute_blob_kzg_proof", 15},  {"verify_kzg_proof", 122},
    {"verify_blob_kzg_proof", 29},   {"verify_blob_kzg_proof_batch", 24},
    {"compute_challenge", 9},        {"compute_cells", 11},
    {"compute_cells_and_kzg_proofs", 11}, {"recover_cells_and_kzg_proofs", 18},
    {"verify_cell_kzg_proof_batch", 32},  {"compute_verify_cell_kzg_proof_batch_challenge", 10},
};

class Conformance : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(Conformance, EveryCasePasses) {
    const auto dir = kzg::testing::vectors_dir();
    ASSERT_TRUE(std::filesystem::is_directory(dir))
        << "test vectors not found at " << dir << " (set KZG_TEST_VECTORS)";
    const auto& [function, tables] = GetParam();
    auto report = kzg::conformance::run_directory(
        ctx(tables ? Mode::kTablesThreads : Mode::kPippengerOneThread), dir, {function});
    ASSERT_TRUE(report.ok()) << report.message();
    ASSERT_EQ(report->functions.size(), 1u) << "no cases found for " << function;
    const auto& s = report->functions[0];
    EXPECT_GE(s.passed + s.failed, kMinimumCases.at(function));
    for (const auto& f : report->failures) ADD_FAILURE() << f.name << ": " << f.detail;
    EXPECT_EQ(s.failed, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllFunctions, Conformance,
                         ::testing::Combine(::testing::ValuesIn(kzg::conformance::known_functions()),
                                            ::testing::Bool()),
                         [](const auto& param_info) {
                             return std::get<0>(param_info.param) +
                                    (std::get<1>(param_info.param) ? "_tables_threads" : "_pippenger_one_thread");
                         });

// The runner itself must be able to fail: a wrong expected output is caught.
TEST(ConformanceRunner, DetectsAWrongExpectedOutput) {
    const auto dir = kzg::testing::vectors_dir();
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << "test vectors not found at " << dir;
    auto tmp = std::filesystem::temp_directory_path() / ("kzg_conf_" + std::to_string(::getpid()));
    auto case_dir = tmp / "blob_to_kzg_commitment" / "kzg-mainnet" / "wrong";
    std::filesystem::create_directories(case_dir);
    {
        std::ofstream out(case_dir / "data.yaml");
        out << "input:\n  blob: '0x" << std::string(2 * kzg::BYTES_PER_BLOB, '0') << "'\n"
            << "output: '0x" << std::string(96, '1') << "'\n";
    }
    auto report = kzg::conformance::run_directory(ctx(Mode::kPippengerOneThread), tmp);
    std::filesystem::remove_all(tmp);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->failed, 1u);
    EXPECT_EQ(report->passed, 0u);
}

}  // namespace
