// kzgd: the KZG service. Until the HTTP service lands it loads the embedded
// setup, reports its identity and exits.
#include <cstring>
#include <iostream>

#include "kzg/kzg.hpp"
#include "kzg/version.hpp"

int main(int argc, char** argv) {
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::cout << "kzgd " << kzg::version() << " (commit " << kzg::git_commit() << ", blst "
                      << kzg::blst_version() << ")\n";
            return 0;
        }
    }
    auto ctx = kzg::Context::mainnet();
    if (!ctx) {
        std::cerr << "kzgd: cannot load the trusted setup: " << ctx.message() << "\n";
        return 1;
    }
    std::cout << "kzgd " << kzg::version() << ": trusted setup sha256 " << (*ctx)->setup_sha256_hex()
              << "; the HTTP service is not part of this build yet\n";
    return 0;
}
