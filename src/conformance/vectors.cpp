#include "conformance/vectors.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "kzg/codec.hpp"

namespace kzg::conformance {

namespace fs = std::filesystem;

namespace {

// An input that cannot even be represented (wrong length, bad hex) means the
// call must fail: the runner records it as an error outcome, like the library's.
struct InputError {
    std::string message;
};

// T: a ByteArray (Bytes32, KZGCommitment, KZGProof, Blob, Cell).
template <class T>
T fixed(const YAML::Node& n, const std::string& what) {
    if (!n || !n.IsScalar()) throw InputError{what + ": missing or not a string"};
    auto r = hex_to_fixed<T>(n.Scalar(), what);
    if (!r) throw InputError{r.message()};
    return *r;
}

template <class T>
std::vector<T> fixed_list(const YAML::Node& n, const std::string& what) {
    if (!n || !n.IsSequence()) throw InputError{what + ": missing or not a list"};
    std::vector<T> out;
    out.reserve(n.size());
    for (std::size_t i = 0; i < n.size(); i++) out.push_back(fixed<T>(n[i], what + "[" + std::to_string(i) + "]"));
    return out;
}

std::vector<std::uint64_t> index_list(const YAML::Node& n, const std::string& what) {
    if (!n || !n.IsSequence()) throw InputError{what + ": missing or not a list"};
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < n.size(); i++) {
        std::uint64_t v;
        if (!YAML::convert<std::uint64_t>::decode(n[i], v))
            throw InputError{what + "[" + std::to_string(i) + "]: not an unsigned integer"};
        out.push_back(v);
    }
    return out;
}

// Blobs and cells are large: keep them on the heap.
std::unique_ptr<Blob> blob(const YAML::Node& n, const std::string& what) {
    return std::make_unique<Blob>(fixed<Blob>(n, what));
}

// A normalized outcome: an error, or the output as YAML-comparable text.
struct Outcome {
    bool error = false;
    std::string message;        // when error
    std::vector<std::string> values;  // flattened hex strings / "true" / "false"
};

template <class T>
bool take_error(const Result<T>& r, Outcome& o) {
    if (r.ok()) return false;
    o.error = true;
    o.message = std::string(error_code_name(r.code())) + ": " + r.message();
    return true;
}

void flatten(const YAML::Node& n, std::vector<std::string>& out) {
    if (n.IsSequence()) {
        for (const auto& c : n) flatten(c, out);
    } else if (n.IsScalar()) {
        std::string s = n.Scalar();
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
        out.push_back(s);
    }
}

Outcome call(const Context& ctx, const std::string& f, const YAML::Node& in) {
    Outcome o;
    auto put = [&](const auto& bytes) { o.values.push_back(hex_encode(bytes)); };
    auto put_bool = [&](bool b) { o.values.push_back(b ? "true" : "false"); };
    try {
        if (f == "blob_to_kzg_commitment") {
            auto r = ctx.blob_to_kzg_commitment(*blob(in["blob"], "blob"));
            if (!take_error(r, o)) put(*r);
        } else if (f == "compute_kzg_proof") {
            auto b = blob(in["blob"], "blob");
            auto r = ctx.compute_kzg_proof(*b, fixed<Bytes32>(in["z"], "z"));
            if (!take_error(r, o)) put(r->proof), put(r->y);
        } else if (f == "compute_blob_kzg_proof") {
            auto b = blob(in["blob"], "blob");
            auto r = ctx.compute_blob_kzg_proof(*b, fixed<KZGCommitment>(in["commitment"], "commitment"));
            if (!take_error(r, o)) put(*r);
        } else if (f == "verify_kzg_proof") {
            auto r = ctx.verify_kzg_proof(fixed<KZGCommitment>(in["commitment"], "commitment"), fixed<Bytes32>(in["z"], "z"),
                                          fixed<Bytes32>(in["y"], "y"), fixed<KZGProof>(in["proof"], "proof"));
            if (!take_error(r, o)) put_bool(*r);
        } else if (f == "verify_blob_kzg_proof") {
            auto b = blob(in["blob"], "blob");
            auto r = ctx.verify_blob_kzg_proof(*b, fixed<KZGCommitment>(in["commitment"], "commitment"),
                                               fixed<KZGProof>(in["proof"], "proof"));
            if (!take_error(r, o)) put_bool(*r);
        } else if (f == "verify_blob_kzg_proof_batch") {
            auto blobs = fixed_list<Blob>(in["blobs"], "blobs");
            auto r = ctx.verify_blob_kzg_proof_batch(blobs, fixed_list<KZGCommitment>(in["commitments"], "commitments"),
                                                     fixed_list<KZGProof>(in["proofs"], "proofs"));
            if (!take_error(r, o)) put_bool(*r);
        } else if (f == "compute_challenge") {
            auto b = blob(in["blob"], "blob");
            auto r = ctx.compute_challenge(*b, fixed<KZGCommitment>(in["commitment"], "commitment"));
            if (!take_error(r, o)) put(*r);
        } else if (f == "compute_cells") {
            auto r = ctx.compute_cells(*blob(in["blob"], "blob"));
            if (!take_error(r, o))
                for (const auto& c : *r) put(c);
        } else if (f == "compute_cells_and_kzg_proofs") {
            auto r = ctx.compute_cells_and_kzg_proofs(*blob(in["blob"], "blob"));
            if (!take_error(r, o)) {
                for (const auto& c : r->cells) put(c);
                for (const auto& p : r->proofs) put(p);
            }
        } else if (f == "recover_cells_and_kzg_proofs") {
            auto idx = index_list(in["cell_indices"], "cell_indices");
            auto cells = fixed_list<Cell>(in["cells"], "cells");
            auto r = ctx.recover_cells_and_kzg_proofs(idx, cells);
            if (!take_error(r, o)) {
                for (const auto& c : r->cells) put(c);
                for (const auto& p : r->proofs) put(p);
            }
        } else if (f == "verify_cell_kzg_proof_batch") {
            auto commitments = fixed_list<KZGCommitment>(in["commitments"], "commitments");
            auto idx = index_list(in["cell_indices"], "cell_indices");
            auto cells = fixed_list<Cell>(in["cells"], "cells");
            auto r = ctx.verify_cell_kzg_proof_batch(commitments, idx, cells, fixed_list<KZGProof>(in["proofs"], "proofs"));
            if (!take_error(r, o)) put_bool(*r);
        } else if (f == "compute_verify_cell_kzg_proof_batch_challenge") {
            auto commitments = fixed_list<KZGCommitment>(in["commitments"], "commitments");
            auto cidx = index_list(in["commitment_indices"], "commitment_indices");
            auto idx = index_list(in["cell_indices"], "cell_indices");
            // cosets_evals: per cell, its 64 field elements; their concatenation is the cell.
            const YAML::Node& ev = in["cosets_evals"];
            if (!ev || !ev.IsSequence()) throw InputError{"cosets_evals: missing or not a list"};
            std::vector<Cell> cells(ev.size());
            for (std::size_t k = 0; k < ev.size(); k++) {
                auto elems = fixed_list<Bytes32>(ev[k], "cosets_evals[" + std::to_string(k) + "]");
                if (elems.size() != FIELD_ELEMENTS_PER_CELL)
                    throw InputError{"cosets_evals[" + std::to_string(k) + "]: expected 64 field elements"};
                for (std::size_t j = 0; j < elems.size(); j++)
                    std::copy(elems[j].bytes.begin(), elems[j].bytes.end(), cells[k].bytes.begin() + 32 * j);
            }
            auto r = ctx.compute_verify_cell_kzg_proof_batch_challenge(commitments, cidx, idx, cells,
                                                                      fixed_list<KZGProof>(in["proofs"], "proofs"));
            if (!take_error(r, o)) put(*r);
        } else {
            o.error = true;
            o.message = "unknown function";
        }
    } catch (const InputError& e) {
        o.error = true;
        o.message = "input: " + e.message;
    }
    return o;
}

std::string describe(const Outcome& o) {
    if (o.error) return "error (" + o.message + ")";
    if (o.values.size() == 1) return o.values[0].size() > 80 ? o.values[0].substr(0, 80) + "..." : o.values[0];
    return std::to_string(o.values.size()) + " values";
}

}  // namespace

