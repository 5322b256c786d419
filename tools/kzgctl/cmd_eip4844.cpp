// kzgctl subcommands for EIP-4844.
#include <iostream>

#include "command.hpp"
#include "engine.hpp"
#include "inputs.hpp"

namespace kzgctl {

void register_eip4844(CLI::App& app, Env& env) {
    {
        auto* c = app.add_subcommand("blob-to-commitment", "print the KZG commitment of a blob");
        auto blob = std::make_shared<std::string>();
        c->add_option("BLOB", *blob, "blob file (raw or hex), or -")->required();
        c->callback([&env, blob] {
            env.action = [&env, blob] {
                auto r = env.engine().blob_to_kzg_commitment(*read_blob_arg(*blob));
                if (!r) return print_error(r.error());
                std::cout << kzg::hex_encode(*r) << "\n";
                return kExitOk;
            };
        });
    }
    {
        auto* c = app.add_subcommand("compute-proof", "print the KZG proof of a blob at point Z, then y = p(Z)");
        auto blob = std::make_shared<std::string>(), z = std::make_shared<std::string>();
        c->add_option("BLOB", *blob, "blob file (raw or hex), or -")->required();
        c->add_option("Z", *z, "evaluation point: 32-byte 0x-hex field element, or a file")->required();
        c->callback([&env, blob, z] {
            env.action = [&env, blob, z] {
                auto b = read_blob_arg(*blob);
                auto r = env.engine().compute_kzg_proof(*b, read_fixed_arg<kzg::Bytes32>(*z, "z"));
                if (!r) return print_error(r.error());
                std::cout << kzg::hex_encode(r->proof) << "\n" << kzg::hex_encode(r->y) << "\n";
                return kExitOk;
            };
        });
    }
    {
        auto* c = app.add_subcommand("compute-blob-proof", "print the blob KZG proof for a blob and its commitment");
        auto blob = std::make_shared<std::string>(), commitment = std::make_shared<std::string>();
        c->add_option("BLOB", *blob, "blob file (raw or hex), or -")->required();
        c->add_option("COMMITMENT", *commitment, "48-byte 0x-hex commitment, or a file; default: computed");
        c->callback([&env, blob, commitment] {
            env.action = [&env, blob, commitment] {
                auto b = read_blob_arg(*blob);
                kzg::KZGCommitment cm;
                if (commitment->empty()) {
                    auto rc = env.engine().blob_to_kzg_commitment(*b);
                    if (!rc) return print_error(rc.error());
                    cm = *rc;
                } else {
                    cm = read_fixed_arg<kzg::KZGCommitment>(*commitment, "commitment");
                }
                auto r = env.engine().compute_blob_kzg_proof(*b, cm);
                if (!r) return print_error(r.error());
                std::cout << kzg::hex_encode(*r) << "\n";
                return kExitOk;
            };
        });
    }
    {
        auto* c = app.add_subcommand("verify-proof", "verify a KZG proof that p(Z) = Y; prints true or false");
        auto args = std::make_shared<std::array<std::string, 4>>();
        c->add_option("COMMITMENT", (*args)[0], "48-byte 0x-hex commitment, or a file")->required();
        c->add_option("Z", (*args)[1], "32-byte 0x-hex field element, or a file")->required();
        c->add_option("Y", (*args)[2], "32-byte 0x-hex field element, or a file")->required();
        c->add_option("PROOF", (*args)[3], "48-byte 0x-hex proof, or a file")->required();
        c->callback([&env, args] {
            env.action = [&env, args] {
                return print_verdict(env.engine().verify_kzg_proof(
                    read_fixed_arg<kzg::KZGCommitment>((*args)[0], "commitment"), read_fixed_arg<kzg::Bytes32>((*args)[1], "z"),
                    read_fixed_arg<kzg::Bytes32>((*args)[2], "y"), read_fixed_arg<kzg::KZGProof>((*args)[3], "proof")));
            };
        });
    }
    {
        auto* c = app.add_subcommand("verify-blob-proof", "verify a blob KZG proof; prints true or false");
        auto args = std::make_shared<std::array<std::string, 3>>();
        c->add_option("BLOB", (*args)[0], "blob file (raw or hex), or -")->required();
        c->add_option("COMMITMENT", (*args)[1], "48-byte 0x-hex commitment, or a file")->required();
        c->add_option("PROOF", (*args)[2], "48-byte 0x-hex proof, or a file")->required();
        c->callback([&env, args] {
            env.action = [&env, args] {
                auto b = read_blob_arg((*args)[0]);
                return print_verdict(env.engine().verify_blob_kzg_proof(
                    *b, read_fixed_arg<kzg::KZGCommitment>((*args)[1], "commitment"), read_fixed_arg<kzg::KZGProof>((*args)[2], "proof")));
            };
        });
    }
    {
        auto* c = app.add_subcommand(
            "verify-blob-proof-batch",
            "verify blob KZG proofs in a batch; INPUT is JSON {\"blobs\":[..],\"commitments\":[..],\"proofs\":[..]}");
        auto input = std::make_shared<std::string>();
        c->add_option("INPUT", *input, "JSON file, or -")->required();
        c->callback([&env, input] {
            env.action = [&env, input] {
                const auto doc = read_json_arg(*input);
                const auto blobs = json_hex_list<kzg::Blob>(doc, "blobs");
                return print_verdict(env.engine().verify_blob_kzg_proof_batch(
                    blobs, json_hex_list<kzg::KZGCommitment>(doc, "commitments"), json_hex_list<kzg::KZGProof>(doc, "proofs")));
            };
        });
    }
}

}  // namespace kzgctl
