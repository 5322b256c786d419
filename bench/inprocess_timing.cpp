// In-process timings of the operations bench/service_throughput.py drives
// over HTTP, on the same blob, one call at a time, as JSON lines:
//   {"op":"verify_blob_kzg_proof","n":200,"mean_ms":..,"p50_ms":..,"p99_ms":..}
// With THREADS > 0 the context gets a kzg::ThreadPool of that many threads
// (ContextOptions::pool) and each call runs on it, as in kzgd with --workers
// THREADS; 0 runs every call on the main thread alone.
// Also times kzgd's request decoders alone (json_decode_*, ssz_decode_*) to
// show what the codec adds.
// Usage: kzgd_inprocess_timing BLOB_FILE [SECONDS_PER_OP [THREADS]]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include "kzg/kzg.hpp"
#include "kzg/thread_pool.hpp"
#include "service/api.hpp"
#include "service/json_codec.hpp"
#include "service/ssz_codec.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void time_op(const char* name, double budget_s, const std::function<void()>& op) {
    op();  // warm-up
    std::vector<double> ms;
    const auto end = Clock::now() + std::chrono::duration<double>(budget_s);
    while (ms.size() < 10 || (Clock::now() < end && ms.size() < 100000)) {
        const auto t0 = Clock::now();
        op();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms) sum += v;
    const auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * ms.size()))]; };
    std::printf("{\"op\":\"%s\",\"n\":%zu,\"mean_ms\":%.4f,\"p50_ms\":%.4f,\"p99_ms\":%.4f}\n", name, ms.size(),
                sum / ms.size(), pct(0.50), pct(0.99));
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: kzgd_inprocess_timing BLOB_FILE [SECONDS_PER_OP [THREADS]]\n";
        return 2;
    }
    const double budget = argc > 2 ? std::stod(argv[2]) : 3.0;
    const int threads = argc > 3 ? std::stoi(argv[3]) : 0;
    auto blob = std::make_unique<kzg::Blob>();
    {
        std::ifstream in(argv[1], std::ios::binary);
        in.read(reinterpret_cast<char*>(blob->data()), kzg::BYTES_PER_BLOB);
        if (in.gcount() != static_cast<std::streamsize>(kzg::BYTES_PER_BLOB)) {
            std::cerr << argv[1] << ": expected " << kzg::BYTES_PER_BLOB << " bytes\n";
            return 2;
        }
    }
    kzg::ContextOptions options;
    if (threads > 0) options.pool = std::make_shared<kzg::ThreadPool>(static_cast<std::size_t>(threads));
    // A call on the pool when there is one (as kzgd runs it), else right here.
    auto on_pool = [&](const std::function<void()>& op) {
        if (!options.pool) return op();
        std::promise<void> done;
        options.pool->post([&] {
            op();
            done.set_value();
        });
        done.get_future().wait();
    };
    auto ctx = kzg::Context::mainnet(options);
    if (!ctx) {
        std::cerr << ctx.message() << "\n";
        return 3;
    }
    const kzg::Context& c = **ctx;
    const auto commitment = c.blob_to_kzg_commitment(*blob);
    const auto proof = c.compute_blob_kzg_proof(*blob, *commitment);
    if (!commitment || !proof) {
        std::cerr << "the blob is not valid\n";
        return 2;
    }
    time_op("blob_to_kzg_commitment", budget, [&] {
        on_pool([&] {
            if (!c.blob_to_kzg_commitment(*blob)) std::abort();
        });
    });
    time_op("verify_blob_kzg_proof", budget, [&] {
        on_pool([&] {
            if (!c.verify_blob_kzg_proof(*blob, *commitment, *proof).value()) std::abort();
        });
    });

    // The request decoders alone.
    const kzgd::FunctionSpec& fn = *kzgd::find_function("verify_blob_kzg_proof");
    std::string json = "{\"blob\":\"";
    kzgd::append_hex(json, blob->data(), kzg::BYTES_PER_BLOB);
    json += "\",\"commitment\":\"";
    kzgd::append_hex(json, commitment->data(), 48);
    json += "\",\"proof\":\"";
    kzgd::append_hex(json, proof->data(), 48);
    json += "\"}";
    std::string ssz(reinterpret_cast<const char*>(blob->data()), kzg::BYTES_PER_BLOB);
    ssz.append(reinterpret_cast<const char*>(commitment->data()), 48);
    ssz.append(reinterpret_cast<const char*>(proof->data()), 48);
    const kzgd::DecodeLimits limits;
    time_op("json_decode_verify_blob_kzg_proof", budget / 3, [&] {
        kzgd::Args a;
        if (kzgd::decode_json_request(fn, json, limits, a)) std::abort();
    });
    time_op("ssz_decode_verify_blob_kzg_proof", budget / 3, [&] {
        kzgd::Args a;
        if (kzgd::decode_ssz_request(fn, ssz, limits, a)) std::abort();
    });
    return 0;
}