const std::vector<std::string>& known_functions() {
    static const std::vector<std::string> names = {
        "blob_to_kzg_commitment",       "compute_kzg_proof",
        "compute_blob_kzg_proof",       "verify_kzg_proof",
        "verify_blob_kzg_proof",        "verify_blob_kzg_proof_batch",
        "compute_challenge",            "compute_cells",
        "compute_cells_and_kzg_proofs", "recover_cells_and_kzg_proofs",
        "verify_cell_kzg_proof_batch",  "compute_verify_cell_kzg_proof_batch_challenge"};
    return names;
}

CaseResult run_case(const Context& ctx, const std::string& function, const fs::path& data_yaml) {
    CaseResult res;
    res.function = function;
    res.path = data_yaml;
    res.name = data_yaml.parent_path().parent_path().filename().string() + "/" +
               data_yaml.parent_path().filename().string();
    YAML::Node doc;
    try {
        doc = YAML::LoadFile(data_yaml.string());
    } catch (const YAML::Exception& e) {
        res.detail = std::string("cannot parse the case file: ") + e.what();
        return res;
    }
    if (!doc.IsMap() || !doc["input"] || !doc["output"]) {
        res.detail = "the case file has no input/output mapping";
        return res;
    }
    Outcome got;
    try {
        got = call(ctx, function, doc["input"]);
    } catch (const YAML::Exception& e) {  // e.g. `input: 5`: operator[] on a scalar
        res.detail = std::string("malformed case file: ") + e.what();
        return res;
    }
    const YAML::Node& want = doc["output"];
    if (want.IsNull()) {
        res.passed = got.error;
        if (!res.passed) res.detail = "expected an error, got " + describe(got);
        return res;
    }
    Outcome expected;
    flatten(want, expected.values);
    if (got.error) {
        res.detail = "expected " + describe(expected) + ", got " + describe(got);
    } else if (got.values != expected.values) {
        std::size_t i = 0;
        while (i < got.values.size() && i < expected.values.size() && got.values[i] == expected.values[i]) i++;
        res.detail = "output differs at value " + std::to_string(i) + " of " + std::to_string(expected.values.size()) +
                     " (got " + std::to_string(got.values.size()) + " values)";
    } else {
        res.passed = true;
    }
    return res;
}

