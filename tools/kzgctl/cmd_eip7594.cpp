// kzgctl subcommands for EIP-7594 (PeerDAS). Lists go in and out as JSON named
// like the consensus-spec vectors.
#include <iostream>

#include "command.hpp"
#include "engine.hpp"
#include "inputs.hpp"

namespace kzgctl {

namespace {

template <class List>
nlohmann::json hex_array(const List& items) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& x : items) a.push_back(kzg::hex_encode(x));
    return a;
}

int print_cells_and_proofs(const kzg::Result<kzg::CellsAndProofs>& r) {
    if (!r) return print_error(r.error());
    nlohmann::json out;
    out["cells"] = hex_array(r->cells);
    out["proofs"] = hex_array(r->proofs);
    std::cout << out.dump() << "\n";
    return kExitOk;
}

}  // namespace

void register_eip7594(CLI::App& app, Env& env) {
    {
        auto* c = app.add_subcommand("compute-cells", "print the 128 cells of a blob's extension as JSON {\"cells\"}");
        auto blob = std::make_shared<std::string>();
        c->add_option("BLOB", *blob, "blob file (raw or hex), or -")->required();
        c->callback([&env, blob] {
            env.action = [&env, blob] {
                auto r = env.engine().compute_cells(*read_blob_arg(*blob));
                if (!r) return print_error(r.error());
                nlohmann::json out;
                out["cells"] = hex_array(*r);
                std::cout << out.dump() << "\n";
                return kExitOk;
            };
        });
    }
    {
        auto* c = app.add_subcommand("compute-cells-and-proofs",
                                     "print the 128 cells and their KZG proofs as JSON {\"cells\",\"proofs\"}");
        auto blob = std::make_shared<std::string>();
        c->add_option("BLOB", *blob, "blob file (raw or hex), or -")->required();
        c->callback([&env, blob] {
            env.action = [&env, blob] {
                return print_cells_and_proofs(env.engine().compute_cells_and_kzg_proofs(*read_blob_arg(*blob)));
            };
        });
    }
    {
        auto* c = app.add_subcommand(
            "recover-cells-and-proofs",
            "recover all cells and proofs from >= 64 cells; INPUT is JSON {\"cell_indices\":[..],\"cells\":[..]}");
        auto input = std::make_shared<std::string>();
        auto cells_only = std::make_shared<bool>(false);
        c->add_option("INPUT", *input, "JSON file, or -")->required();
        c->add_flag("--cells-only", *cells_only, "recover the cells only (faster; no proofs)");
        c->callback([&env, input, cells_only] {
            env.action = [&env, input, cells_only] {
                const auto doc = read_json_arg(*input);
                const auto idx = json_index_list(doc, "cell_indices");
                const auto cells = json_hex_list<kzg::Cell>(doc, "cells");
                if (*cells_only) {
                    auto r = env.engine().recover_cells(idx, cells);
                    if (!r) return print_error(r.error());
                    nlohmann::json out;
                    out["cells"] = hex_array(*r);
                    std::cout << out.dump() << "\n";
                    return kExitOk;
                }
                return print_cells_and_proofs(env.engine().recover_cells_and_kzg_proofs(idx, cells));
            };
        });
    }
    {
        auto* c = app.add_subcommand("verify-cell-proof-batch",
                                     "verify cell KZG proofs; INPUT is JSON {\"commitments\",\"cell_indices\","
                                     "\"cells\",\"proofs\"} (parallel lists); prints true or false");
        auto input = std::make_shared<std::string>();
        c->add_option("INPUT", *input, "JSON file, or -")->required();
        c->callback([&env, input] {
            env.action = [&env, input] {
                const auto doc = read_json_arg(*input);
                const auto commitments = json_hex_list<kzg::KZGCommitment>(doc, "commitments");
                const auto idx = json_index_list(doc, "cell_indices");
                const auto cells = json_hex_list<kzg::Cell>(doc, "cells");
                return print_verdict(
                    env.engine().verify_cell_kzg_proof_batch(commitments, idx, cells, json_hex_list<kzg::KZGProof>(doc, "proofs")));
            };
        });
    }
}

}  // namespace kzgctl
