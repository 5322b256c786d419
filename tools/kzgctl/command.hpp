// How kzgctl's subcommands plug in: each registers itself on the CLI11 app
// and sets the action main() runs after parsing.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "kzg/kzg.hpp"

namespace kzgctl {

class Engine;  // engine.hpp

// Exit statuses (documented in README.md).
inline constexpr int kExitOk = 0;       // success; a proof verified
inline constexpr int kExitFalse = 1;    // a proof did not verify; vectors failed
inline constexpr int kExitInput = 2;    // bad usage or bad input
inline constexpr int kExitSetup = 3;    // the trusted setup could not be loaded; with --server,
                                        // kzgd could not be reached or failed (not a 400)

struct Env {
    std::string setup_path;  // --setup FILE; empty: the embedded mainnet setup
    std::string table_cache; // --table-cache DIR; empty: no cache
    std::string server;      // --server URL: compute/verify through kzgd; the ops commands' default URL
    std::function<int()> action;

    // The Context, loaded on first use; exits with kExitSetup on failure.
    const kzg::Context& ctx();
    // Where compute/verify commands run: ctx(), or kzgd at --server
    // (engine.cpp). Throws UsageError for a bad --server URL.
    const Engine& engine();

  private:
    std::shared_ptr<const kzg::Context> ctx_;
    std::shared_ptr<const Engine> engine_;
};

void register_eip4844(CLI::App& app, Env& env);
void register_eip7594(CLI::App& app, Env& env);
void register_vectors(CLI::App& app, Env& env);
void register_setup(CLI::App& app, Env& env);
void register_bench(CLI::App& app, Env& env);
void register_ops(CLI::App& app, Env& env);  // health, profile, doctor
void register_rollout(CLI::App& app, Env& env);  // a Kubernetes rollout through kubectl
void register_upgrade(CLI::App& app, Env& env);  // a single-host binary upgrade (socket handover)

// Prints a verification result ("true"/"false") and returns its exit status.
int print_verdict(const kzg::Result<bool>& r);
// For a failed call: prints "kzgctl: <message>" to stderr, returns kExitInput.
int print_error(const kzg::Error& e);

}  // namespace kzgctl
