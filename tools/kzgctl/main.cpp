// kzgctl: KZG commitments, proofs and verification on files, the conformance
// runner, and (later) operations commands for kzgd.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "command.hpp"
#include "http_client.hpp"
#include "inputs.hpp"
#include "kzg/version.hpp"

namespace kzgctl {

const kzg::Context& Env::ctx() {
    if (!ctx_) {
        // One command, one call: build only the tables that call uses.
        kzg::ContextOptions options;
        options.lazy_tables = true;
        options.table_cache_dir = table_cache;
        auto r = setup_path.empty() ? kzg::Context::mainnet(options) : kzg::Context::from_file(setup_path, options);
        if (!r) {
            std::cerr << "kzgctl: cannot load the trusted setup: " << r.message() << "\n";
            std::exit(kExitSetup);
        }
        ctx_ = *r;
    }
    return *ctx_;
}

int print_verdict(const kzg::Result<bool>& r) {
    if (!r) return print_error(r.error());
    std::cout << (*r ? "true" : "false") << "\n";
    return *r ? kExitOk : kExitFalse;
}

int print_error(const kzg::Error& e) {
    std::cerr << "kzgctl: " << e.message << "\n";
    return e.code == kzg::ErrorCode::kInvalidInput ? kExitInput : kExitSetup;
}

}  // namespace kzgctl

int main(int argc, char** argv) {
    using namespace kzgctl;
    CLI::App app{"kzgctl: KZG (EIP-4844, EIP-7594) commitments, proofs and verification on files, and the "
                 "consensus-spec conformance runner.\n"
                 "Blobs are files of 131072 raw bytes or 0x-hex text ('-' reads standard input); commitments, "
                 "proofs, z and y are 0x-hex arguments or files. Results are 0x-hex (or JSON for lists) on stdout.\n"
                 "Exit status: 0 success or valid, 1 not valid (or failed vectors), 2 bad input, 3 setup error."};
    app.set_version_flag("--version", std::string("kzgctl ") + std::string(kzg::version()) + " (commit " +
                                          std::string(kzg::git_commit()) + ", blst " +
                                          std::string(kzg::blst_version()) + ")");
    app.require_subcommand(1);
    Env env;
    app.add_option("--setup", env.setup_path,
                   "trusted setup file (c-kzg text or consensus-specs JSON); default: the embedded mainnet setup");

    app.add_option("--table-cache", env.table_cache,
                   "directory of the precomputed-table cache (verified before use, written atomically)");
    std::string token_file;
    app.add_option("--token-file", token_file,
                   "file holding the bearer token that kzgd's api-token-file or admin-token-file requires "
                   "(commands that talk to kzgd: health, doctor, profile, cpu-profile, rollout)")
        ->check(CLI::ExistingFile);

    register_eip4844(app, env);
    register_eip7594(app, env);
    register_vectors(app, env);
    register_setup(app, env);
    register_bench(app, env);
    register_ops(app, env);
    register_rollout(app, env);
    register_upgrade(app, env);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : kExitInput;
    }
    if (!token_file.empty()) {
        std::ifstream in(token_file);
        std::string token;
        std::getline(in, token);
        while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
        if (token.empty()) {
            std::cerr << "kzgctl: --token-file " << token_file << " holds no token\n";
            return kExitInput;
        }
        set_bearer_token(std::move(token));
    }
    try {
        return env.action ? env.action() : kExitInput;
    } catch (const UsageError& e) {
        std::cerr << "kzgctl: " << e.message << "\n";
        return kExitInput;
    }
}
