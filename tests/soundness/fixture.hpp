// Shared by the soundness tests: one Context over the c-kzg text setup (the
// same file the forgeries read [s]G1, [s^64]G1 and the G2 points from) and
// random valid inputs.
#pragma once

#include <kzg/kzg.hpp>

#include <memory>
#include <random>
#include <stdexcept>

#include "soundness/curve_support.hpp"
#include "soundness/spec_oracle.hpp"

namespace soundness {

inline const kzg::Context& test_context() {
    static const std::shared_ptr<const kzg::Context> ctx = [] {
        kzg::ContextOptions o;
        o.lazy_tables = true;  // build only the tables a test touches
        auto r = kzg::Context::from_file(KZG_TRUSTED_SETUP_TXT, o);
        if (!r) throw std::runtime_error("cannot load " + std::string(KZG_TRUSTED_SETUP_TXT) + ": " + r.message());
        return r.value();
    }();
    return *ctx;
}

// Byte claims decoded into the form the library's internal batch functions
// (verify_kzg_proof_batch, compute_kzg_proof_batch_challenge) take.
struct DecodedClaims {
    std::vector<blst_p1> commitments, proofs;
    std::vector<Fr> zs, ys;
};
inline DecodedClaims decode_claims(const KzgClaims& c) {
    DecodedClaims d;
    for (std::size_t i = 0; i < c.size(); i++) {
        d.commitments.push_back(g1_decompress(c.commitments[i]));
        d.zs.push_back(fr_from_be(c.zs[i]));
        d.ys.push_back(fr_from_be(c.ys[i]));
        d.proofs.push_back(g1_decompress(c.proofs[i]));
    }
    return d;
}

inline const SetupPoints& setup_points() {
    static const SetupPoints s = load_setup_points(KZG_TRUSTED_SETUP_TXT);
    return s;
}

inline const CellDomain& cell_domain() {
    static const CellDomain d = make_cell_domain();
    return d;
}

// A blob of random canonical field elements, on the heap.
inline std::unique_ptr<kzg::Blob> random_blob(std::mt19937_64& rng) {
    auto blob = std::make_unique<kzg::Blob>();
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) {
        const Bytes32 e = fr_to_be(random_fr(rng));
        std::copy(e.bytes.begin(), e.bytes.end(), blob->bytes.begin() + 32 * i);
    }
    return blob;
}

inline kzg::Cell random_cell(std::mt19937_64& rng) {
    kzg::Cell cell;
    for (std::size_t j = 0; j < kzg::FIELD_ELEMENTS_PER_CELL; j++) {
        const Bytes32 e = fr_to_be(random_fr(rng));
        std::copy(e.bytes.begin(), e.bytes.end(), cell.bytes.begin() + 32 * j);
    }
    return cell;
}

}  // namespace soundness
