// The local and the remote (kzgd, --server URL) Engine; see engine.hpp.
#include "engine.hpp"

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "http_client.hpp"
#include "inputs.hpp"
#include "kzg/codec.hpp"

namespace kzgctl {
namespace {

using json = nlohmann::json;

class LocalEngine final : public Engine {
  public:
    explicit LocalEngine(Env& env) : env_(env) {}
    kzg::Result<kzg::KZGCommitment> blob_to_kzg_commitment(const kzg::Blob& blob) const override {
        return env_.ctx().blob_to_kzg_commitment(blob);
    }
    kzg::Result<kzg::ProofAndY> compute_kzg_proof(const kzg::Blob& blob, const kzg::Bytes32& z) const override {
        return env_.ctx().compute_kzg_proof(blob, z);
    }
    kzg::Result<kzg::KZGProof> compute_blob_kzg_proof(const kzg::Blob& blob,
                                                      const kzg::KZGCommitment& commitment) const override {
        return env_.ctx().compute_blob_kzg_proof(blob, commitment);
    }
    kzg::Result<bool> verify_kzg_proof(const kzg::KZGCommitment& commitment, const kzg::Bytes32& z, const kzg::Bytes32& y,
                                       const kzg::KZGProof& proof) const override {
        return env_.ctx().verify_kzg_proof(commitment, z, y, proof);
    }
    kzg::Result<bool> verify_blob_kzg_proof(const kzg::Blob& blob, const kzg::KZGCommitment& commitment,
                                            const kzg::KZGProof& proof) const override {
        return env_.ctx().verify_blob_kzg_proof(blob, commitment, proof);
    }
    kzg::Result<bool> verify_blob_kzg_proof_batch(std::span<const kzg::Blob> blobs,
                                                  std::span<const kzg::KZGCommitment> commitments,
                                                  std::span<const kzg::KZGProof> proofs) const override {
        return env_.ctx().verify_blob_kzg_proof_batch(blobs, commitments, proofs);
    }
    kzg::Result<std::vector<kzg::Cell>> compute_cells(const kzg::Blob& blob) const override {
        return env_.ctx().compute_cells(blob);
    }
    kzg::Result<kzg::CellsAndProofs> compute_cells_and_kzg_proofs(const kzg::Blob& blob) const override {
        return env_.ctx().compute_cells_and_kzg_proofs(blob);
    }
    kzg::Result<kzg::CellsAndProofs> recover_cells_and_kzg_proofs(std::span<const std::uint64_t> cell_indices,
                                                                  std::span<const kzg::Cell> cells) const override {
        return env_.ctx().recover_cells_and_kzg_proofs(cell_indices, cells);
    }
    kzg::Result<std::vector<kzg::Cell>> recover_cells(std::span<const std::uint64_t> cell_indices,
                                                      std::span<const kzg::Cell> cells) const override {
        return env_.ctx().recover_cells(cell_indices, cells);
    }
    kzg::Result<bool> verify_cell_kzg_proof_batch(std::span<const kzg::KZGCommitment> commitments,
                                                  std::span<const std::uint64_t> cell_indices,
                                                  std::span<const kzg::Cell> cells,
                                                  std::span<const kzg::KZGProof> proofs) const override {
        return env_.ctx().verify_cell_kzg_proof_batch(commitments, cell_indices, cells, proofs);
    }

  private:
    Env& env_;
};

// Calls are pure functions of their input: kzgd's answer is used as is.
constexpr double kRemoteTimeoutS = 120;

template <class List>
json hex_list(const List& items) {
    json a = json::array();
    for (const auto& x : items) a.push_back(kzg::hex_encode(x));
    return a;
}

class RemoteEngine final : public Engine {
  public:
    explicit RemoteEngine(Url url) : url_(std::move(url)) {}

