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
    if (!r.ok()) return print_error(r.error());
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
                   "(commands that talk to kzgd: --server, health, doctor, profile, cpu-profile, rollout)")
        ->check(CLI::ExistingFile);
    app.add_option("--server", env.server,
                   "run the compute and verify commands on kzgd at this URL (POST /v1/<function>) instead of "
                   "locally: same output and exit status (3 when kzgd cannot be reached or fails); also the "
                   "default URL of health, profile and doctor. http://HOST:PORT or https://HOST:PORT; HOST a DNS "
                   "name, an IPv4 address or [IPv6]")
        ->envname("KZGCTL_SERVER");
    std::string ca_file;
    app.add_option("--cacert", ca_file,
                   "PEM file of the CA certificate(s) to trust for https:// URLs instead of the system's CA store "
                   "(the server's certificate must also name the URL's host)")
        ->envname("KZGCTL_CACERT")
        ->check(CLI::ExistingFile);
    std::string tls_name;
    app.add_option("--tls-server-name", tls_name,
                   "for https:// URLs, the name the server's certificate must carry (also sent as SNI) instead of "
                   "the URL's host, e.g. to reach kzgd at https://127.0.0.1:4844 with a certificate for "
                   "kzgd.example.com")
        ->envname("KZGCTL_TLS_SERVER_NAME");

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
    if (!ca_file.empty()) set_ca_file(ca_file);
    if (!tls_name.empty()) set_tls_server_name(tls_name);
    try {
        return env.action ? env.action() : kExitInput;
    } catch (const UsageError& e) {
        std::cerr << "kzgctl: " << e.message << "\n";
        return kExitInput;
    }
}