Result<Report> run_directory(const Context& ctx, const fs::path& dir, const std::vector<std::string>& only,
                             const std::function<void(const CaseResult&)>& on_case) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Error{ErrorCode::kIo, dir.string() + ": not a directory"};

    // <function>/<config>/<case>/data.yaml, at any depth.
    std::map<std::string, std::vector<fs::path>> cases;
    std::set<std::string> unknown;
    const auto& known = known_functions();
    // Function folders are often symlinks into a spec-tests checkout: follow them.
    const auto walk = fs::directory_options::skip_permission_denied | fs::directory_options::follow_directory_symlink;
    for (auto it = fs::recursive_directory_iterator(dir, walk, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file() || it->path().filename() != "data.yaml") continue;
        const fs::path case_dir = it->path().parent_path();
        const std::string function = case_dir.parent_path().parent_path().filename().string();
        if (std::find(known.begin(), known.end(), function) == known.end()) {
            unknown.insert(function);
            continue;
        }
        if (!only.empty() && std::find(only.begin(), only.end(), function) == only.end()) continue;
        cases[function].push_back(it->path());
    }
    if (ec) return Error{ErrorCode::kIo, dir.string() + ": " + ec.message()};

    Report report;
    report.unknown_functions.assign(unknown.begin(), unknown.end());
    for (auto& [function, files] : cases) {
        std::sort(files.begin(), files.end());
        FunctionSummary summary{function, 0, 0};
        for (const auto& file : files) {
            CaseResult r = run_case(ctx, function, file);
            (r.passed ? summary.passed : summary.failed)++;
            if (on_case) on_case(r);
            if (!r.passed) report.failures.push_back(std::move(r));
        }
        report.passed += summary.passed;
        report.failed += summary.failed;
        report.functions.push_back(summary);
    }
    return report;
}

}  // namespace kzg::conformance