    kzg::Result<kzg::KZGCommitment> blob_to_kzg_commitment(const kzg::Blob& blob) const override {
        Call c(*this, "blob_to_kzg_commitment", {{"blob", kzg::hex_encode(blob)}});
        return c.fixed<kzg::KZGCommitment>("commitment");
    }
    kzg::Result<kzg::ProofAndY> compute_kzg_proof(const kzg::Blob& blob, const kzg::Bytes32& z) const override {
        Call c(*this, "compute_kzg_proof", {{"blob", kzg::hex_encode(blob)}, {"z", kzg::hex_encode(z)}});
        auto proof = c.fixed<kzg::KZGProof>("proof");
        if (!proof) return proof.error();
        auto y = c.fixed<kzg::Bytes32>("y");
        if (!y) return y.error();
        return kzg::ProofAndY{*proof, *y};
    }
    kzg::Result<kzg::KZGProof> compute_blob_kzg_proof(const kzg::Blob& blob,
                                                      const kzg::KZGCommitment& commitment) const override {
        Call c(*this, "compute_blob_kzg_proof",
               {{"blob", kzg::hex_encode(blob)}, {"commitment", kzg::hex_encode(commitment)}});
        return c.fixed<kzg::KZGProof>("proof");
    }
    kzg::Result<bool> verify_kzg_proof(const kzg::KZGCommitment& commitment, const kzg::Bytes32& z, const kzg::Bytes32& y,
                                       const kzg::KZGProof& proof) const override {
        return Call(*this, "verify_kzg_proof",
                    {{"commitment", kzg::hex_encode(commitment)},
                     {"z", kzg::hex_encode(z)},
                     {"y", kzg::hex_encode(y)},
                     {"proof", kzg::hex_encode(proof)}})
            .valid();
    }
    kzg::Result<bool> verify_blob_kzg_proof(const kzg::Blob& blob, const kzg::KZGCommitment& commitment,
                                            const kzg::KZGProof& proof) const override {
        return Call(*this, "verify_blob_kzg_proof",
                    {{"blob", kzg::hex_encode(blob)},
                     {"commitment", kzg::hex_encode(commitment)},
                     {"proof", kzg::hex_encode(proof)}})
            .valid();
    }
    kzg::Result<bool> verify_blob_kzg_proof_batch(std::span<const kzg::Blob> blobs,
                                                  std::span<const kzg::KZGCommitment> commitments,
                                                  std::span<const kzg::KZGProof> proofs) const override {
        return Call(*this, "verify_blob_kzg_proof_batch",
                    {{"blobs", hex_list(blobs)}, {"commitments", hex_list(commitments)}, {"proofs", hex_list(proofs)}})
            .valid();
    }
    kzg::Result<std::vector<kzg::Cell>> compute_cells(const kzg::Blob& blob) const override {
        Call c(*this, "compute_cells", {{"blob", kzg::hex_encode(blob)}});
        return c.list<kzg::Cell>("cells");
    }
    kzg::Result<kzg::CellsAndProofs> compute_cells_and_kzg_proofs(const kzg::Blob& blob) const override {
        return Call(*this, "compute_cells_and_kzg_proofs", {{"blob", kzg::hex_encode(blob)}}).cells_and_proofs();
    }
    kzg::Result<kzg::CellsAndProofs> recover_cells_and_kzg_proofs(std::span<const std::uint64_t> cell_indices,
                                                                  std::span<const kzg::Cell> cells) const override {
        return Call(*this, "recover_cells_and_kzg_proofs", recover_request(cell_indices, cells)).cells_and_proofs();
    }
    // kzgd serves recovery with proofs only: the same cells, the same errors.
    kzg::Result<std::vector<kzg::Cell>> recover_cells(std::span<const std::uint64_t> cell_indices,
                                                      std::span<const kzg::Cell> cells) const override {
        Call c(*this, "recover_cells_and_kzg_proofs", recover_request(cell_indices, cells));
        return c.list<kzg::Cell>("cells");
    }
    kzg::Result<bool> verify_cell_kzg_proof_batch(std::span<const kzg::KZGCommitment> commitments,
                                                  std::span<const std::uint64_t> cell_indices,
                                                  std::span<const kzg::Cell> cells,
                                                  std::span<const kzg::KZGProof> proofs) const override {
        return Call(*this, "verify_cell_kzg_proof_batch",
                    {{"commitments", hex_list(commitments)},
                     {"cell_indices", json(std::vector<std::uint64_t>(cell_indices.begin(), cell_indices.end()))},
                     {"cells", hex_list(cells)},
                     {"proofs", hex_list(proofs)}})
            .valid();
    }

