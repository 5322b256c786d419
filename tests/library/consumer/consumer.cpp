// A C++ program against the installed C++ API (pkg-config kzg, or
// find_package(kzg) -> kzg::kzg). Usage: consumer_cpp BLOB_HEX_FILE EXPECTED_COMMITMENT_HEX
#include <kzg/codec.hpp>
#include <kzg/kzg.hpp>
#include <kzg/thread_pool.hpp>
#include <kzg/version.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: consumer_cpp BLOB_HEX_FILE EXPECTED_COMMITMENT_HEX\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    std::stringstream text;
    text << in.rdbuf();
    std::string hex = text.str();
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    auto blob = kzg::hex_to_fixed<kzg::BYTES_PER_BLOB>(hex, "blob");
    if (!blob) {
        std::cerr << blob.message() << "\n";
        return 1;
    }
    kzg::ContextOptions options;
    options.pool = std::make_shared<kzg::ThreadPool>(1);
    auto ctx = kzg::Context::mainnet(options);
    if (!ctx) {
        std::cerr << ctx.message() << "\n";
        return 1;
    }
    auto commitment = (*ctx)->blob_to_kzg_commitment(*blob);
    if (!commitment || kzg::hex_encode(*commitment) != argv[2]) {
        std::cerr << "consumer_cpp: wrong commitment\n";
        return 1;
    }
    auto bad = (*ctx)->verify_kzg_proof(*commitment, kzg::Bytes32{}, kzg::Bytes32{}, kzg::KZGProof{});
    if (bad.ok() || bad.code() != kzg::ErrorCode::kInvalidInput) {
        std::cerr << "consumer_cpp: an all-zero proof must be refused\n";
        return 1;
    }
    std::cout << "consumer (C++): ok, kzg " << kzg::version() << ", setup " << (*ctx)->setup_sha256_hex() << "\n";
    return 0;
}