  private:
    static json recover_request(std::span<const std::uint64_t> cell_indices, std::span<const kzg::Cell> cells) {
        return {{"cell_indices", json(std::vector<std::uint64_t>(cell_indices.begin(), cell_indices.end()))},
                {"cells", hex_list(cells)}};
    }

    // One POST /v1/<function>: the response's JSON object, or the Error.
    class Call {
      public:
        Call(const RemoteEngine& e, std::string function, const json& request)
            : where_("kzgd at " + e.url_.text() + ": POST /v1/" + function) {
            std::string error;
            auto r = http_request(e.url_, "POST", "/v1/" + function, request.dump(), "application/json",
                                  kRemoteTimeoutS, &error);
            if (!r) {
                error_ = kzg::Error{kzg::ErrorCode::kInternal, "kzgd at " + e.url_.text() + ": " + error};
                return;
            }
            auto doc = json::parse(r->body, nullptr, false);
            if (r->status == 200) {
                if (doc.is_discarded() || !doc.is_object()) {
                    error_ = kzg::Error{kzg::ErrorCode::kInternal, where_ + ": the response is not a JSON object"};
                    return;
                }
                doc_ = std::move(doc);
                return;
            }
            std::string message;
            if (!doc.is_discarded() && doc.is_object() && doc.contains("message") && doc["message"].is_string())
                message = doc["message"].get<std::string>();
            if (r->status == 400 && !message.empty()) {
                // Bad input: kzgd's message is the library's, as a local run prints it.
                error_ = kzg::Error{kzg::ErrorCode::kInvalidInput, message};
                return;
            }
            if (message.empty()) message = r->body.substr(0, 200);
            error_ = kzg::Error{kzg::ErrorCode::kInternal,
                                where_ + ": HTTP " + std::to_string(r->status) + (message.empty() ? "" : ": " + message)};
        }

        template <class T>
        kzg::Result<T> fixed(const char* field) const {
            if (!doc_) return error_;
            auto it = doc_->find(field);
            if (it == doc_->end() || !it->is_string()) return bad(std::string("no string \"") + field + "\"");
            auto r = kzg::hex_to_fixed<T>(it->get<std::string>(), field);
            if (!r) return bad(r.message());
            return *r;
        }

        template <class T>
        kzg::Result<std::vector<T>> list(const char* field) const {
            if (!doc_) return error_;
            auto it = doc_->find(field);
            if (it == doc_->end() || !it->is_array()) return bad(std::string("no list \"") + field + "\"");
            std::vector<T> out;
            out.reserve(it->size());
            for (std::size_t i = 0; i < it->size(); i++) {
                const std::string what = std::string(field) + "[" + std::to_string(i) + "]";
                if (!(*it)[i].is_string()) return bad(what + ": not a string");
                auto r = kzg::hex_to_fixed<T>((*it)[i].get<std::string>(), what);
                if (!r) return bad(r.message());
                out.push_back(*r);
            }
            return out;
        }

        kzg::Result<bool> valid() const {
            if (!doc_) return error_;
            auto it = doc_->find("valid");
            if (it == doc_->end() || !it->is_boolean()) return bad("no boolean \"valid\"");
            return it->get<bool>();
        }

        kzg::Result<kzg::CellsAndProofs> cells_and_proofs() const {
            auto cells = list<kzg::Cell>("cells");
            if (!cells) return cells.error();
            auto proofs = list<kzg::KZGProof>("proofs");
            if (!proofs) return proofs.error();
            return kzg::CellsAndProofs{std::move(cells).value(), std::move(proofs).value()};
        }

      private:
        kzg::Error bad(const std::string& why) const {
            return kzg::Error{kzg::ErrorCode::kInternal, where_ + ": unexpected response: " + why};
        }

        std::string where_;
        std::optional<json> doc_;
        kzg::Error error_;
    };

    Url url_;
};

}  // namespace

const Engine& Env::engine() {
    if (!engine_) {
        if (server.empty()) {
            engine_ = std::make_shared<LocalEngine>(*this);
        } else {
            std::string why;
            auto u = parse_url(server, &why);
            if (!u) throw UsageError{"--server: bad URL '" + server + "': " + why};
            engine_ = std::make_shared<RemoteEngine>(std::move(*u));
        }
    }
    return *engine_;
}

}  // namespace kzgctl
